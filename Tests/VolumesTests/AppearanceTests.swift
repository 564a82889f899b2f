import TestSupport
import XCTest
@testable import Volumes

/// The appearance augmentations: a blur that is a Gaussian of the asked width, a contrast change
/// about the mean, and noise of the asked variance.
final class AppearanceTests: XCTestCase {
    func testBlurSpreadsAPointAsAGaussianOfSigmaAlongItsAxisOnly() {
        let size = GridSize(21, 5, 3)
        var x = [Float](repeating: 0, count: size.count)
        let centre = 10 + 21 * (2 + 5 * 1)
        x[centre] = 1
        gaussianBlur(&x, size: size, axis: 0, sigma: 1.5)
        let line = (0..<21).map { Double(x[$0 + 21 * (2 + 5 * 1)]) }
        XCTAssertEqual(line.reduce(0, +), 1, accuracy: 1e-5, "the weights sum to one")
        let variance = line.enumerated().map { Double(($0.offset - 10) * ($0.offset - 10)) * $0.element }.reduce(0, +)
        XCTAssertEqual(variance, 1.5 * 1.5, accuracy: 0.1, "second moment σ² (truncated at 3σ)")
        XCTAssertEqual(line[9], line[11], accuracy: 1e-7)
        XCTAssertEqual(x.reduce(0, +), 1, accuracy: 1e-5, "nothing leaked to other lines")
        // A constant stays constant, at the edges too; along k (3 voxels) the clamp does it.
        var flat = [Float](repeating: 2, count: size.count)
        for axis in 0..<3 { gaussianBlur(&flat, size: size, axis: axis, sigma: 1) }
        XCTAssert(flat.allSatisfy { abs($0 - 2) < 1e-5 })
    }

    func testContrastScalesTheSpreadAboutTheMean() {
        var x: [Float] = [1, 2, 3, 6]
        scaleContrast(&x, by: 0.5)
        XCTAssertEqual(x, [2, 2.5, 3, 4.5])
    }

    func testNoiseHasTheDrawnVarianceAndNothingHappensWithNoChance() {
        let size = GridSize(32, 32, 32)
        var augment = AppearanceAugmentation()
        augment.noiseChance = 1; augment.noiseVariance = 0.25...0.25
        augment.blurChance = 0; augment.contrastChance = 0
        var rng = SeededGenerator(seed: 1)
        var x = [Float](repeating: 0, count: size.count)
        augment.apply(&x, size: size, using: &rng)
        let s = VoxelStatistics(x)
        XCTAssertEqual(s.standardDeviation, 0.5, accuracy: 0.01)
        augment.noiseChance = 0
        var y = x
        augment.apply(&y, size: size, using: &rng)
        XCTAssertEqual(y, x)
    }
}
