import XCTest
import Volumes
@testable import Workbench

final class RenderTests: XCTestCase {
    /// Left half -1000 HU, right half +1000 HU, plain scaling affine (i grows to the screen's right).
    func halves() -> WorkbenchState {
        var v = Volume(size: GridSize(40, 40, 3), spacing: SIMD3(1, 1, 1))
        for k in 0..<3 { for j in 0..<40 { for i in 0..<40 { v[i, j, k] = i < 20 ? -1000 : 1000 } } }
        var s = makeState(image: v)
        s.window = 2000; s.level = 0
        return s
    }

    func render(_ s: WorkbenchState, _ mode: ColorMode, width: Int = 80, height: Int = 24) -> MemoryScreen {
        var screen = MemoryScreen(width: width, height: height)
        Frame.compose(s, mode: mode, into: &screen)
        return screen
    }

    func testGreyRampCellsAndSideLabels() {
        let s = halves()
        let screen = render(s, .grey256)
        let view = s.viewport
        let left = view.cell(i: 5, j: 20), right = view.cell(i: 35, j: 10)
        XCTAssertEqual(screen[left.x, left.y], Cell(" ", bg: .palette(16)), "-1000 HU at W2000 L0 is black")
        XCTAssertEqual(screen[right.x, right.y], Cell(" ", bg: .palette(231)), "+1000 HU is white")
        XCTAssertEqual(screen[0, view.y0 + view.cellsHigh / 2].char, "R")
        XCTAssertEqual(screen[79, view.y0 + view.cellsHigh / 2].char, "L")
        XCTAssertEqual(screen[view.x0 + view.cellsWide / 2, 1].char, "A")
        // Only the grey ramp, the cube and the terminal default: never the 16 theme colours.
        for cell in screen.cells {
            for color in [cell.fg, cell.bg] { if case .palette(let n) = color { XCTAssertGreaterThanOrEqual(n, 16) } }
        }
    }

    func testAspectComesFromTheSpacing() {
        // 40×40 voxels of 1×2 mm are twice as tall as wide on screen (pixels are square).
        var v = Volume(size: GridSize(40, 40, 1), spacing: SIMD3(1, 2, 1))
        for j in 0..<40 { for i in 0..<40 { v[i, j, 0] = 1000 } }
        var s = makeState(image: v)
        s.window = 100; s.level = 0
        let screen = render(s, .grey256)
        let lit = screen.cells.enumerated().filter { $0.element.bg == .palette(231) }
        let xs = Set(lit.map { $0.offset % 80 }), ys = Set(lit.map { $0.offset / 80 })
        // Height in pixels (2 per cell) is twice the width, within a cell.
        XCTAssertEqual(Double(ys.count * 2), Double(xs.count) * 2, accuracy: 2)
    }

    func testPlainModeUsesTheCharacterRampAndDigitsForBoxes() {
        var s = halves()
        _ = s.type(command: "box 25 10 30 15")
        let screen = render(s, .plain)
        let view = s.viewport
        let left = view.cell(i: 5, j: 20), right = view.cell(i: 36, j: 30)
        XCTAssertEqual(screen[left.x, left.y].char, " ")
        XCTAssertEqual(screen[right.x, right.y].char, "@")
        XCTAssertTrue(screen.text.contains("1111"), "the box outline is drawn with its tumour number")
        XCTAssertEqual(screen[right.x, right.y].fg, .terminalDefault)
    }

    func testTrueColourSendsRGB() {
        let s = halves()
        let screen = render(s, .trueColor)
        let right = s.viewport.cell(i: 35, j: 10)
        XCTAssertEqual(screen[right.x, right.y].bg, .rgb(255, 255, 255))
    }

    func testDitheringMixesTwoNeighbouringGreys() {
        var v = Volume(size: GridSize(40, 40, 1), spacing: SIMD3(1, 1, 1))
        for n in v.voxels.indices { v.voxels[n] = 13 }    // grey 13/255 of W255 L127.5: between levels 8 and 18
        var s = makeState(image: v)
        s.window = 255; s.level = 127.5
        func imageGreys() -> Set<TermColor> {
            let screen = render(s, .grey256), view = s.viewport
            var greys = Set<TermColor>()
            for y in view.y0..<(view.y0 + view.cellsHigh) { for x in view.x0..<(view.x0 + view.cellsWide) {
                let cell = screen[x, y]
                if cell.bg != .terminalDefault && cell.char != "+" { greys.insert(cell.bg) }
            } }
            return greys
        }
        XCTAssertEqual(imageGreys(), [.palette(232), .palette(233)])
        s.dither = false
        XCTAssertEqual(imageGreys().count, 1)
    }

    /// `halves()` with a box over columns `i`, rows `j` of its slice and a proposal filling it.
    func halvesWithProposal(i: Range<Int>, j: Range<Int>) -> WorkbenchState {
        var s = halves()
        var mask = BinaryMask(emptyOn: s.image)
        for b in j { for a in i { mask[a, b, s.slice] = 1 } }
        _ = s.type(command: "box \(i.lowerBound) \(j.lowerBound) \(i.upperBound - 1) \(j.upperBound - 1)")
        _ = s.handle(.proposalReady(version: 1, mask: mask))
        return s
    }

