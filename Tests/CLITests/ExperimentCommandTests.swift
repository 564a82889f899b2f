import Foundation
import TestSupport
import XCTest

/// `tutor experiment` end to end on four small phantoms with a tiny budget: students trained in
/// separate processes (`--variants`) are scored together afterwards (`--trained`, `--final`).
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

        for v in ["baseline", "so"] {
            let run = try runTutor(tutor, in: dir, common + ["--variants", v] + budget)
            XCTAssertEqual(run.status, 0, run.err)
            XCTAssertTrue(run.out.contains("| \(v) |"), run.out)
        }
        let scored = try runTutor(tutor, in: dir, common + ["--variants", "baseline,so", "--trained", "--final"])
        XCTAssertEqual(scored.status, 0, scored.err)
        XCTAssertTrue(scored.out.contains("| baseline |") && scored.out.contains("| so |"), scored.out)
        XCTAssertTrue(scored.out.contains("lung filter on; last weights"), scored.out)
        XCTAssertFalse(scored.err.contains("training the"), "--trained trains nothing")
        let table = try String(contentsOfFile: dir + "/E/experiment-scarce.md", encoding: .utf8)
        XCTAssertEqual(table.trimmingCharacters(in: .newlines), scored.out.trimmingCharacters(in: .newlines))
    }
}
