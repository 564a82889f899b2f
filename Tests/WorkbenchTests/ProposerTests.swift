import XCTest
import Teacher
import Volumes
@testable import Workbench

final class ProposerTests: XCTestCase {
    func testThresholdEngineFindsTheBlockInsideTheBoxes() throws {
        // The synthetic block is 200 HU at i 10…14, j 8…12, k 3…6 in air; box it on two key slices.
        let image = syntheticImage()
        let boxes = [Box(slice: 3, xMin: 8, yMin: 6, xMax: 16, yMax: 14), Box(slice: 6, xMin: 8, yMin: 6, xMax: 16, yMax: 14)]
        let fractions = Fractions()
        let mask = try EngineProposer(engine: try ProposalEngine(method: .threshold, weights: nil)).propose(image: image, boxes: boxes, progress: { fractions.add($0) },
                                                   isCancelled: { false })!
        XCTAssertEqual(mask.count, 5 * 5 * 4, "the block, its four slices filled between the key boxes")
        XCTAssertEqual(mask[12, 10, 4], 1)
        XCTAssertEqual(fractions.all.last, 1)
    }

    /// Two tumours are proposed one after the other into one mask, with progress between them;
    /// one tumour's mask is the engine's own.
    func testTwoTumoursAddUpInOneMask() throws {
        let image = syntheticImage()
        let engine = EngineProposer(engine: try ProposalEngine(method: .threshold, weights: nil))
        let block = [Box(slice: 3, xMin: 8, yMin: 6, xMax: 16, yMax: 14), Box(slice: 6, xMin: 8, yMin: 6, xMax: 16, yMax: 14)]
        let one = try engine.propose(image: image, boxes: block, progress: { _ in }, isCancelled: { false })!
        var second = image
        for k in 3...4 { for j in 20...23 { for i in 25...28 { second[i, j, k] = 200 } } }
        let fractions = Fractions()
        let both = try engine.propose(image: second, boxes: block + [Box(slice: 3, xMin: 24, yMin: 19, xMax: 29, yMax: 24, object: 2),
                                                                     Box(slice: 4, xMin: 24, yMin: 19, xMax: 29, yMax: 24, object: 2)],
                                      progress: { fractions.add($0) }, isCancelled: { false })!
        XCTAssertEqual(both.count, one.count + 4 * 4 * 2)
        XCTAssertEqual(both[12, 10, 4], 1); XCTAssertEqual(both[26, 21, 3], 1)
        XCTAssertEqual(fractions.all, [0, 0.5, 1])
    }

    func testACancelledRequestGivesNothing() throws {
        let boxes = [Box(slice: 3, xMin: 8, yMin: 6, xMax: 16, yMax: 14)]
        XCTAssertNil(try EngineProposer(engine: try ProposalEngine(method: .threshold, weights: nil)).propose(image: syntheticImage(), boxes: boxes, progress: { _ in },
                                                     isCancelled: { true }))
    }
}

/// Progress values reported from the proposer (which may call from any thread).
final class Fractions: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []
    func add(_ v: Double) { lock.lock(); values.append(v); lock.unlock() }
    var all: [Double] { lock.lock(); defer { lock.unlock() }; return values }
}
