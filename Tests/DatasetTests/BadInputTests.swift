import Foundation
import XCTest
import Dataset
import Volumes

/// Each bad input is refused with a sentence naming the problem, and nothing is written.
final class BadInputTests: DatasetTestCase {
    var store: DatasetStore!
    var before: [String] = []

    override func setUpWithError() throws {
        try super.setUpWithError()
        store = try makeStore()
        try writeImage("ct.nii.gz")
        try writeMask("mask.nii.gz")
        try store.importCases([CaseImport(id: "existing", image: path("ct.nii.gz"))], user: "a")
        before = listing(path("ds"))
    }

    /// Asserts the refusal and that the dataset's files and index are as before.
    func assertNothingWritten(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> Void) throws {
        assertRefused(fragment, file: file, line: line, body)
        XCTAssertEqual(listing(path("ds")).filter { !$0.hasPrefix("tutor.sqlite") }, before.filter { !$0.hasPrefix("tutor.sqlite") },
                       file: file, line: line)
        XCTAssertEqual(try store.cases().map(\.id), ["existing"], file: file, line: line)
        XCTAssertEqual(try store.audit().count, 1, file: file, line: line)
    }

    func testCaseIDsThatCouldEscapeTheFolderAreRefused() throws {
        for id in ["..", "../evil", "a/b", "/etc/passwd", "a\u{07}b", "tab\there", "", ".hidden", "a..b", "ok?", "é"] {
            try assertNothingWritten("is not allowed") {
                try store.importCases([CaseImport(id: id, image: path("ct.nii.gz"))], user: "a")
            }
        }
    }

    func testDuplicateIDsAreRefusedBeforeAnythingIsCopied() throws {
        try assertNothingWritten("already has a case \"existing\"") {
            try store.importCases([CaseImport(id: "fresh", image: path("ct.nii.gz")),
                                   CaseImport(id: "existing", image: path("ct.nii.gz"))], user: "a")
        }
        try assertNothingWritten("appears twice") {
            try store.importCases([CaseImport(id: "x", image: path("ct.nii.gz")),
                                   CaseImport(id: "x", image: path("ct.nii.gz"))], user: "a")
        }
    }

    func testLabelOnAnotherGridIsRefused() throws {
        try writeMask("small.nii.gz", size: GridSize(12, 10, 5), slices: 1...2)
        try writeMask("shifted.nii.gz", spacing: SIMD3(1, 1, 3))
        try assertNothingWritten("is 12×10×5 but its image") {
            try store.importCases([CaseImport(id: "n", image: path("ct.nii.gz"), label: path("small.nii.gz"))], user: "a")
        }
        try assertNothingWritten("different grid") {
            try store.importCases([CaseImport(id: "n", image: path("ct.nii.gz"), label: path("shifted.nii.gz"))], user: "a")
        }
    }

    func testBoxOutsideTheImageIsRefused() throws {
        try BoxFile(image: "ct.nii.gz", boxes: [Box(slice: 2, xMin: 5, yMin: 5, xMax: 12, yMax: 6)]).jsonData()
            .write(to: URL(fileURLWithPath: path("wide.json")))
        try assertNothingWritten("outside the 12×10×6 image") {
            try store.importCases([CaseImport(id: "n", image: path("ct.nii.gz"), boxes: path("wide.json"))], user: "a")
        }
    }

    func testCorruptBoxFilesAreRefused() throws {
        try Data("{\"image\": \"ct.nii.gz\", \"boxes\": [{\"slice\": 1}]".utf8).write(to: URL(fileURLWithPath: path("bad.json")))
        try Data("slice,x_min,y_min,x_max,y_max\n1,2,3,four,5\n".utf8).write(to: URL(fileURLWithPath: path("bad.csv")))
        try Data("<annotation><object><bndbox><xmin>1</xmin>".utf8).write(to: URL(fileURLWithPath: path("slice_3.xml")))
        try Data("slice,x_min\n1,2\n".utf8).write(to: URL(fileURLWithPath: path("short.csv")))
        // A byte that is not UTF-8 in an element name (FoundationXML's parser traps on it).
        try (Data("<annotatio".utf8) + [0xEE] + Data("><filename>a.png</filename></annotation>".utf8))
            .write(to: URL(fileURLWithPath: path("slice_4.xml")))
        for (file, fragment) in [("bad.json", "not a valid box JSON"), ("bad.csv", "no whole number for x_max on line 2"),
                                 ("slice_3.xml", "not a Pascal VOC"), ("slice_4.xml", "is not UTF-8 text"),
                                 ("short.csv", "no \"y_min\" column"),
                                 ("missing.json", "does not exist")] {
            try assertNothingWritten(fragment) {
                try store.importCases([CaseImport(id: "n", image: path("ct.nii.gz"), boxes: path(file))], user: "a")
            }
        }
    }

    func testAnImageThatIsNotNIfTIIsRefused() throws {
        try Data("not a volume".utf8).write(to: URL(fileURLWithPath: path("junk.nii.gz")))
        try assertNothingWritten("junk.nii.gz") {
            try store.importCases([CaseImport(id: "n", image: path("junk.nii.gz"))], user: "a")
        }
        try assertNothingWritten("not a NIfTI file") {
            try store.importCases([CaseImport(id: "n", image: path("ct.mha"))], user: "a")
        }
    }

    func testMSDEntriesThatEscapeTheTaskFolderAreRefused() throws {
        let task = path("Task06_Lung")
        try FileManager.default.createDirectory(atPath: task, withIntermediateDirectories: true)
        for image in ["../ct.nii.gz", "/etc/passwd.nii.gz"] {
            let json = #"{"training": [{"image": "\#(image)", "label": "./labelsTr/a.nii.gz"}]}"#
            try Data(json.utf8).write(to: URL(fileURLWithPath: task + "/dataset.json"))
            try assertNothingWritten("outside") {
                try store.importCases(try DatasetStore.msdTask(task), user: "a")
            }
        }
    }

    func testADatasetFromANewerSchemaIsRefused() throws {
        store = nil
        // A newer tutor would have recorded a migration this build does not know.
        let db = path("ds/tutor.sqlite")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            + "c.execute(\"INSERT INTO grdb_migrations VALUES ('v99-future')\"); c.commit()", db]
        try sqlite.run()
        sqlite.waitUntilExit()
        try XCTSkipIf(sqlite.terminationStatus != 0, "python3 with sqlite3 is needed to fake a newer schema")
        assertRefused("written by a newer tutor") { _ = try DatasetStore.open(path("ds")) }
    }

    func testOpeningAFolderThatIsNotADatasetAndInitOverADatasetAreRefused() throws {
        assertRefused("is not a dataset") { _ = try DatasetStore.open(tmp) }
        assertRefused("already a dataset") { _ = try DatasetStore.create(at: path("ds")) }
        assertRefused("not empty") { _ = try DatasetStore.create(at: tmp) }
    }

    func testExportIntoANonEmptyFolderIsRefused() throws {
        try FileManager.default.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: path("out/notes.txt")))
        assertRefused("not empty") { _ = try store.export(.nnunet, to: path("out"), include: [.strong]) }
        XCTAssertEqual(listing(path("out")), ["notes.txt"])
        assertRefused("no mask") { _ = try store.export(.msd, to: path("out2"), include: [.weak]) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out2")))
    }
}
