import XCTest
import Volumes
@testable import Workbench

final class ModelTests: XCTestCase {
    func testOpensOnTheMiddleSliceWithTheLungWindow() {
        let s = makeState()
        XCTAssertEqual(s.slice, 5)
        XCTAssertEqual([s.window, s.level], [1500, -600])
        XCTAssertEqual([s.cursorI, s.cursorJ], [20, 15])
    }

    func testCursorMovesOnScreenDirectionsOnAFlippedImage() {
        // DICOM-style affine (x and y negative in RAS+): i grows towards the patient's left and
        // j towards posterior, so the voxel grid is already in radiological view.
        var s = makeState()
        XCTAssertFalse(s.viewport.flipX)
        XCTAssertFalse(s.viewport.flipY)
        _ = s.perform(.cursorLeft)
        XCTAssertEqual(s.cursorI, 19)
        _ = s.perform(.cursorDown)
        XCTAssertEqual(s.cursorJ, 16)
        // A plain scaling affine (i to the patient's right, j to anterior): both run backwards on screen.
        var t = makeState(image: syntheticImage(affine: .scaling(SIMD3(1, 1, 2))))
        _ = t.perform(.cursorLeft); _ = t.perform(.cursorDown)
        XCTAssertEqual([t.cursorI, t.cursorJ], [21, 14])
    }

    func testSliceStepsStopAtTheEnds() {
        var s = makeState()
        _ = s.perform(.pageUp)
        XCTAssertEqual(s.slice, 9)
        _ = s.perform(.sliceUp)
        XCTAssertEqual(s.slice, 9)
        _ = s.perform(.firstSlice); _ = s.perform(.sliceDown)
        XCTAssertEqual(s.slice, 0)
    }

    func testBoxCommandSavesAndAsksTheTeacherDebounced() {
        var s = makeState()
        let effects = s.type(command: "box 10 8 14 12")
        XCTAssertEqual(s.boxes, [Box(slice: 5, xMin: 10, yMin: 8, xMax: 14, yMax: 12, object: 1)])
        XCTAssertEqual(effects, [.saveBoxes(s.boxes), .requestProposal(version: 1, delay: WorkbenchState.debounce)])
        XCTAssertEqual(s.proposalStatus, .pending)
        XCTAssertEqual(s.contents.state, .boxed)
        XCTAssertEqual(s.history, ["box 10 8 14 12"])
    }

    func testMarkingTwoCornersFromTheKeyboardMakesABox() {
        var s = makeState()
        _ = s.perform(.markCorner)
        XCTAssertNotNil(s.anchor)
        for _ in 0..<3 { _ = s.perform(.cursorRight) }
        for _ in 0..<2 { _ = s.perform(.cursorDown) }
        _ = s.perform(.markCorner)
        XCTAssertNil(s.anchor)
        XCTAssertEqual(s.boxes, [Box(slice: 5, xMin: 20, yMin: 15, xMax: 23, yMax: 17, object: 1)])
        XCTAssertEqual(s.selectedBox, 0)
    }

    func testUndoAndRedoEveryBoxEdit() {
        var s = makeState()
        _ = s.type(command: "box 10 8 14 12")
        _ = s.perform(.boxWider)
        XCTAssertEqual(s.boxes.first.map { [$0.xMin, $0.xMax] }, [9, 15])
        _ = s.perform(.deleteBox)
        XCTAssertEqual(s.boxes, [])
        _ = s.perform(.undo)
        XCTAssertEqual(s.boxes.first.map { [$0.xMin, $0.xMax] }, [9, 15])
        _ = s.perform(.undo); _ = s.perform(.undo)
        XCTAssertEqual(s.boxes, [])
        let effects = s.perform(.redo)
        XCTAssertEqual(s.boxes.count, 1)
        XCTAssertEqual(effects.first, .saveBoxes(s.boxes), "undo and redo are saved like any edit")
        _ = s.perform(.undo); _ = s.perform(.undo)
        XCTAssertEqual(s.perform(.undo), [])
        XCTAssertEqual(s.message, "nothing to undo")
    }

