import XCTest
import Network
import Volumes
@testable import Student

/// `tutor student tune`'s search picks the options that score best, and the weights carry them.
final class FinishingSearchTests: XCTestCase {
    /// A tumour (a 0.9 ball with a faint 0.6 rim and a hole) in a lung, a confident speck in the lung,
    /// a faint blob in the lung and a confident blob outside it: the truth is the ball alone.
    func fixture() -> (p: Volume, lungs: [Lung], truth: Volume) {
        var p = Volume(size: GridSize(40, 40, 10), spacing: SIMD3(1, 1, 2))
        var truth = p.sameGrid(storedType: "uint8")
        for k in 2..<8 { for j in 5..<20 { for i in 5..<20 {
            let d = SIMD2(Double(i) - 12, Double(j) - 12)
            let r = (d * d).sum().squareRoot()
            if r <= 6 { p[i, j, k] = 0.9; truth[i, j, k] = 1 } else if r <= 7 { p[i, j, k] = 0.6 }
        } } }
        p[12, 12, 5] = 0.1
        p[25, 25, 5] = 0.99
        for k in 3..<6 { for j in 22..<27 { for i in 2..<7 { p[i, j, k] = 0.6 } } }
        for k in 3..<6 { for j in 32..<37 { for i in 32..<37 { p[i, j, k] = 0.9 } } }
        var lungMask = BinaryMask(emptyOn: p)
        for k in 0..<10 { for j in 0..<30 { for i in 0..<30 { lungMask[i, j, k] = 1 } } }
        return (p, [Lung(side: .right, mask: lungMask, lower: .zero, upper: SIMD3(29, 29, 9), volumeML: 0)], truth)
    }

    func testTheSearchRanksTheOptionsThatKeepOnlyTheTumourFirst() throws {
        let (p, lungs, truth) = fixture()
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2, 2, 2, 2, 2]))
        let search = FinishingSearch(segmenter: Segmenter(student: StudentNetwork(net: net, variant: .so, weightsHash: "")))
        let grid = FinishingSearch.grid
        XCTAssertEqual(grid.count, 16)
        let results = FinishingSearch.rank(grid, try search.score(probabilities: p, lungs: lungs, truth: truth, name: "c").map { [$0] })
        let best = results[0]
        // Only the lung filter drops the outside blob, only smoothing drops the speck (0.99 beats any confidence),
        // and a confidence above 0.6 drops the faint blob.
        XCTAssertTrue(best.options.lungFilter)
        XCTAssertEqual(best.options.radiusMM, 2)
        XCTAssertGreaterThan(best.options.confidence, 0.6)
        XCTAssertEqual(best.summary.f1.mean, 1, accuracy: 1e-9, "one object, the tumour")
        XCTAssertGreaterThan(best.summary.dsc.mean, results.last!.summary.dsc.mean + 0.2)
        XCTAssertLessThanOrEqual(results.last!.summary.f1.mean, 0.5, "the plain threshold finds four objects")
    }

    func testOptionsRoundTripThroughWeightsMetadata() throws {
        var o = SegmentOptions()
        o.threshold = 0.4; o.confidence = 0.95; o.radiusMM = 2; o.lungFilter = true
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2, 2, 2, 2, 2]))
        net.info["role"] = StudentVariant.so.role
        for (k, v) in o.metadata { net.info[k] = v }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tune-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try net.save(to: url)
        let back = try XCTUnwrap(try StudentNetwork(contentsOf: url).recommendedOptions)
        XCTAssertEqual([back.threshold, back.confidence], [0.4, 0.95])
        XCTAssertEqual(back.radiusMM, 2)
        XCTAssertTrue(back.lungFilter)
        XCTAssertEqual(back.commandLine, "--threshold 0.4 --confidence 0.95 --radius 2.0 --lung-filter")
        // Weights without (or with garbled) options recommend none.
        XCTAssertNil(SegmentOptions(metadata: [:]))
        var garbled = o.metadata
        garbled["segment.radius_mm"] = "-1"
        XCTAssertNil(SegmentOptions(metadata: garbled))
    }
}
