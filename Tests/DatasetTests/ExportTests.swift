import Foundation
import XCTest
import Dataset
import Volumes

final class ExportTests: DatasetTestCase {
    /// A dataset with one case in each state: strong, accepted, proposed, rejected, weak with boxes.
    func makeMixedStore() throws -> DatasetStore {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        let mask = try writeMask("mask.nii.gz")
        try BoxFile(image: "ct.nii.gz", boxes: [Box(slice: 2, xMin: 4, yMin: 3, xMax: 7, yMax: 5)]).jsonData()
            .write(to: URL(fileURLWithPath: path("boxes.json")))
        try store.importCases([
            CaseImport(id: "strong1", image: path("ct.nii.gz"), label: path("mask.nii.gz"), patient: "P1"),
            CaseImport(id: "acc1", image: path("ct.nii.gz"), boxes: path("boxes.json"), patient: "P2"),
            CaseImport(id: "prop1", image: path("ct.nii.gz"), boxes: path("boxes.json")),
            CaseImport(id: "rej1", image: path("ct.nii.gz"), boxes: path("boxes.json")),
            CaseImport(id: "weak1", image: path("ct.nii.gz"), boxes: path("boxes.json")),
        ], user: "alice")
        for id in ["acc1", "prop1", "rej1"] {
            try store.saveProposal(id, mask: mask, weightsHash: "sha-teacher", boxRevision: 1, user: "teacher")
        }
        try store.accept("acc1", user: "rita")
        try store.reject("rej1", reason: "leaks", user: "rita")
        return store
    }

    func json(_ file: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
    }

