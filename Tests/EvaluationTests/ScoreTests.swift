import XCTest
import Volumes
@testable import Evaluation

final class ScoreTests: XCTestCase {
    func mask(_ points: [(Int, Int, Int)]) -> Volume {
        var m = Volume(size: GridSize(12, 12, 6), spacing: [1, 1, 1])
        for (i, j, k) in points { m[i, j, k] = 1 }
        return m
    }
    /// The 8 voxels of a 2×2×2 cube with its low corner at (i, j, k).
    func cube(_ i: Int, _ j: Int, _ k: Int) -> [(Int, Int, Int)] {
        [(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1), (1, 0, 1), (0, 1, 1), (1, 1, 1)].map { (i + $0.0, j + $0.1, k + $0.2) }
    }

    func testIdenticalMasksScorePerfectly() throws {
        let t = mask(cube(1, 1, 1) + cube(8, 8, 3))
        let s = try score(prediction: t, truth: t)
        XCTAssertEqual([s.dsc, s.dscTP!, s.recall, s.precision, s.f1], [1, 1, 1, 1, 1])
        XCTAssertEqual(s.trueObjects, 2)
    }

    func testOneHitOneMissOneFalsePositive() throws {
        // Truth: a 2×2×2 cube (8 voxels) and one lone voxel far away.
        let truth = mask(cube(1, 1, 1) + [(10, 10, 5)])
        // Prediction: the cube's bottom layer (4 voxels) plus 2 voxels beside it (one object of 6),
        // and a false positive of 3 voxels elsewhere.
        let hit = Array(cube(1, 1, 1).prefix(4)) + [(3, 1, 1), (3, 2, 1)]
        let prediction = mask(hit + [(8, 1, 4), (9, 1, 4), (10, 1, 4)])
        let s = try score(prediction: prediction, truth: truth)
        XCTAssertEqual(s.dsc, 8.0 / 18.0, accuracy: 1e-12)         // 2·4 / (9 + 9)
        XCTAssertEqual(s.dscTP!, 8.0 / 14.0, accuracy: 1e-12)      // 2·4 / (6 + 8): only the matched pair
        XCTAssertEqual(s.recall, 0.5); XCTAssertEqual(s.precision, 0.5); XCTAssertEqual(s.f1, 0.5)
        XCTAssertEqual([s.trueObjects, s.predictedObjects, s.matchedTrue, s.matchedPredicted], [2, 2, 1, 1])
    }

    func testAQuarterOfTheTrueObjectIsEnoughAndLessIsNot() throws {
        let truth = mask(cube(4, 4, 2))
        let twoOfEight = try score(prediction: mask(Array(cube(4, 4, 2).prefix(2))), truth: truth)
        XCTAssertEqual(twoOfEight.recall, 1)
        XCTAssertEqual(twoOfEight.dscTP!, 4.0 / 10.0, accuracy: 1e-12)
        let oneOfEight = try score(prediction: mask(Array(cube(4, 4, 2).prefix(1))), truth: truth)
        XCTAssertEqual(oneOfEight.recall, 0); XCTAssertEqual(oneOfEight.precision, 0); XCTAssertEqual(oneOfEight.f1, 0)
        XCTAssertNil(oneOfEight.dscTP)
        XCTAssertEqual(oneOfEight.dsc, 2.0 / 9.0, accuracy: 1e-12)
    }

    func testPercentTextGivesMeanAndStdInPercentOrADashWhenNothingWasMeasured() {
        XCTAssertEqual(MeanStd([0.5, 1.0]).percentText, "75.00 ± 25.00")
        XCTAssertEqual(MeanStd([]).percentText, "–", "no NaN in a table")
    }

    func testEmptyMasks() throws {
        let both = try score(prediction: mask([]), truth: mask([]))
        XCTAssertEqual([both.dsc, both.recall, both.precision, both.f1], [1, 1, 1, 1])
        let missed = try score(prediction: mask([]), truth: mask(cube(0, 0, 0)))
        XCTAssertEqual([missed.dsc, missed.recall, missed.precision, missed.f1], [0, 0, 1, 0])
        let spurious = try score(prediction: mask(cube(0, 0, 0)), truth: mask([]))
        XCTAssertEqual([spurious.dsc, spurious.recall, spurious.precision, spurious.f1], [0, 1, 0, 0])
    }

    func testDifferentGridsAreRefusedWithTheCaseName() {
        let other = Volume(size: GridSize(12, 12, 5), spacing: [1, 1, 1])
        XCTAssertThrowsError(try score(prediction: other, truth: mask([]), name: "case_0003")) { error in
            XCTAssert((error as? TutorError)?.message.contains("case_0003") == true)
        }
    }

    func testSummaryUsesPopulationStdAndLeavesUndefinedDscTPOut() throws {
        let truth = mask(cube(4, 4, 2))
        let cases = try [mask(cube(4, 4, 2)), mask([]), mask(cube(4, 4, 2)), mask(cube(4, 4, 2))]
            .enumerated().map { try score(prediction: $0.element, truth: truth, name: "c\($0.offset)") }
        let s = ScoreSummary(cases: cases)
        XCTAssertEqual(s.recall.mean, 0.75, accuracy: 1e-12)
        XCTAssertEqual(s.recall.std, (0.75 * 0.25).squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.dscTP.count, 3)
        XCTAssertEqual(s.dscTP.mean, 1)
        let table = s.table
        XCTAssert(table.contains("mean ± std (4)"), table)
        XCTAssert(table.contains("75.00 ± 43.30"), table)
        XCTAssertEqual(table.split(separator: "\n").count, 8)   // header, rule, 4 cases, rule, mean
    }
}
