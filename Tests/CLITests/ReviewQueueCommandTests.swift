import Foundation
import XCTest

/// `tutor dataset prioritise` and `tutor review --list` end to end: the built binary on phantom CTs,
/// the threshold teacher's proposals, the bundled student, a real store.
final class ReviewQueueCommandTests: XCTestCase {
    var tmp = ""
    var tutor = ""

    override func setUpWithError() throws {
        tutor = tutorBinaryPath()
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: tutor), "the tutor binary is not built next to the tests")
        tmp = NSTemporaryDirectory() + "tutor-cli-review-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    @discardableResult
    func run(_ args: String...) throws -> (status: Int32, out: String, err: String) {
        try runTutor(tutor, in: tmp, args)
    }

    /// The rows of `review --list`: case, disagreement, uncertainty (nil for "-"), note.
    func rows(_ listing: String) -> [(id: String, disagreement: Double?, uncertainty: Double?, note: String)] {
        listing.split(separator: "\n").dropFirst(2).map { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return (f[1], Double(f[2]), Double(f[4]), f.dropFirst(5).joined(separator: " "))
        }
    }

    func testPrioritiseOrdersTheQueueAndReviewListsItWithReasons() throws {
        func ok(_ r: (status: Int32, out: String, err: String), file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(r.status, 0, r.err, file: file, line: line)
        }
        ok(try run("phantom", "--out", "cases", "--count", "3", "--seed", "3"))
        ok(try run("dataset", "init", "ds"))
        for n in 0..<2 {
            ok(try run("dataset", "import", "ds", "--case", "case_000\(n)", "--image", "cases/case_000\(n)/ct.nii.gz",
                       "--label", "cases/case_000\(n)/label.nii.gz", "--boxes-from-label"))
        }
        ok(try run("pseudo-label", "ds", "--method", "threshold"))
        let before = try run("review", "ds", "--list")
        ok(before)
        XCTAssertEqual(rows(before.out).map(\.note), ["not prioritised yet", "not prioritised yet"], before.out)

        let prioritised = try run("dataset", "prioritise", "ds")
        ok(prioritised)
        XCTAssertTrue(prioritised.out.hasPrefix("2 prioritised, 0 already up to date"), prioritised.out)

        // A third case proposed after prioritising: last, not prioritised yet.
        ok(try run("dataset", "import", "ds", "--case", "case_0002", "--image", "cases/case_0002/ct.nii.gz",
                   "--label", "cases/case_0002/label.nii.gz", "--boxes-from-label"))
        ok(try run("pseudo-label", "ds", "--method", "threshold"))
        let listed = try run("review", "ds", "--list")
        ok(listed)
        XCTAssertTrue(listed.out.hasPrefix("review queue of ds: 3 proposed, order priority (highest disagreement first"), listed.out)
        let queue = rows(listed.out)
        XCTAssertEqual(queue.count, 3, listed.out)
        XCTAssertEqual(queue[2].id, "case_0002")
        XCTAssertEqual(queue[2].note, "not prioritised yet")
        XCTAssertNil(queue[2].disagreement)
        let ranked = queue.prefix(2)
        XCTAssertEqual(Set(ranked.map(\.id)), ["case_0000", "case_0001"])
        for r in ranked {
            XCTAssertEqual(r.note, "", listed.out)
            XCTAssertTrue((0...1).contains(r.disagreement!) && (0...1).contains(r.uncertainty!), listed.out)
        }
        // Highest disagreement first; on a tie (as shown), the more uncertain teacher first.
        let (a, b) = (ranked.first!, ranked.last!)
        XCTAssertTrue(a.disagreement! > b.disagreement! || (a.disagreement! == b.disagreement! && a.uncertainty! >= b.uncertainty!),
                      listed.out)
        XCTAssertEqual(rows(try run("review", "ds", "--list", "--order", "name").out).map(\.id),
                       ["case_0000", "case_0001", "case_0002"])

        // A rerun computes only the new case; a different student marks the others.
        let again = try run("pseudo-label", "ds", "--method", "threshold", "--prioritise")
        ok(again)
        XCTAssertTrue(again.out.contains("1 prioritised, 2 already up to date"), again.out)
        let weights = try Data(contentsOf: URL(fileURLWithPath: tmp + "/cases/case_0000/ct.nii.gz"))
        try weights.write(to: URL(fileURLWithPath: tmp + "/other.safetensors"))
        let other = try run("review", "ds", "--list", "--student", "other.safetensors")
        XCTAssertTrue(rows(other.out).allSatisfy { $0.note.hasPrefix("from another student") }, other.out)

        // Bad input: one sentence, non-zero exit.
        let bad = try run("review", "ds", "--list", "--order", "size")
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertEqual(bad.err, "tutor: --order must be priority or name, not 'size'.\n")
        let missing = try run("dataset", "prioritise", "ds", "--student", "nowhere.safetensors")
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("cannot read student weights"), missing.err)
    }
}
