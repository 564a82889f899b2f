import Foundation
import XCTest
import Dataset
import Volumes

final class StoreTests: DatasetTestCase {
    /// The audit log's default user: $USER, $LOGNAME, then the account of the process's uid, which
    /// `getpwuid` knows even where a session sets neither variable.
    func testDefaultUserFallsBackFromUserToLognameToTheAccount() {
        XCTAssertEqual(DatasetStore.defaultUser(environment: ["USER": "ann", "LOGNAME": "bob"]), "ann")
        XCTAssertEqual(DatasetStore.defaultUser(environment: ["USER": "", "LOGNAME": "bob"]), "bob")
        let account = DatasetStore.defaultUser(environment: [:])
        XCTAssertFalse(account.isEmpty)
        XCTAssertNotEqual(account, "unknown")
        if let passwd = try? String(contentsOfFile: "/etc/passwd", encoding: .utf8) {
            let uid = String(getuid())
            let mine = passwd.split(separator: "\n").map { $0.split(separator: ":", omittingEmptySubsequences: false) }
                .first { $0.count > 2 && $0[2] == Substring(uid) }
            if let mine { XCTAssertEqual(account, String(mine[0])) }
        }
    }

    func testImportsStrongWeakAndImageOnlyCasesAndCountsThem() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        try writeMask("mask.nii.gz")
        try BoxFile(image: "ct.nii.gz", boxes: [Box(slice: 2, xMin: 1, yMin: 1, xMax: 4, yMax: 5)]).jsonData()
            .write(to: URL(fileURLWithPath: path("boxes.json")))
        try store.importCases([
            CaseImport(id: "s1", image: path("ct.nii.gz"), label: path("mask.nii.gz"), patient: "P1"),
            CaseImport(id: "w1", image: path("ct.nii.gz"), boxes: path("boxes.json"), patient: "P1"),
            CaseImport(id: "e1", image: path("ct.nii.gz")),
        ], user: "alice")
        let s = try store.status()
        XCTAssertEqual([s.cases, s.strong, s.weak, s.proposed], [3, 1, 2, 0])
        XCTAssertEqual(s.annotators["alice"], ["strong": 1, "weak": 2])
        let strong = try store.case("s1")
        XCTAssertEqual(strong.state, .strong)
        XCTAssertEqual(strong.patient, "P1")
        XCTAssertEqual(strong.size, GridSize(12, 10, 6))
        XCTAssertEqual(strong.tumourML!, 2 * 12 * 2 / 1000, accuracy: 1e-9)   // 2 slices × 12 voxels × 2 mm³
        // Image copied byte for byte.
        XCTAssertEqual(FileManager.default.contents(atPath: try store.imagePath("s1")),
                       FileManager.default.contents(atPath: path("ct.nii.gz")))
        XCTAssertEqual(try store.boxes("w1")?.boxes, [Box(slice: 2, xMin: 1, yMin: 1, xMax: 4, yMax: 5)])
        XCTAssertEqual(try store.case("e1").state, .weak)
        XCTAssertNil(try store.boxes("e1"))
        XCTAssertTrue(try store.verify().problems.isEmpty)
    }

    func testBoxesFromLabelMakeAWeakCaseWithOneBoxPerSliceAndKeepTheReference() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        try writeMask("mask.nii.gz", slices: 1...3)
        try store.importCases([CaseImport(id: "d", image: path("ct.nii.gz"), label: path("mask.nii.gz"),
                                          boxesFromLabel: true)], user: "bob")
        let c = try store.case("d")
        XCTAssertEqual(c.state, .weak)
        XCTAssertNil(c.maskPath)
        XCTAssertNotNil(c.referencePath)
        XCTAssertEqual(try store.boxes("d")?.boxes, (1...3).map { Box(slice: $0, xMin: 4, yMin: 3, xMax: 7, yMax: 5) })
    }

    func testReviewCycleRecordsProvenanceAndKeepsEveryVersion() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        let mask = try writeMask("mask.nii.gz")
        try store.importCases([CaseImport(id: "c", image: path("ct.nii.gz"))], user: "alice")
        let boxes = BoxFile(image: "", boxes: [Box(slice: 2, xMin: 4, yMin: 3, xMax: 7, yMax: 5)])
        XCTAssertEqual(try store.saveBoxes("c", boxes, user: "alice"), 1)
        XCTAssertEqual(try store.saveBoxes("c", boxes, user: "alice"), 2)
        XCTAssertEqual(try store.saveProposal("c", mask: mask, weightsHash: "w-abc", boxRevision: 2, user: "teacher"), 1)
        XCTAssertEqual(try store.case("c").state, .proposed)
        try store.reject("c", reason: "misses the lower slice", user: "rita")
        let rejected = try store.case("c")
        XCTAssertEqual(rejected.state, .rejected)
        XCTAssertEqual(rejected.reason, "misses the lower slice")
        XCTAssertNil(rejected.maskPath)
        XCTAssertEqual(try store.saveProposal("c", mask: mask, weightsHash: "w-def", boxRevision: 2, user: "teacher"), 2)
        try store.accept("c", user: "rita")
        let accepted = try store.case("c")
        XCTAssertEqual(accepted.state, .accepted)
        XCTAssertEqual(accepted.maskPath, "cases/c/proposal.r2.nii.gz")
        XCTAssertEqual(accepted.updatedBy, "rita")

        // Both proposals and both box revisions are still on disk; the proposal reads back as the mask.
        let files = try store.files("c").map(\.path)
        for p in ["cases/c/boxes.r1.json", "cases/c/boxes.r2.json", "cases/c/proposal.r1.nii.gz", "cases/c/proposal.r2.nii.gz"] {
            XCTAssertTrue(files.contains(p), p)
            XCTAssertTrue(FileManager.default.fileExists(atPath: store.absolutePath(p)), p)
        }
        XCTAssertEqual(try NIfTI.read(store.absolutePath(accepted.maskPath!)).voxels, mask.voxels)

        let log = try store.audit("c")
        XCTAssertEqual(log.map(\.action), ["import", "boxes", "boxes", "propose", "reject", "propose", "accept"])
        XCTAssertEqual(log[5].weightsHash, "w-def")
        XCTAssertEqual(log[5].boxRevision, 2)
        XCTAssertEqual(log[4].note, "misses the lower slice")
        XCTAssertEqual(log[6].fromState, .proposed)
        XCTAssertEqual(log[6].toState, .accepted)
        XCTAssertTrue(log[5].line.contains("weights w-def"))
    }

    func testWrongTransitionsAreRefused() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        let mask = try writeMask("mask.nii.gz")
        try store.importCases([CaseImport(id: "s", image: path("ct.nii.gz"), label: path("mask.nii.gz")),
                               CaseImport(id: "w", image: path("ct.nii.gz"))], user: "alice")
        assertRefused("not proposed") { try store.accept("w", user: "rita") }
        assertRefused("only proposed or accepted") { try store.reject("w", reason: "x", user: "rita") }
        assertRefused("expert label") { try store.saveProposal("s", mask: mask, weightsHash: "w", boxRevision: nil, user: "t") }
        assertRefused("no case \"nope\"") { try store.accept("nope", user: "rita") }
        assertRefused("outside the 12×10×6 image") {
            try store.saveBoxes("w", BoxFile(image: "", boxes: [Box(slice: 6, xMin: 0, yMin: 0, xMax: 1, yMax: 1)]), user: "a")
        }
        let small = Volume(size: GridSize(4, 4, 4), spacing: SIMD3(1, 1, 1))
        assertRefused("is 4×4×4 but its image is 12×10×6") {
            try store.saveProposal("w", mask: small, weightsHash: "w", boxRevision: nil, user: "t")
        }
        // The refused proposal for the strong case left no file behind.
        XCTAssertEqual(try store.files("s").map(\.kind).sorted(), ["image", "label"])
        XCTAssertEqual(listing(store.absolutePath("cases/s")).sorted(), ["image.nii.gz", "label.r1.nii.gz"])
        XCTAssertEqual(try store.audit().count, 2)
    }

    func testExpertLabelMakesACaseStrong() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        let mask = try writeMask("mask.nii.gz")
        try store.importCases([CaseImport(id: "w", image: path("ct.nii.gz"))], user: "alice")
        XCTAssertEqual(try store.saveLabel("w", mask: mask, user: "expert"), 1)
        XCTAssertEqual(try store.case("w").state, .strong)
        XCTAssertEqual(try store.status().strong, 1)
    }

    func testReopeningSeesTheSameStateAndNameAndStatusCountsSplitStates() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        let mask = try writeMask("mask.nii.gz")
        try store.importCases((0..<4).map { CaseImport(id: "c\($0)", image: path("ct.nii.gz")) }, user: "a")
        try store.saveProposal("c0", mask: mask, weightsHash: "h", boxRevision: nil, user: "t")
        try store.saveProposal("c1", mask: mask, weightsHash: "h", boxRevision: nil, user: "t")
        try store.saveProposal("c2", mask: mask, weightsHash: "h", boxRevision: nil, user: "t")
        try store.accept("c1", user: "r")
        try store.reject("c2", reason: "too big", user: "r")
        let reopened = try DatasetStore.open(path("ds"))
        XCTAssertEqual(try reopened.name(), "test")
        let s = try reopened.status()
        XCTAssertEqual([s.cases, s.strong, s.weak, s.proposed, s.accepted, s.rejected], [4, 0, 1, 1, 1, 1])
        XCTAssertEqual(s.annotators["r"], ["accepted": 1, "rejected": 1])
    }
}

