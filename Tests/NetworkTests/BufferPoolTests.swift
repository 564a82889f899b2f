import XCTest
@testable import Network

/// The activation pool: blocks kept between passes of one input size, freed when the size changes,
/// and shared by the networks of an ensemble without one network's leftovers reaching another's
/// output.
final class BufferPoolTests: XCTestCase {
    func testKeepsBlocksForOneSizeAndFreesThemForAnother() {
        let pool = BufferPool<Float>()
        pool.prepare(for: Dims(4, 4, 4))
        let block = UnsafeMutablePointer<Float>.allocate(capacity: 64)
        pool.park(block, count: 64)
        pool.prepare(for: Dims(4, 4, 4))
        XCTAssertEqual(pool.take(64), block, "a pass of the same size reuses the block")
        pool.park(block, count: 64)
        pool.prepare(for: Dims(8, 4, 4))
        XCTAssertNil(pool.take(64), "a pass of another size starts from an empty pool")
        pool.prepare(for: Dims(4, 4, 4))
        pool.park(.allocate(capacity: 64), count: 64)
        pool.drain()
        pool.prepare(for: Dims(4, 4, 4))
        XCTAssertNil(pool.take(64), "drained: nothing kept even for a pass of the same size")
    }

    func testReleasedBuffersLeaveTheNextPassAsItWas() throws {
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [8, 16]), seed: 3)
        let x = Tensor(shape: [1, 1, 16, 16, 16], values: (0..<4096).map { cos(Float($0) * 0.11) })
        let first = try net.forward(x)
        net.releaseBuffers()
        XCTAssertEqual(try net.forward(x), first)
    }

    func testSharedPoolLeavesEachNetworksOutputAsItWas() throws {
        let config = UNetConfig(inChannels: 1, outChannels: 1, channels: [8, 16])
        let a = UNet3D(config: config, seed: 1), b = UNet3D(config: config, seed: 2)
        func input(_ s: Int, _ seed: Float) -> Tensor {
            Tensor(shape: [1, 1, s, s, s], values: (0..<(s * s * s)).map { sin(Float($0) * 0.37 + seed) })
        }
        let x = input(32, 0), other = input(16, 1)
        let alone = try b.forward(x)
        b.sharePool(with: a)
        _ = try a.forward(x)          // leaves its blocks in the shared pool
        XCTAssertEqual(try b.forward(x), alone)
        _ = try a.forward(other)      // another size: the pool starts again
        XCTAssertEqual(try b.forward(x), alone)
        XCTAssertNotEqual(try a.forward(x), alone, "the two networks differ, so the test can tell them apart")
    }
}