    func testMovingABoxFollowsTheScreenAndStaysInTheImage() {
        var s = makeState()
        _ = s.type(command: "box 35 8 39 12")
        _ = s.perform(.boxRight)   // screen right is i + 1, but the box is at the image's edge: it stays
        XCTAssertEqual(s.boxes[0].xMax, 39)
        _ = s.perform(.boxLeft)
        XCTAssertEqual([s.boxes[0].xMin, s.boxes[0].xMax], [34, 38])
        // On a scaling affine the same key moves the other way in voxels, the same way on screen.
        var t = makeState(image: syntheticImage(affine: .scaling(SIMD3(1, 1, 2))))
        _ = t.type(command: "box 10 8 14 12")
        _ = t.perform(.boxLeft)
        XCTAssertEqual(t.boxes[0].xMin, 11)
    }

    func testCopyToNextSliceThenInterpolate() {
        var s = makeState()
        // Typed commands would wait for the (pending) teacher; run them at once.
        _ = s.execute("slice 2")
        _ = s.execute("box 10 10 20 20")
        _ = s.perform(.copyBoxNext)
        XCTAssertEqual(s.slice, 3)
        XCTAssertEqual(s.boxes.map(\.slice), [2, 3])
        _ = s.execute("slice 7")
        _ = s.execute("box 14 14 24 24")
        _ = s.perform(.interpolate)
        let filled = s.boxes.filter { (4...6).contains($0.slice) }.sorted { $0.slice < $1.slice }
        XCTAssertEqual(filled.map(\.xMin), [11, 12, 13])
        XCTAssertEqual(filled.map(\.yMax), [21, 22, 23])
        _ = s.perform(.firstSlice)
        _ = s.perform(.nextAnnotated)
        XCTAssertEqual(s.slice, 2)
        _ = s.perform(.nextAnnotated)
        XCTAssertEqual(s.slice, 3)
    }

    func testSeveralTumoursGetTheirOwnObjectNumbers() {
        var s = makeState()
        _ = s.execute("box 1 1 3 3")
        _ = s.perform(.newObject)
        _ = s.execute("box 20 20 25 25")
        XCTAssertEqual(s.boxes.map(\.object), [1, 2])
        _ = s.perform(.nextObject)
        XCTAssertEqual(s.object, 1)
    }

    func testCommandsTypedWhileTheTeacherRunsWaitForIt() {
        var s = makeState()
        _ = s.type(command: "box 10 8 14 12")
        let propose = s.type(command: "propose")
        XCTAssertEqual(propose, [], "the teacher is still pending from the box, so :propose waits too")
        XCTAssertEqual(s.type(command: "accept"), [])
        XCTAssertEqual(s.queuedCommands, ["propose", "accept"])
        // An answer for an older request is dropped.
        XCTAssertEqual(s.handle(.proposalReady(version: 0, mask: BinaryMask(emptyOn: s.image))), [])
        XCTAssertNil(s.mask)
        var mask = BinaryMask(emptyOn: s.image)
        mask[12, 10, 5] = 1
        let effects = s.handle(.proposalReady(version: 1, mask: mask))
        // The queued :propose starts a new request; :accept waits for that one.
        XCTAssertEqual(effects, [.saveProposal, .requestProposal(version: 1, delay: 0)])
        XCTAssertEqual(s.queuedCommands, ["accept"])
        let final = s.handle(.proposalReady(version: 1, mask: mask))
        XCTAssertEqual(final, [.saveProposal, .accept])
        XCTAssertEqual(s.contents.state, .accepted)
        XCTAssertEqual(s.queuedCommands, [])
    }

    func testRejectAsksForAReason() {
        var s = makeState()
        _ = s.perform(.reject)
        XCTAssertEqual(s.mode, .command)
        XCTAssertEqual(s.commandText, "reject ")
        for c in "misses the nodule" { _ = s.handle(.key(.char(c))) }
        XCTAssertEqual(s.handle(.key(.enter)), [.reject(reason: "misses the nodule")])
        XCTAssertEqual(s.contents.state, .rejected(reason: "misses the nodule"))
    }