final class FolderImportTests: DatasetTestCase {
    func testAFolderOfPairsImportsLabelsAsStrongAndBoxesAsWeak() throws {
        let fm = FileManager.default
        for sub in ["pairs/images", "pairs/labels", "pairs/boxes"] { try fm.createDirectory(atPath: path(sub), withIntermediateDirectories: true) }
        try writeImage("pairs/images/a.nii.gz")
        try writeImage("pairs/images/b.nii.gz")
        try writeImage("pairs/images/c.nii.gz")
        try writeMask("pairs/labels/a.nii.gz")
        try Data("slice,x_min,y_min,x_max,y_max\n2,1,1,3,3\n".utf8).write(to: URL(fileURLWithPath: path("pairs/boxes/b.csv")))
        try Data("ignored".utf8).write(to: URL(fileURLWithPath: path("pairs/images/notes.txt")))
        let items = try DatasetStore.imageLabelPairs(path("pairs"))
        XCTAssertEqual(items.map(\.id), ["a", "b", "c"])
        let store = try makeStore()
        try store.importCases(items, user: "u")
        XCTAssertEqual(try store.cases().map(\.state), [.strong, .weak, .weak])
        XCTAssertEqual(try store.boxes("b")?.boxes, [Box(slice: 2, xMin: 1, yMin: 1, xMax: 3, yMax: 3)])
    }

