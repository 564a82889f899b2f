import Foundation
import TestSupport
import XCTest
@testable import Network
import Volumes

/// `UNet3D.widened(to:)`: more channels, the same function, and copies that can drift apart.
final class WideningTests: XCTestCase {
    /// A network whose every parameter is random (He init leaves biases, norm shifts at zero).
    private func randomNetwork(_ config: UNetConfig, seed: UInt64) -> UNet3D {
        let net = UNet3D(config: config, seed: seed)
        var rng = SeededGenerator(seed: seed + 100)
        for (name, shape) in config.parameterShapes where !name.hasSuffix("conv.weight") {
            let p = net.graph.param(name)
            for n in 0..<shape.reduce(1, *) { p[n] = Float(rng.uniform(0.2...1.2)) * (name.hasSuffix("act.weight") ? 0.3 : 1) }
        }
        return net
    }

    private func randomInput(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
    }

    private func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        var diff = 0.0, norm = 0.0
        for (x, y) in zip(a, b) { diff += Double(x - y) * Double(x - y); norm += Double(y) * Double(y) }
        return (diff / norm).squareRoot()
    }

    func testAWiderNetworkComputesTheSameFunction() throws {
        for (config, wider) in [(UNetConfig(inChannels: 2, outChannels: 1, channels: [3, 4, 6]), [6, 8, 12]),
                                (UNetConfig(inChannels: 2, outChannels: 1, channels: [3, 4, 6]), [4, 7, 6]),
                                (UNetConfig(inChannels: 1, outChannels: 2, channels: [2, 3], decoders: 2), [5, 4])] {
            let net = randomNetwork(config, seed: 7)
            let wide = try net.widened(to: wider, seed: 3)
            XCTAssertEqual(wide.config.channels, wider)
            XCTAssertEqual(wide.info["train.widened_from"], config.channels.map(String.init).joined(separator: ","))
            XCTAssertGreaterThan(wide.parameterCount, net.parameterCount)
            let x = randomInput([1, config.inChannels, 8, 8, 12], seed: 9)
            let y = try net.forward(x), w = try wide.forward(x)
            XCTAssertEqual(w.shape, y.shape)
            XCTAssertLessThan(relativeError(w.values, y.values), 1e-5, "\(config.channels) → \(wider)")
            // Not a trivial agreement: the output depends on the input.
            XCTAssertGreaterThan(relativeError(try net.forward(randomInput(x.shape, seed: 10)).values, y.values), 1e-3)
        }
    }

    func testCopiesGetDifferentGradientsSoTrainingSeparatesThem() throws {
        let net = randomNetwork(UNetConfig(inChannels: 2, outChannels: 1, channels: [3, 4]), seed: 5)
        let wide = try net.widened(to: [6, 8])
        let original = UnsafeBufferPointer(start: net.graph.param("enc0.1.conv.weight"), count: 3 * 3 * 27)
        let copied = UnsafeBufferPointer(start: wide.graph.param("enc0.1.conv.weight"), count: 6 * 6 * 27)
        // Output channel 4 copies channel 1; its input channels 1 and 4 share channel 1's weight.
        for tap in 0..<27 {
            XCTAssertEqual(copied[(4 * 6 + 0) * 27 + tap], copied[(1 * 6 + 0) * 27 + tap])
            XCTAssertEqual(copied[(1 * 6 + 1) * 27 + tap] + copied[(1 * 6 + 4) * 27 + tap],
                           original[(1 * 3 + 1) * 27 + tap], accuracy: 1e-6)
        }
        let x = randomInput([1, 2, 8, 8, 8], seed: 6)
        _ = try wide.forward(x, training: true)
        try wide.backward(randomInput([1, 1, 8, 8, 8], seed: 8))
        let grad = wide.graph.grad("enc0.0.conv.weight")
        let first = (0..<54).map { grad[1 * 54 + $0] }, copy = (0..<54).map { grad[4 * 54 + $0] }
        XCTAssertGreaterThan(relativeError(copy, first), 1e-2, "a copy and its original must not move in lockstep")
    }

    func testWideningRefusesFewerChannelsOrAnotherDepth() {
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]))
        for (channels, expected) in [([4, 6], "cannot widen level 1 from 8 to 6 channels; widening only adds channels."),
                                     ([4, 8, 16], "cannot widen a 2-level network to 3 levels; widening keeps the depth.")] {
            XCTAssertThrowsError(try net.widened(to: channels)) { XCTAssertEqual(($0 as? TutorError)?.message, expected) }
        }
    }
}