    func testCommandHistoryRecallsWithUpAndDown() {
        var s = makeState()
        _ = s.type(command: "slice 2")
        _ = s.type(command: "slice 3")
        _ = s.handle(.key(.char(":")))
        _ = s.handle(.key(.up))
        XCTAssertEqual(s.commandText, "slice 3")
        _ = s.handle(.key(.up))
        XCTAssertEqual(s.commandText, "slice 2")
        _ = s.handle(.key(.down))
        XCTAssertEqual(s.commandText, "slice 3")
        _ = s.handle(.key(.enter))
        XCTAssertEqual(s.slice, 3)
        XCTAssertEqual(s.history, ["slice 2", "slice 3"])
    }

    func testBadCommandsSayWhy() {
        var s = makeState()
        _ = s.type(command: "slice 99")
        XCTAssertEqual(s.message, "no slice 99: slices are 0…9")
        _ = s.type(command: "box 1 2 3")
        XCTAssertEqual(s.message, "usage: :box X0 Y0 X1 Y1")
        _ = s.type(command: "accept")
        XCTAssertEqual(s.message, "nothing to accept: no proposal yet (press p)")
        _ = s.type(command: "frobnicate")
        XCTAssertEqual(s.message, "unknown command :frobnicate (? lists the commands)")
        XCTAssertEqual(s.type(command: "q"), [.saveViewPoint, .quit])
    }

    func testBrushPaintsADiscAndUndoRestoresTheSlice() {
        var s = makeState()
        _ = s.perform(.brush)
        XCTAssertEqual(s.mode, .brush)
        s.brushRadius = 1
        let effects = s.perform(.paint)
        XCTAssertEqual(effects, [.saveProposal])
        XCTAssertEqual(s.mask?.count, 5, "a radius-1 disc is 5 voxels")
        _ = s.perform(.eraser)
        s.brushRadius = 0
        _ = s.perform(.paint)
        XCTAssertEqual(s.mask?.count, 4)
        _ = s.perform(.undo)
        XCTAssertEqual(s.mask?.count, 5)
        _ = s.perform(.undo); _ = s.perform(.undo)
        XCTAssertNil(s.mask)
    }

    /// A dab keeps only its square of the slice in the undo history, and the status line's
    /// figures, refigured slice by slice, are those of the whole mask after any mix of edits.
    func testBrushEditsKeepTheirPatchAndTheFiguresFollowTheMask() {
        var s = makeState()
        _ = s.perform(.brush)
        s.brushRadius = 2
        s.cursorI = 10; s.cursorJ = 10
        _ = s.perform(.paint)
        guard case .maskPatch(_, let patch, let before, let after)? = s.undoStack.last else { return XCTFail("no patch") }
        XCTAssertEqual([patch.count, before.count, after.count], [25, 25, 25], "5 × 5 voxels, not the slice")
        XCTAssertEqual(s.mask?.count, 13, "a radius-2 disc")
        s.cursorI = 0; s.cursorJ = 0                     // at the corner the square is clipped
        _ = s.perform(.paint)
        guard case .maskPatch(_, let corner, _, _)? = s.undoStack.last else { return XCTFail("no patch") }
        XCTAssertEqual(corner, SlicePatch(i: 0...2, j: 0...2))
        s.slice += 1; s.cursorI = 20
        _ = s.perform(.paint)
        _ = s.perform(.eraser); s.cursorI = 21
        _ = s.perform(.paint)
        XCTAssertEqual(s.maskStats, MaskStats(mask: s.mask!))
        _ = s.perform(.undo); _ = s.perform(.undo)
        XCTAssertEqual(s.maskStats, MaskStats(mask: s.mask!))
        XCTAssertEqual(s.mask?.count, 13 + 6)
        XCTAssertGreaterThan(s.maskStats?.maxAxialDiameter ?? 0, 0)
    }