    func testAFolderOfCaseFoldersImportsAsPhantomWritesThem() throws {
        let fm = FileManager.default
        for sub in ["phantoms/case_0000", "phantoms/case_0001", "phantoms/notes"] {
            try fm.createDirectory(atPath: path(sub), withIntermediateDirectories: true)
        }
        try writeImage("phantoms/case_0000/ct.nii.gz")
        try writeMask("phantoms/case_0000/label.nii.gz")
        try writeImage("phantoms/case_0001/ct.nii.gz")
        try Data(#"{"image": "ct.nii.gz", "boxes": [{"slice": 1, "x_min": 2, "y_min": 2, "x_max": 4, "y_max": 5}]}"#.utf8)
            .write(to: URL(fileURLWithPath: path("phantoms/case_0001/boxes.json")))
        let items = try DatasetStore.imageLabelPairs(path("phantoms"), boxesFromLabel: true)
        XCTAssertEqual(items.map(\.id), ["case_0000", "case_0001"], "folders without a ct.nii.gz are not cases")
        let store = try makeStore()
        try store.importCases(items, user: "u")
        XCTAssertEqual(try store.cases().map(\.state), [.weak, .weak])
        XCTAssertEqual(try store.boxes("case_0000")?.boxes.count, 2, "boxes derived from the label's two slices")
        XCTAssertEqual(try store.boxes("case_0001")?.boxes, [Box(slice: 1, xMin: 2, yMin: 2, xMax: 4, yMax: 5)])
    }

    func testAnMSDTaskImportsItsTrainingList() throws {
        let fm = FileManager.default
        for sub in ["task/imagesTr", "task/labelsTr"] { try fm.createDirectory(atPath: path(sub), withIntermediateDirectories: true) }
        try writeImage("task/imagesTr/lung_001.nii.gz")
        try writeMask("task/labelsTr/lung_001.nii.gz")
        try writeImage("task/imagesTr/._lung_001.nii.gz")   // macOS litter MSD tarballs carry; not listed, not imported
        try Data(#"{"training": [{"image": "./imagesTr/lung_001.nii.gz", "label": "./labelsTr/lung_001.nii.gz"}], "test": []}"#.utf8)
            .write(to: URL(fileURLWithPath: path("task/dataset.json")))
        let store = try makeStore()
        try store.importCases(try DatasetStore.msdTask(path("task"), boxesFromLabel: true), user: "u")
        let c = try store.case("lung_001")
        XCTAssertEqual(c.state, .weak)
        XCTAssertEqual(try store.boxes("lung_001")?.boxes.count, 2)
        XCTAssertEqual(try store.cases().count, 1)
    }
}
