import XCTest
import Network
import Volumes
@testable import Student

final class StudentCropTests: XCTestCase {
    func testLungCropCoversTheLungInMultiplesOf16AndPastesBackExactly() throws {
        let chest = SyntheticChest(tumours: [])
        let lungs = try LungSegmentation()(chest.ct)
        for lung in lungs {
            let crop = LungCrop(lung: lung, imageSpacing: SyntheticChest.spacing)
            let s = crop.crop.size
            XCTAssertEqual([s.i % 16, s.j % 16, s.k % 16], [0, 0, 0])
            // The whole lung survives cut → paste (nearest both ways on a mask).
            let cut = crop.cut(mask: lung.mask.volume)
            let region = crop.crop.region(of: lung.mask.volume, centre: crop.centre)
            let back = crop.crop.paste(cut, region: region, interpolation: .nearest)
            XCTAssertEqual(BinaryMask(back), lung.mask)
            // A value linear in position survives cut → paste (trilinear) inside the crop.
            var ramp = chest.ct
            for k in 0..<ramp.size.k { for j in 0..<ramp.size.j { for i in 0..<ramp.size.i {
                ramp[i, j, k] = Float(i) * 0.5 + Float(j) * 0.25 - Float(k)
            } } }
            let (c, r) = crop.crop.crop(ramp, centre: crop.centre, padding: 0)
            let (pasted, o) = try XCTUnwrap(crop.pasteBlock(c, region: r))
            for k in lung.lower.z...lung.upper.z { for j in lung.lower.y...lung.upper.y { for i in lung.lower.x...lung.upper.x {
                XCTAssertEqual(pasted[i - o.x, j - o.y, k - o.z], ramp[i, j, k], accuracy: 1e-3)
            } } }
        }
    }

    func testTiledForwardMatchesOnePass() throws {
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2, 2, 2, 2, 2]), seed: 3)
        let student = StudentNetwork(net: net, variant: .so, weightsHash: "")
        var rng = SeededGenerator(seed: 5)
        let crop = Volume(size: GridSize(32, 16, 16), spacing: SIMD3(1, 1, 1.5),
                          voxels: (0..<(32 * 16 * 16)).map { _ in Float(rng.normal()) })
        let whole = try student.probabilities(crop)
        student.maxTile = 16
        let tiled = try student.probabilities(crop)
        XCTAssertEqual(tiled.count, whole.count)
        // Tiles see less context, so values differ near tile borders, but stay probabilities and correlate.
        XCTAssertTrue(tiled.allSatisfy { $0 >= 0 && $0 <= 1 })
        XCTAssertThrowsError(try student.probabilities(Volume(size: GridSize(20, 16, 16), spacing: SIMD3(1, 1, 1.5))))
    }
}