    func testMaskIsTintedAndCanBeHidden() {
        var s = halvesWithProposal(i: 0..<20, j: 0..<40)
        let cell = s.viewport.cell(i: 5, j: 20)
        let tinted = render(s, .trueColor)[cell.x, cell.y]
        guard case .rgb(let r, let g, _) = tinted.bg else { return XCTFail("expected RGB, got \(tinted)") }
        XCTAssertGreaterThan(r, g, "the mask shows red")
        _ = s.perform(.toggleMask)
        XCTAssertEqual(render(s, .trueColor)[cell.x, cell.y].bg, .rgb(0, 0, 0))
    }

    /// In outline mode only the mask's edge is tinted: its inside shows the image as it is.
    func testMaskOutlineTintsTheEdgeAndLeavesTheInsideClear() {
        var s = halvesWithProposal(i: 4..<16, j: 10..<30)
        let inside = s.viewport.cell(i: 9, j: 20), edge = s.viewport.cell(i: 4, j: 20)
        let filled = render(s, .trueColor)
        XCTAssertNotEqual(filled[inside.x, inside.y].bg, .rgb(0, 0, 0), "filled: the inside is tinted")
        _ = s.perform(.toggleOutline)
        XCTAssertEqual(s.message, "mask drawn as its outline")
        let outlined = render(s, .trueColor)
        XCTAssertEqual(outlined[inside.x, inside.y].bg, .rgb(0, 0, 0), "outline: the inside shows the (black) image")
        guard case .rgb(let r, let g, _) = outlined[edge.x, edge.y].bg else { return XCTFail("expected RGB") }
        XCTAssertGreaterThan(r, g, "the edge still shows red")
        let wide = render(s, .trueColor, width: 120)
        XCTAssertTrue(wide.row(22).contains("mm outline"), wide.row(22))
        _ = s.perform(.toggleOutline)
        XCTAssertEqual(render(s, .trueColor)[inside.x, inside.y].bg, filled[inside.x, inside.y].bg)
    }

    func testStatusLineShowsSliceCursorHUAndState() {
        var s = makeState()
        _ = s.type(command: "slice 4")
        s.cursorI = 12; s.cursorJ = 10
        let screen = render(s, .grey256)
        XCTAssertTrue(screen.row(22).hasPrefix(" slice 4/9 │ x 12 y 10: 200 HU │ W1500 L-600 │ 0/0 boxes │ unlabelled"),
                      screen.row(22))
        XCTAssertTrue(screen.row(0).contains("case01"))
    }

    func testReviewTitleShowsThePlaceInTheQueueAndWhy() {
        var s = makeState()
        let why = [QueueReason(short: "disagreement 0.41 · uncertainty 0.12",
                               full: "disagreement 0.41 (teacher vs student DSC 0.59) · uncertainty 0.12"),
                   QueueReason(short: "not prioritised yet", full: "not prioritised yet")]
        s.queue = QueueProgress(position: 1, total: 2, done: 0, reasons: why)
        let wide = render(s, .grey256, width: 140)
        XCTAssertTrue(wide.row(0).contains("review 1/2, 0 done, 2 left │ disagreement 0.41 · uncertainty 0.12"), wide.row(0))
        XCTAssertTrue(wide.row(0).contains("? help"), "the hint stays when there is room")
        XCTAssertEqual(s.queue?.openingMessage, "1/2 · disagreement 0.41 (teacher vs student DSC 0.59) · uncertainty 0.12")
        s.queue?.position = 2
        let narrow = render(s, .grey256, width: 90)
        XCTAssertTrue(narrow.row(0).contains("│ not prioritised yet"), narrow.row(0))
        XCTAssertFalse(narrow.row(0).contains("? help"), "the reason goes before the hint on a narrow screen")
        s.queue = QueueProgress(position: 1, total: 2, done: 0)
        XCTAssertNil(s.queue?.openingMessage)
        XCTAssertTrue(render(s, .grey256, width: 100).row(0).hasSuffix("2 left" + String(repeating: " ", count: 20) + "? help  : command "),
                      render(s, .grey256, width: 100).row(0))
    }

    func testHelpListsTheKeysOfTheKeymapInForce() {
        var s = makeState()
        _ = s.perform(.help)
        XCTAssertTrue(render(s, .grey256).text.contains("<PageUp>         page-up"))
        // Scrolled down, the screen shows the quit line.
        for _ in 0..<60 { _ = s.handle(.key(.down)) }
        XCTAssertTrue(render(s, .grey256).text.contains("<C-c> q          quit"))
        let line = HelpView.lines(keymap: s.keymap).first { $0.contains(" quit ") }
        XCTAssertEqual(line, "<C-c> q          quit                 save and quit")
        // A rebinding shows at once.
        var map = s.keymap
        try? map.apply("Z quit\n", source: "t")
        XCTAssertTrue(HelpView.lines(keymap: map).contains { $0.hasPrefix("<C-c> Z q ") })
        _ = s.handle(.key(.char("x")))
        XCTAssertEqual(s.mode, .normal, "any other key closes help")
    }

    func testTooSmallTerminalSaysSo() {
        var s = makeState(width: 60, height: 20)
        _ = s.handle(.resize(width: 60, height: 20))
        let text = render(s, .grey256, width: 60, height: 20).text
        XCTAssertTrue(text.contains("This terminal is 60×20;"))
        XCTAssertTrue(text.contains("needs at least 80×24"))
    }
}
