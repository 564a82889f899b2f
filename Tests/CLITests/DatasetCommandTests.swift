import Foundation
import XCTest
import Volumes

/// `tutor dataset …` end to end: the built `tutor` binary on real files in a temporary folder.
final class DatasetCommandTests: XCTestCase {
    var tmp = ""
    var tutor = ""

    override func setUpWithError() throws {
        tutor = tutorBinaryPath()
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: tutor), "the tutor binary is not built next to the tests")
        tmp = NSTemporaryDirectory() + "tutor-cli-dataset-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: tmp + "/task/imagesTr", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp + "/task/labelsTr", withIntermediateDirectories: true)
        var ct = Volume(size: GridSize(10, 8, 5), spacing: SIMD3(1, 1, 2), storedType: "int16")
        for n in 0..<ct.voxels.count { ct.voxels[n] = Float(n % 50) }
        var mask = ct.sameGrid()
        for k in 1...2 { for j in 2...4 { for i in 3...6 { mask[i, j, k] = 1 } } }
        try NIfTI.write(ct, to: tmp + "/ct.nii.gz")
        try NIfTI.write(mask, to: tmp + "/mask.nii.gz")
        for id in ["lung_001", "lung_002"] {
            try NIfTI.write(ct, to: tmp + "/task/imagesTr/\(id).nii.gz")
            try NIfTI.write(mask, to: tmp + "/task/labelsTr/\(id).nii.gz")
        }
        let msd = #"{"name": "Lung", "training": [{"image": "./imagesTr/lung_001.nii.gz", "label": "./labelsTr/lung_001.nii.gz"}, {"image": "./imagesTr/lung_002.nii.gz", "label": "./labelsTr/lung_002.nii.gz"}]}"#
        try Data(msd.utf8).write(to: URL(fileURLWithPath: tmp + "/task/dataset.json"))
        try Data("slice,x_min,y_min,x_max,y_max\n1,3,2,6,4\n2,3,2,6,4\n".utf8).write(to: URL(fileURLWithPath: tmp + "/boxes.csv"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    /// Runs tutor; returns exit status, stdout, stderr.
    @discardableResult
    func run(_ args: String...) throws -> (status: Int32, out: String, err: String) {
        try runTutor(tutor, in: tmp, args)
    }

    func testAWholeDatasetSession() throws {
        XCTAssertEqual(try run("dataset", "init", "ds", "--name", "Lungs").status, 0)
        XCTAssertEqual(try run("dataset", "import", "ds", "--case", "s1", "--image", "ct.nii.gz", "--label", "mask.nii.gz",
                               "--patient", "P1", "--user", "alice").status, 0)
        XCTAssertEqual(try run("dataset", "import", "ds", "--case", "w1", "--image", "ct.nii.gz", "--boxes", "boxes.csv",
                               "--user", "bob").status, 0)
        XCTAssertEqual(try run("dataset", "import", "ds", "--case", "d1", "--image", "ct.nii.gz", "--label", "mask.nii.gz",
                               "--boxes-from-label", "--user", "bob").status, 0)
        let msd = try run("dataset", "import", "ds", "--msd", "task", "--user", "carol")
        XCTAssertEqual(msd.status, 0, msd.err)
        XCTAssertTrue(msd.out.contains("Imported 2 cases"))

        let status = try run("dataset", "status", "ds", "--json")
        let json = try JSONSerialization.jsonObject(with: Data(status.out.utf8)) as! [String: Any]
        XCTAssertEqual(json["cases"] as? Int, 5)
        XCTAssertEqual(json["strong"] as? Int, 3)
        XCTAssertEqual(json["weak"] as? Int, 2)
        for key in ["proposed", "accepted", "rejected"] { XCTAssertEqual(json[key] as? Int, 0, key) }
        XCTAssertEqual((json["annotators"] as? [String: [String: Int]])?["carol"], ["strong": 2])
        XCTAssertTrue(try run("dataset", "status", "ds").out.contains("Lungs: 5 cases"))

        let split = try run("dataset", "split", "ds", "--seed", "2", "--ratios", "60,20,20")
        XCTAssertEqual(split.status, 0, split.err)
        XCTAssertTrue(split.out.hasPrefix("Split 5 cases"))

        let export = try run("dataset", "export", "ds", "--format", "nnunet", "--out", "nn")
        XCTAssertEqual(export.status, 0, export.err)
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp + "/nn/imagesTr/lung_001_0000.nii.gz"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp + "/nn/labelsTr/s1.nii.gz"))
        let again = try run("dataset", "export", "ds", "--format", "nnunet", "--out", "nn2")
        XCTAssertEqual(export.out.components(separatedBy: "sha256 ").last, again.out.components(separatedBy: "sha256 ").last)

        let log = try run("dataset", "log", "ds", "--case", "d1")
        XCTAssertTrue(log.out.contains("d1  bob  import"), log.out)
        XCTAssertTrue(log.out.contains("boxes derived from the label"))
        XCTAssertTrue(try run("dataset", "check", "ds").out.contains("consistent"))
    }

    func testErrorsAreOneSentenceOnStderrWithAFailingExit() throws {
        try run("dataset", "init", "ds")
        let bad = try run("dataset", "import", "ds", "--case", "../x", "--image", "ct.nii.gz")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.hasPrefix("tutor: The case ID \"../x\" is not allowed"), bad.err)
        XCTAssertEqual(bad.err.split(separator: "\n").count, 1)
        let format = try run("dataset", "export", "ds", "--format", "zip", "--out", "o")
        XCTAssertEqual(format.err, "tutor: Unknown export format \"zip\"; use nnunet, msd, monai or boxes.\n")
        let missing = try run("dataset", "status", "nowhere")
        XCTAssertTrue(missing.err.contains("nowhere is not a dataset"), missing.err)
        XCTAssertNotEqual(try run("dataset", "import", "ds", "--case", "a").status, 0)   // no image
    }
}