    func testNNUNetLayoutWithStrongAndAcceptedPseudoLabelsOnly() throws {
        let store = try makeMixedStore()
        let result = try store.export(.nnunet, to: path("out"), include: [.strong, .pseudo])
        XCTAssertEqual(result.cases, 2)
        XCTAssertEqual(listing(path("out")), [
            "dataset.json", "imagesTr", "imagesTr/acc1_0000.nii.gz", "imagesTr/strong1_0000.nii.gz",
            "labelsTr", "labelsTr/acc1.nii.gz", "labelsTr/strong1.nii.gz", "manifest.json", "manifest.sha256"])
        let index = try json(path("out/dataset.json"))
        XCTAssertEqual(index["numTraining"] as? Int, 2)
        XCTAssertEqual(index["file_ending"] as? String, ".nii.gz")
        XCTAssertEqual(index["channel_names"] as? [String: String], ["0": "CT"])
        XCTAssertEqual(index["labels"] as? [String: Int], ["background": 0, "tumour": 1])
        // Byte-for-byte copies of the stored files.
        XCTAssertEqual(FileManager.default.contents(atPath: path("out/labelsTr/strong1.nii.gz")),
                       FileManager.default.contents(atPath: path("mask.nii.gz")))
        XCTAssertEqual(FileManager.default.contents(atPath: path("out/labelsTr/acc1.nii.gz")),
                       FileManager.default.contents(atPath: try store.maskPath("acc1")!))

        let manifest = try json(path("out/manifest.json"))
        let cases = manifest["cases"] as! [[String: Any]]
        XCTAssertEqual(cases.map { $0["id"] as! String }, ["acc1", "strong1"])
        XCTAssertEqual(cases.map { $0["supervision"] as! String }, ["pseudo-strong", "strong"])
        let label = cases[0]["label"] as! [String: Any]
        XCTAssertEqual(label["weights_hash"] as? String, "sha-teacher")
        XCTAssertEqual(label["box_revision"] as? Int, 1)
        XCTAssertEqual(label["created_by"] as? String, "teacher")
        XCTAssertEqual((cases[0]["accepted"] as? [String: String])?["by"], "rita")
        XCTAssertEqual(try String(contentsOfFile: path("out/manifest.sha256"), encoding: .utf8),
                       "\(result.manifestSHA256)  manifest.json\n")
        // The hashes agree with an independent implementation (coreutils sha256sum).
        let files = (cases[0]["files"] as! [String: [String: String]]).values.map { ($0["path"]!, $0["sha256"]!) }
        for (file, hash) in files + [("manifest.json", result.manifestSHA256)] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["sha256sum", path("out/\(file)")]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(out.split(separator: " ").first.map(String.init), hash, file)
        }
    }

    func testStrongOnlyLeavesPseudoLabelsBehind() throws {
        let store = try makeMixedStore()
        XCTAssertEqual(try store.export(.msd, to: path("out"), include: [.strong]).cases, 1)
        let index = try json(path("out/dataset.json"))
        XCTAssertEqual(index["training"] as? [[String: String]],
                       [["image": "./imagesTr/strong1.nii.gz", "label": "./labelsTr/strong1.nii.gz"]])
        XCTAssertEqual(index["modality"] as? [String: String], ["0": "CT"])
    }

    func testTheSameStateExportsByteIdenticalFilesAndANewStateChangesTheHash() throws {
        let store = try makeMixedStore()
        let a = try store.export(.nnunet, to: path("a"), include: [.strong, .pseudo])
        let b = try store.export(.nnunet, to: path("b"), include: [.strong, .pseudo])
        XCTAssertEqual(a.manifestSHA256, b.manifestSHA256)
        XCTAssertEqual(listing(path("a")), listing(path("b")))
        for f in listing(path("a")) {
            XCTAssertEqual(FileManager.default.contents(atPath: path("a/\(f)")), FileManager.default.contents(atPath: path("b/\(f)")), f)
        }
        try store.accept("prop1", user: "rita")
        let c = try store.export(.nnunet, to: path("c"), include: [.strong, .pseudo])
        XCTAssertEqual(c.cases, 3)
        XCTAssertNotEqual(c.manifestSHA256, a.manifestSHA256)
    }

    func testMONAIDatalistFollowsTheSplit() throws {
        let store = try makeMixedStore()
        let split = try store.split(seed: 1, ratios: [50, 50, 0], user: "cur")
        _ = try store.export(.monai, to: path("out"), include: [.strong, .pseudo])
        let list = try json(path("out/datalist.json")) as! [String: [[String: String]]]
        let keys = ["train": "training", "val": "validation", "test": "testing"]
        for id in ["strong1", "acc1"] {
            let entry = ["image": "images/\(id).nii.gz", "label": "labels/\(id).nii.gz"]
            XCTAssertTrue(list[keys[split[id]!.rawValue]!]!.contains(entry), id)
        }
        XCTAssertEqual(list.values.map(\.count).reduce(0, +), 2)
    }

    func testBoxesExportAsCSVVOCAndJSONThatReadBack() throws {
        let store = try makeMixedStore()
        XCTAssertEqual(try store.export(.boxes, to: path("out"), include: [.weak]).cases, 3)   // prop1, rej1, weak1
        let csv = try String(contentsOfFile: path("out/boxes.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").first, "case,image,slice,x_min,y_min,x_max,y_max,object")
        XCTAssertTrue(csv.contains("weak1,image.nii.gz,2,4,3,7,5,1"))
        XCTAssertEqual(try BoxFile.load(vocFolder: path("out/voc/weak1")).boxes, try store.boxes("weak1")!.boxes)
        XCTAssertEqual(try BoxFile.load(json: path("out/json/rej1.json")).boxes, try store.boxes("rej1")!.boxes)
        let manifest = try json(path("out/manifest.json"))
        XCTAssertEqual((manifest["cases"] as! [[String: Any]]).map { $0["supervision"] as! String }, ["weak", "weak", "weak"])
    }

    func testAFileChangedBehindTheIndexStopsTheExportAndIsReported() throws {
        let store = try makeMixedStore()
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: try store.imagePath("strong1")))
        assertRefused("has changed since it was indexed") { _ = try store.export(.nnunet, to: path("out"), include: [.strong]) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out")))
        XCTAssertEqual(try store.verify().problems, ["cases/strong1/image.nii.gz has changed since it was indexed."])
    }
}
