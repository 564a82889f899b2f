import TestSupport
import XCTest
import Volumes
@testable import Student

final class LungsTests: XCTestCase {
    func testFindsBothSyntheticLungsWithVesselAndWallTumourInside() throws {
        // A tumour on the right lung's lateral wall (half in the lung, half in the chest wall).
        let chest = SyntheticChest(tumours: [(SIMD3(90 - 38 - 28, 70, 80), 10)])
        let lungs = try LungSegmentation()(chest.ct)
        XCTAssertEqual(lungs.map(\.side), [.right, .left])
        for (lung, truth) in zip(lungs, chest.lungs) {
            // The hull closes the vessel and the tumour's dent: the true ellipsoid is inside, little else.
            let truthInside = zip(truth.voxels, lung.mask.volume.voxels).filter { $0.0 > 0.5 && $0.1 > 0.5 }.count
            XCTAssertEqual(Double(truthInside) / Double(truth.voxels.filter { $0 > 0.5 }.count), 1, accuracy: 0.01)
            XCTAssertGreaterThan(dice(lung.mask.volume.voxels, truth.voxels), 0.95)
        }
        let trueML = 4.0 / 3 * Double.pi * 28 * 40 * 60 / 1000
        XCTAssertEqual(lungs[0].volumeML, trueML, accuracy: 0.12 * trueML)
        let tumourInRightLung = zip(chest.label.voxels, lungs[0].mask.volume.voxels).filter { $0.0 > 0.5 && $0.1 > 0.5 }.count
        XCTAssertGreaterThan(tumourInRightLung, 0)
    }

    func testTouchingLungsAreSplitAtTheMidline() throws {
        var chest = SyntheticChest(tumours: [])
        // A bridge of air joins the lungs in front (anterior junction line).
        for k in 15..<25 { for j in 30..<36 { for i in 30..<60 { chest.ct[i, j, k] = -850 } } }
        let lungs = try LungSegmentation()(chest.ct)
        XCTAssertEqual(lungs.count, 2)
        XCTAssertEqual(lungs.map(\.side), [.right, .left])
        // The cut falls in the bridge between the lungs (i 41…49), and each lung is close to its truth.
        XCTAssertTrue((40...50).contains(lungs[1].lower.x), "cut at \(lungs[1].lower.x)")
        XCTAssertEqual(lungs[0].upper.x + 1, lungs[1].lower.x)
        for (lung, truth) in zip(lungs, chest.lungs) { XCTAssertGreaterThan(dice(lung.mask.volume.voxels, truth.voxels), 0.9) }
    }

    func testNoLungIsAPlainError() {
        let solid = Volume(size: GridSize(20, 20, 10), spacing: SIMD3(2, 2, 4),
                           voxels: [Float](repeating: 40, count: 4000))
        XCTAssertThrowsError(try LungSegmentation()(solid, name: "solid.nii.gz")) { error in
            XCTAssertTrue("\(error)".contains("solid.nii.gz"))
        }
    }

    func testLung1BothLungsPlausibleAndTumourInsideACrop() throws {
        let folder = try sharedRealData("lung1")
        let ct = try VolumeIO.read(folder + "/ct.nii.gz")
        let label = try VolumeIO.read(folder + "/label.nii.gz")
        let lungs = try LungSegmentation()(ct)
        XCTAssertEqual(lungs.map(\.side), [.right, .left])
        // This patient's lungs hold 2.89 L of air below −320 HU in all (scipy, same threshold): the right
        // lung ~1.1 L, the left ~1.8 L.
        for lung in lungs { XCTAssertTrue((800...4000).contains(lung.volumeML), "\(lung.side) lung \(lung.volumeML) mL") }
        XCTAssertEqual(lungs[0].volumeML + lungs[1].volumeML, 2890, accuracy: 300)
        XCTAssertLessThan(lungs[0].volumeML, lungs[1].volumeML)
        // Every tumour voxel lies inside one of the two lung crops.
        let regions = lungs.map { lung -> CropRegion in
            let crop = LungCrop(lung: lung, imageSpacing: ct.spacing)
            XCTAssertEqual(crop.crop.size.i % 16, 0); XCTAssertEqual(crop.crop.size.j % 16, 0); XCTAssertEqual(crop.crop.size.k % 16, 0)
            return crop.crop.region(of: ct, centre: crop.centre)
        }
        var tumourVoxels = 0
        for v in label.voxels.indices where label.voxels[v] > 0.5 {
            tumourVoxels += 1
            let p = SIMD3<Double>(Double(v % 512), Double((v / 512) % 512), Double(v / (512 * 512)))
            let inside = regions.contains { r in
                let g = p / r.grid.scale - SIMD3<Double>(r.start)
                return g.x >= 0 && g.y >= 0 && g.z >= 0 && g.x < Double(r.size.i) && g.y < Double(r.size.j) && g.z < Double(r.size.k)
            }
            XCTAssertTrue(inside, "tumour voxel \(p) outside both lung crops")
            if !inside { break }
        }
        XCTAssertEqual(tumourVoxels, 837)
    }
}
