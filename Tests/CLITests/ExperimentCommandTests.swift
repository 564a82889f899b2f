import Foundation
import TestSupport
import XCTest

/// `tutor experiment` end to end on four small phantoms with a tiny budget: students trained in
/// separate processes (`--variants`) are scored together afterwards (`--trained`, `--final`), and
/// a second run's students join them as ensembles scored on held-out cases (`--with`, `--held-out`).
final class ExperimentCommandTests: XCTestCase {
    func testStudentsTrainedApartAreScoredTogether() throws {
        let tutor = tutorBinaryPath()
        let dir = try temporaryFolder(self).path
        XCTAssertEqual(try runTutor(tutor, in: dir, ["phantom", "--out", "ph", "--count", "4", "--seed", "3", "--small-thick", "--jobs", "2"]).status, 0)
        let common = ["experiment", "scarce", "ph", "--out", "E", "--strong", "2", "--weak", "1", "--test", "1", "--method", "threshold",
                      "--lung-filter", "--radius", "2"]
        let budget = ["--channels", "2,2,2,2,2", "--crop", "16", "--samples", "4", "--validate-every", "4", "--virtual-batch", "2"]

        // Bad input: one sentence, non-zero exit, nothing trained.
        let bad = try runTutor(tutor, in: dir, common + ["--variants", "so,teacher"] + budget)
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.err.contains("--variants lists baseline, so and do, not 'teacher'."), bad.err)
        let untrained = try runTutor(tutor, in: dir, common + ["--trained"])
        XCTAssertNotEqual(untrained.status, 0)
        XCTAssertTrue(untrained.err.contains("train the baseline student first"), untrained.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/E"), "a refused run leaves no folder behind")
        try FileManager.default.createDirectory(atPath: dir + "/bare/c", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/ph/case_0000/ct.nii.gz", toPath: dir + "/bare/c/ct.nii.gz")
        let unlabelled = try runTutor(tutor, in: dir, common + ["--held-out", "bare"] + budget)
        XCTAssertNotEqual(unlabelled.status, 0)
        XCTAssertTrue(unlabelled.err.contains("bare holds no case folders with both ct.nii.gz and label.nii.gz."), unlabelled.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/E"))

        for v in ["baseline", "so"] {
            let run = try runTutor(tutor, in: dir, common + ["--variants", v] + budget)
            XCTAssertEqual(run.status, 0, run.err)
            XCTAssertTrue(run.out.contains("| \(v) |"), run.out)
        }
        // --trained scores the pseudo-labels the students learned from, as they are in E/pseudo: here
        // replaced by the truth, which the threshold teacher would not have made again.
        try FileManager.default.removeItem(atPath: dir + "/E/pseudo/case_0002.nii.gz")
        try FileManager.default.copyItem(atPath: dir + "/ph/case_0002/label.nii.gz", toPath: dir + "/E/pseudo/case_0002.nii.gz")
        let scored = try runTutor(tutor, in: dir, common + ["--variants", "baseline,so", "--trained", "--final"])
        XCTAssertEqual(scored.status, 0, scored.err)
        XCTAssertTrue(scored.out.contains("teacher pseudo-label DSC 100.00 ± 0.00 %"), scored.out)
        XCTAssertTrue(scored.out.contains("| baseline |") && scored.out.contains("| so |"), scored.out)
        XCTAssertTrue(scored.out.contains("lung filter on; last weights"), scored.out)
        XCTAssertFalse(scored.err.contains("training the"), "--trained trains nothing")
        let table = try String(contentsOfFile: dir + "/E/experiment-scarce.md", encoding: .utf8)
        XCTAssertEqual(table.trimmingCharacters(in: .newlines), scored.out.trimmingCharacters(in: .newlines))

        // A second run (another seed), then both runs' students as ensembles on a held-out case.
        XCTAssertEqual(try runTutor(tutor, in: dir, ["phantom", "--out", "ho", "--count", "1", "--seed", "9", "--small-thick"]).status, 0)
        let second = common.map { $0 == "E" ? "F" : $0 }
        let missing = try runTutor(tutor, in: dir, common + ["--variants", "so", "--trained", "--final", "--with", "F"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("--with F:") && missing.err.contains("train that run's so student first"), missing.err)
        XCTAssertEqual(try runTutor(tutor, in: dir, second + ["--variants", "so", "--seed", "2"] + budget).status, 0)
        // A low threshold, so that these barely trained students mark something to score.
        let scoring = ["--variants", "so", "--trained", "--final", "--with", "F", "--held-out", "ho", "--threshold", "0.2"]
        let joined = try runTutor(tutor, in: dir, common + scoring)
        XCTAssertEqual(joined.status, 0, joined.err)
        XCTAssertTrue(joined.out.contains("scored on 1 held-out cases (ho)"), joined.out)
        // The ensemble row is what `tutor segment` with both students and `tutor eval` give.
        try FileManager.default.createDirectory(atPath: dir + "/pred", withIntermediateDirectories: true)
        let seg = try runTutor(tutor, in: dir, ["segment", "ho/case_0000/ct.nii.gz", "pred/case_0000.nii.gz",
                                                "--weights", "E/so/checkpoint.safetensors", "--weights", "F/so/checkpoint.safetensors",
                                                "--lung-filter", "--radius", "2", "--threshold", "0.2"])
        XCTAssertEqual(seg.status, 0, seg.err)
        let eval = try runTutor(tutor, in: dir, ["eval", "--pred", "pred", "--truth", "ho"])
        XCTAssertEqual(eval.status, 0, eval.err)
        let number = try Regex(#"\d+\.\d\d ± \d+\.\d\d"#)
        let dsc = try XCTUnwrap(eval.out.split(separator: "\n").last.flatMap { $0.firstMatch(of: number) }.map { String($0.output[0].substring ?? "") })
        XCTAssertNotEqual(dsc, "0.00 ± 0.00", "the check would be empty")
        XCTAssertTrue(joined.out.contains("| so, 2 runs | \(dsc) |"), "\(dsc)\n\(joined.out)")
        XCTAssertTrue(joined.out.contains("| so | "), joined.out)
    }
}
