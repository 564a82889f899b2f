import XCTest
import Network
import Volumes
@testable import Student

/// Each `tutor segment` option changes the mask as documented, on hand-made probabilities.
final class SegmentOptionsTests: XCTestCase {
    /// Probabilities on a 40×40×10 grid of 1 × 1 × 2 mm: a big blob (0.9) with a one-voxel dent and a
    /// ring of 0.6 around it, a one-voxel speck (0.9) inside the lung, and a blob (0.9) outside it.
    func fixture() -> (Volume, [Lung]) {
        var p = Volume(size: GridSize(40, 40, 10), spacing: SIMD3(1, 1, 2))
        for k in 2..<8 { for j in 5..<20 { for i in 5..<20 {
            let d = SIMD2(Double(i) - 12, Double(j) - 12)
            let r = (d * d).sum().squareRoot()
            if r <= 6 { p[i, j, k] = 0.9 } else if r <= 7 { p[i, j, k] = 0.6 }
        } } }
        p[12, 6, 5] = 0.1            // a dent on the blob's edge… (inside r ≤ 6)
        p[12, 12, 5] = 0.1           // …and a hole in its middle
        p[25, 25, 5] = 0.9           // a speck
        for k in 3..<6 { for j in 32..<37 { for i in 32..<37 { p[i, j, k] = 0.9 } } }   // outside the lung
        var lungMask = BinaryMask(emptyOn: p)
        for k in 0..<10 { for j in 0..<30 { for i in 0..<30 { lungMask[i, j, k] = 1 } } }
        let lung = Lung(side: .right, mask: lungMask, lower: .zero, upper: SIMD3(29, 29, 9), volumeML: 0)
        return (p, [lung])
    }

    func segmenter() -> Segmenter {
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2, 2, 2, 2, 2]))
        return Segmenter(student: StudentNetwork(net: net, variant: .so, weightsHash: ""))
    }

    func count(_ m: Volume) -> Int { m.voxels.filter { $0 > 0.5 }.count }

    func testThresholdDecidesWhichProbabilitiesCount() {
        let (p, lungs) = fixture()
        var o = SegmentOptions()
        let plain = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        o.threshold = 0.7
        let strict = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        XCTAssertGreaterThan(count(plain), count(strict))
        XCTAssertEqual(plain[12, 4, 4], 0)              // outside the blob
        XCTAssertEqual(plain[18, 12, 4] + plain[19, 12, 4], 2)   // the 0.6 ring counts at 0.5…
        XCTAssertEqual(strict[19, 12, 4], 0)            // …not at 0.7
        XCTAssertEqual(plain[12, 12, 5], 0)             // the hole stays without smoothing
    }

    /// A hysteresis threshold: the 0.9 blob keeps its 0.6 ring, while a faint 0.6 blob goes.
    func testConfidenceDropsFaintCandidatesAndKeepsConfidentOutlines() {
        var (p, lungs) = fixture()
        for k in 3..<6 { for j in 22..<27 { for i in 2..<7 { p[i, j, k] = 0.6 } } }   // a faint blob in the lung
        var o = SegmentOptions()
        let plain = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        XCTAssertEqual(plain[4, 24, 4], 1)
        o.confidence = 0.8
        let confident = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        XCTAssertEqual(confident[4, 24, 4], 0, "the faint blob never reaches 0.8")
        XCTAssertEqual(confident[18, 12, 4], 1, "the confident blob keeps its 0.6 ring")
        XCTAssertEqual(confident[25, 25, 5], 1, "a confident speck stays (--radius is for specks)")
        XCTAssertEqual(count(plain) - count(confident), 5 * 5 * 3)
        o.confidence = 0.95
        XCTAssertEqual(count(segmenter().finish(probabilities: p, lungs: lungs, options: o)), 0)
    }

    func testRadiusRemovesSpecksAndFillsHoles() {
        let (p, lungs) = fixture()
        var o = SegmentOptions()
        o.radiusMM = 2
        let smooth = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        XCTAssertEqual(smooth[25, 25, 5], 0, "the speck is opened away")
        XCTAssertEqual(smooth[12, 12, 5], 1, "the hole is closed")
        XCTAssertEqual(smooth[34, 34, 4], 1, "a 5-voxel blob survives a 2 mm opening")
        XCTAssertEqual(smooth.size, p.size)
    }

    func testLungFilterDropsCandidatesOutsideTheLungs() {
        let (p, lungs) = fixture()
        var o = SegmentOptions()
        let all = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        o.lungFilter = true
        let filtered = segmenter().finish(probabilities: p, lungs: lungs, options: o)
        XCTAssertEqual(all[34, 34, 4], 1)
        XCTAssertEqual(filtered[34, 34, 4], 0)
        XCTAssertEqual(filtered[12, 8, 4], 1)
        XCTAssertEqual(filtered[25, 25, 5], 1)
        XCTAssertEqual(count(all) - count(filtered), 5 * 5 * 3)
    }
}