    func testMouseDragDrawsABoxAndTheWheelChangesSlice() {
        var s = makeState()
        let view = s.viewport
        let a = view.cell(i: 30, j: 5), b = view.cell(i: 20, j: 12)
        _ = s.handle(.mouse(.press(x: a.x, y: a.y)))
        _ = s.handle(.mouse(.drag(x: b.x, y: b.y)))
        _ = s.handle(.mouse(.release(x: b.x, y: b.y)))
        XCTAssertEqual(s.boxes.count, 1)
        let box = s.boxes[0]
        // Cells hold two voxel rows and about one voxel column here: corners within one voxel.
        XCTAssertEqual(Double(box.xMin), 20, accuracy: 1)
        XCTAssertEqual(Double(box.xMax), 30, accuracy: 1)
        XCTAssertEqual(Double(box.yMin), 5, accuracy: 1)
        XCTAssertEqual(Double(box.yMax), 12, accuracy: 1)
        _ = s.handle(.mouse(.wheelUp(x: 1, y: 1)))
        XCTAssertEqual(s.slice, 6)
    }

    func testWindowPresetsAndZoom() {
        var s = makeState()
        _ = s.perform(.presetBone)
        XCTAssertEqual([s.window, s.level], [1800, 400])
        _ = s.perform(.presetMediastinum)
        XCTAssertEqual([s.window, s.level], [350, 50])
        _ = s.perform(.zoomIn)
        XCTAssertEqual(s.zoom, 1.5)
        XCTAssertEqual(s.viewport.mmPerPixel * 1.5, makeState().viewport.mmPerPixel, accuracy: 1e-9)
        _ = s.perform(.zoomReset)
        XCTAssertEqual(s.zoom, 1)
    }

    func testReviewFocusCentresAndZoomsOnTheBoxes() {
        var s = makeState(boxes: [Box(slice: 4, xMin: 10, yMin: 8, xMax: 14, yMax: 12)])
        s.slice = 0
        s.focusOnBoxes()
        XCTAssertEqual(s.slice, 4)
        XCTAssertEqual([s.cursorI, s.cursorJ], [12, 10])
        // The 5-voxel box spans about a third of the view's narrower side.
        let view = s.viewport
        let a = view.pixel(i: 9.5, j: 7.5), b = view.pixel(i: 14.5, j: 12.5)
        let share = max(abs(b.px - a.px) / Double(view.pixelsWide), abs(b.py - a.py) / Double(view.pixelsHigh))
        XCTAssertEqual(share, 1.0 / 3, accuracy: 0.01)
    }

    func testViewportMapsCellsAndVoxelsBothWays() {
        let s = makeState()
        let view = s.viewport
        for (i, j) in [(0, 0), (39, 29), (12, 7)] {
            let c = view.cell(i: i, j: j)
            let v = view.voxel(cellX: c.x, cellY: c.y)!
            XCTAssertEqual(Double(v.i), Double(i), accuracy: 1)
            XCTAssertEqual(Double(v.j), Double(j), accuracy: 1)
        }
        // Patient's right (small i with a negative x axis) is on the screen's left.
        XCTAssertLessThan(view.cell(i: 0, j: 0).x, view.cell(i: 39, j: 0).x)
        // With a positive x axis, large i is the patient's right: on the screen's left.
        let scaled = makeState(image: syntheticImage(affine: .scaling(SIMD3(1, 1, 2)))).viewport
        XCTAssertLessThan(scaled.cell(i: 39, j: 0).x, scaled.cell(i: 0, j: 0).x)
        // and anterior (large j with a positive y axis) is up.
        XCTAssertLessThan(scaled.cell(i: 0, j: 29).y, scaled.cell(i: 0, j: 0).y)
    }

    func testMaskStatsGiveVolumeAndDiameter() {
        var mask = BinaryMask(emptyOn: Volume(size: GridSize(20, 20, 4), spacing: SIMD3(0.5, 0.5, 2)))
        for j in 5...14 { for i in 2...11 { mask[i, j, 1] = 1 } }   // 10×10 voxels = 5×5 mm
        let stats = MaskStats(mask: mask)
        XCTAssertEqual(stats.millilitres, 100 * 0.5 * 0.5 * 2 / 1000, accuracy: 1e-12)
        XCTAssertEqual(stats.maxAxialDiameter, (4.5 * 4.5 * 2).squareRoot(), accuracy: 1e-9)
    }
}
