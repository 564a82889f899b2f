import Foundation
import XCTest
import Volumes
@testable import Workbench

final class FolderCaseTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("case-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try NIfTI.write(syntheticImage(), to: folder.appendingPathComponent("ct.nii.gz").path, datatype: .int16)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testSavesAreThereWhenReopened() throws {
        let source = FolderCase(folder: folder)
        var contents = try source.open()
        XCTAssertEqual(contents.state, .unlabelled)
        XCTAssertEqual(contents.image.size, GridSize(40, 30, 10))
        let boxes = [Box(slice: 4, xMin: 10, yMin: 8, xMax: 14, yMax: 12)]
        try source.saveBoxes(boxes)
        try source.saveViewPoint(ViewPoint(slice: 4, window: 350, level: 50))
        contents = try FolderCase(folder: folder).open()
        XCTAssertEqual(contents.boxes, boxes)
        XCTAssertEqual(contents.state, .boxed)
        XCTAssertEqual(contents.viewPoint, ViewPoint(slice: 4, window: 350, level: 50))
        // The workbench resumes there.
        let state = WorkbenchState(contents: contents, keymap: Keymap(), width: 80, height: 24)
        XCTAssertEqual([Double(state.slice), state.window, state.level], [4, 350, 50])

        var mask = BinaryMask(emptyOn: contents.image)
        mask[12, 10, 4] = 1
        try source.saveProposal(mask)
        XCTAssertEqual(FolderCase(folder: folder).storedState, .proposed)
        try source.accept(mask)
        contents = try FolderCase(folder: folder).open()
        XCTAssertEqual(contents.state, .accepted)
        XCTAssertEqual(contents.proposal?.count, 1)
        XCTAssertEqual(try NIfTI.read(folder.appendingPathComponent("label.nii.gz").path).storedType, "uint8")
        // Boxes changed after accepting: the newer proposal is what reopening shows.
        var newer = mask
        newer[13, 10, 4] = 1
        try source.saveProposal(newer)
        contents = try FolderCase(folder: folder).open()
        XCTAssertEqual(contents.state, .proposed)
        XCTAssertEqual(contents.proposal?.count, 2)
        try source.reject(reason: "wrong lobe")
        XCTAssertEqual(try FolderCase(folder: folder).open().state, .rejected(reason: "wrong lobe"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains("tmp") }
        XCTAssertEqual(leftovers, [], "no temporary files stay behind")
    }

    func testAMissingImageOrAVanishedFolderIsASentence() throws {
        try FileManager.default.removeItem(at: folder.appendingPathComponent("ct.nii.gz"))
        XCTAssertThrowsError(try FolderCase(folder: folder).open()) { error in
            XCTAssertEqual((error as? TutorError)?.message,
                           "\(folder.path)/ct.nii.gz is missing: a case folder needs its ct.nii.gz.")
        }
        try FileManager.default.removeItem(at: folder)
        XCTAssertThrowsError(try FolderCase(folder: folder).saveBoxes([])) { error in
            XCTAssertTrue((error as? TutorError)?.message.hasPrefix("Cannot write \(folder.path)/boxes.json") ?? false, "\(error)")
        }
    }

    /// A damaged box or state file stops the case from opening with a sentence that says which file
    /// and what is wrong, and is left as it was (the annotator's boxes may still be rescued from it).
    func testADamagedBoxOrStateFileIsASentenceAndStaysAsItIs() throws {
        let boxes = folder.appendingPathComponent("boxes.json"), state = folder.appendingPathComponent("state.json")
        let cut = Data("{\"boxes\":[{\"slice\":4,\"x_min\":1".utf8)
        try cut.write(to: boxes)
        XCTAssertThrowsError(try FolderCase(folder: folder).open()) { error in
            XCTAssertEqual((error as? TutorError)?.message,
                           "The box file \(boxes.path) is not a valid box JSON file (not JSON).")
        }
        XCTAssertEqual(try Data(contentsOf: boxes), cut)
        try Data(#"{"image":"ct.nii.gz","boxes":[{"slice":"four","x_min":1,"y_min":1,"x_max":2,"y_max":2}]}"#.utf8).write(to: boxes)
        XCTAssertThrowsError(try FolderCase(folder: folder).open()) { error in
            XCTAssertEqual((error as? TutorError)?.message,
                           "The box file \(boxes.path) is not a valid box JSON file (wrong value at boxes[0].slice).")
        }
        try FileManager.default.removeItem(at: boxes)
        try Data("state: accepted".utf8).write(to: state)
        XCTAssertThrowsError(try FolderCase(folder: folder).open()) { error in
            XCTAssertEqual((error as? TutorError)?.message, "\(state.path) is not a workbench state file (not JSON).")
        }
        XCTAssertEqual(try String(contentsOf: state, encoding: .utf8), "state: accepted")
    }

    /// A folder made by hand (or by `tutor phantom`) with a label and no state.json is accepted;
    /// opening it and leaving (which saves where the view was) must keep it so.
    func testSavingTheViewKeepsTheStateTheFilesSay() throws {
        var label = try FolderCase(folder: folder).open().image.sameGrid()
        label[12, 10, 4] = 1
        try NIfTI.write(label, to: folder.appendingPathComponent("label.nii.gz").path, datatype: .uint8)
        try FolderCase(folder: folder).saveBoxes([])   // a box file with no boxes, as a cleared slice leaves
        XCTAssertEqual(FolderCase(folder: folder).storedState, .accepted)
        try FolderCase(folder: folder).saveViewPoint(ViewPoint(slice: 3, window: 400, level: 40))
        XCTAssertEqual(try FolderCase(folder: folder).open().state, .accepted)
        XCTAssertEqual(FolderCase(folder: folder).storedState, .accepted)
    }

    func testALiveLockBlocksAStaleOneDoesNot() throws {
        let source = FolderCase(folder: folder)
        try "\(getppid())\n".write(to: folder.appendingPathComponent(".tutor-lock"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try source.lock()) { error in
            XCTAssertTrue((error as? TutorError)?.message.contains("is open in another tutor") ?? false)
        }
        try "999999999\n".write(to: folder.appendingPathComponent(".tutor-lock"), atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try source.lock())
        source.unlock()
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".tutor-lock").path))
    }

    func testFindsCaseFoldersInADataset() throws {
        let dataset = folder.deletingLastPathComponent().appendingPathComponent("ds-\(UUID())")
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dataset) }
        for name in ["b", "a"] {
            try FileManager.default.copyItem(at: folder, to: dataset.appendingPathComponent(name))
        }
        try FileManager.default.createDirectory(at: dataset.appendingPathComponent("notes"), withIntermediateDirectories: true)
        XCTAssertEqual(try FolderCase.cases(in: dataset).map(\.id), ["a", "b"])
        XCTAssertEqual(try FolderCase.cases(in: folder).map(\.id), [folder.lastPathComponent])
    }
}
