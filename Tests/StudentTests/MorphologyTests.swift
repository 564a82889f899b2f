import XCTest
@testable import Student
import Volumes

/// Ball morphology against the definitions, voxel by voxel, on a random mask with an anisotropic
/// spacing: dilation = some ball voxel is foreground; erosion = every ball voxel is foreground
/// (outside the volume counts as background).
final class MorphologyTests: XCTestCase {
    func testErodeAndDilateMatchTheirDefinitions() {
        var rng = SeededGenerator(seed: 11)
        let size = GridSize(14, 11, 6)
        var mask = Volume(size: size, spacing: SIMD3(0.6, 0.6, 2))
        // Blobs rather than noise, so that erosion keeps something.
        for v in mask.voxels.indices { mask.voxels[v] = rng.unit() < 0.75 ? 1 : 0 }
        let morphology = BallMorphology(radiusMM: 1.3)
        let ball = morphology.ball(mask.spacing)
        XCTAssertEqual(ball.count, 13, "a 1.3 mm ball at 0.6 × 0.6 × 2 mm: the 3 × 3 square plus 4 in-plane tips")
        func at(_ m: Volume, _ x: Int, _ y: Int, _ z: Int) -> Bool {
            x >= 0 && x < size.i && y >= 0 && y < size.j && z >= 0 && z < size.k && m[x, y, z] > 0.5
        }
        let dilated = morphology.dilate(mask, ball), eroded = morphology.erode(mask, ball)
        var kept = 0
        for z in 0..<size.k { for y in 0..<size.j { for x in 0..<size.i {
            let any = ball.contains { at(mask, x + $0.x, y + $0.y, z + $0.z) }
            let all = ball.allSatisfy { at(mask, x + $0.x, y + $0.y, z + $0.z) }
            XCTAssertEqual(dilated[x, y, z], any ? 1 : 0, "dilate at \(x), \(y), \(z)")
            XCTAssertEqual(eroded[x, y, z], all ? 1 : 0, "erode at \(x), \(y), \(z)")
            if all { kept += 1 }
        } } }
        XCTAssertGreaterThan(kept, 0, "the test mask must keep something under erosion")
    }

    /// Opening removes a speck smaller than the ball; closing fills a one-voxel hole in a cube.
    func testSmoothingRemovesSpecksAndFillsHoles() {
        var mask = Volume(size: GridSize(20, 20, 20), spacing: SIMD3(1, 1, 1))
        for z in 4..<14 { for y in 4..<14 { for x in 4..<14 { mask[x, y, z] = 1 } } }
        mask[9, 9, 9] = 0          // a hole
        mask[17, 17, 17] = 1       // a speck
        let smooth = BallMorphology(radiusMM: 1.5).smooth(mask)
        XCTAssertEqual(smooth[9, 9, 9], 1)
        XCTAssertEqual(smooth[17, 17, 17], 0)
        XCTAssertEqual(smooth[6, 6, 6], 1)
    }
}
