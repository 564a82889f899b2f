import XCTest
import Network
import Teacher
import Volumes

/// Volume order ⇄ tensor order, against the definition voxel by voxel, on sizes that are not
/// multiples of the transpose's 16 × 16 tiles.
final class ChannelPackingTests: XCTestCase {
    func testPackAndUnpackFollowTheDefinition() {
        for size in [GridSize(17, 5, 23), GridSize(1, 1, 1), GridSize(32, 3, 16), GridSize(3, 40, 2)] {
            let n = size.count
            let a = (0..<n).map { Float($0) }, b = (0..<n).map { -Float($0) - 0.5 }
            let t = ChannelPacking.pack([a, b], size: size)
            XCTAssertEqual(t.shape, [1, 2, size.i, size.j, size.k])
            for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
                let volume = i + size.i * (j + size.j * k), tensor = (i * size.j + j) * size.k + k
                XCTAssertEqual(t.values[tensor], a[volume])
                XCTAssertEqual(t.values[n + tensor], b[volume])
            } } }
            XCTAssertEqual(ChannelPacking.unpack(t, channel: 0), a, "\(size)")
            XCTAssertEqual(ChannelPacking.unpack(t, channel: 1), b, "\(size)")
        }
    }
}
