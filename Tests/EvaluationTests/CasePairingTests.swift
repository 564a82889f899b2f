import XCTest
import Foundation
import Volumes
@testable import Evaluation

final class CasePairingTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pairing-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    /// Makes empty files (pairing only looks at names) at paths relative to the test folder.
    func touch(_ paths: String...) throws {
        for p in paths {
            let full = root + "/" + p
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: full, contents: Data())
        }
    }

    func testFoldersOfFilesMatchCaseFoldersByName() throws {
        try touch("pred/case_0001.nii.gz", "pred/case_0000.nii.gz", "pred/extra.nii",
                  "truth/case_0000/ct.nii.gz", "truth/case_0000/label.nii.gz",
                  "truth/case_0001/ct.nii.gz", "truth/case_0001/label.nii.gz", "truth/case_0001/boxes.json")
        let pairs = try CasePairing.pairs(prediction: root + "/pred", truth: root + "/truth")
        XCTAssertEqual(pairs.map(\.name), ["case_0000", "case_0001"])
        XCTAssertEqual(pairs[1].truth, root + "/truth/case_0001/label.nii.gz")
        XCTAssertEqual(pairs[1].prediction, root + "/pred/case_0001.nii.gz")
    }

    func testAMissingPredictionIsNamed() throws {
        try touch("pred/a.nii.gz", "truth/a.nii.gz", "truth/b.nii.gz")
        XCTAssertThrowsError(try CasePairing.pairs(prediction: root + "/pred", truth: root + "/truth")) { error in
            XCTAssertEqual((error as? TutorError)?.message, "\(root)/pred has no prediction for b of \(root)/truth.")
        }
    }

    func testPreferredNamesSettleSeveralMasksAndOthersAreRefused() throws {
        try touch("pred/c/pred.nii.gz", "pred/c/label.nii.gz", "truth/c/label.nii.gz", "truth/c/lungs.nii.gz")
        let pairs = try CasePairing.pairs(prediction: root + "/pred", truth: root + "/truth")
        XCTAssertEqual(pairs, [CasePair(name: "c", prediction: root + "/pred/c/pred.nii.gz", truth: root + "/truth/c/label.nii.gz")])
        try touch("other/c/a.nii.gz", "other/c/b.nii.gz")
        XCTAssertThrowsError(try CasePairing.pairs(prediction: root + "/other", truth: root + "/truth"))
    }

    func testTwoFilesAreOneCaseNamedAfterTheirFolderWhenTheNameIsGeneric() throws {
        try touch("case_0007/label.nii.gz", "p.nii.gz")
        let pairs = try CasePairing.pairs(prediction: root + "/p.nii.gz", truth: root + "/case_0007/label.nii.gz")
        XCTAssertEqual(pairs.map(\.name), ["case_0007"])
        XCTAssertThrowsError(try CasePairing.pairs(prediction: root + "/p.nii.gz", truth: root + "/case_0007"))
        XCTAssertThrowsError(try CasePairing.pairs(prediction: root + "/none.nii.gz", truth: root + "/p.nii.gz"))
    }
}
