import XCTest
@testable import Network

/// `tutor bench teacher --layers`: the clock names every block (and the head) in the order it runs, keeps the
/// three passes apart, and attaching it changes no number the network computes.
final class LayerClockTests: XCTestCase {
    func testClockListsEveryLayerPerPassAndChangesNothing() throws {
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [4, 8]), seed: 2)
        let x = Tensor(shape: [1, 1, 8, 8, 8], values: (0..<512).map { Float(($0 * 37) % 11) / 11 - 0.5 })
        let plain = try net.forward(x)

        let clock = LayerClock()
        net.layerClock = clock
        let timed = try net.forward(x)
        _ = try net.forward(x, training: true)
        try net.backward(Tensor(shape: plain.shape, values: [Float](repeating: 0.1, count: plain.values.count)))
        net.layerClock = nil
        let recorded = clock.seconds
        _ = try net.forward(x)
        XCTAssertEqual(clock.seconds, recorded, "a detached clock records nothing")

        XCTAssertEqual(timed.values, plain.values)
        XCTAssertEqual(clock.layers, ["enc0.0", "enc0.1", "enc1.0", "enc1.1", "dec0.up", "dec0.0", "dec0.1", "head"])
        for layer in clock.layers {
            let passes = clock.seconds[layer] ?? [:]
            XCTAssertEqual(Set(passes.keys), [.forward, .training, .backward], layer)
            for (pass, seconds) in passes { XCTAssertGreaterThan(seconds, 0, "\(layer) \(pass)") }
        }
    }
}
