import XCTest
import Volumes
@testable import Phantom

/// The label of a thick slice is the voxels the tumour fills at least half of: where its HU values
/// are past the half-way point between lung and tumour, at every slice thickness.
final class PhantomLabelTests: XCTestCase {
    /// A solid sphere of radius `radius` mm on uniform lung, 0.7 mm pixels, slices of `thickness`
    /// mm drawn on `sub` sub-planes; returns the averaged slices and the voxel volume (mm³).
    func sphere(radius: Double, thickness: Double, sub: Int) -> (hu: [Float], label: [Float], voxel: Double) {
        let n = 48, slices = Int((24 / thickness).rounded())
        var grid = FineGrid(ni: n, nj: n, nk: slices * sub, pixel: 0.7, dz: thickness / Double(sub),
                            z0: thickness / Double(2 * sub))
        for idx in grid.hu.indices { grid.hu[idx] = HU.lung; grid.tissue[idx] = Tissue.lung.rawValue }
        var rng = SeededGenerator(seed: 4)
        // Off-grid centre, so that the sphere's caps fall anywhere within a slice.
        var t = Tumour(centre: SIMD3(16.9, 17.2, 12.3), radius: radius, shape: .round, density: .solid,
                       place: .parenchyma, rng: &rng)
        t.bumps = []; t.stretch = SIMD3(1, 1, 1); t.spicules = []
        t.paint(on: &grid)
        let s = grid.thickSlices(sub)
        return (s.hu, s.label, 0.7 * 0.7 * thickness)
    }

    func testTheLabelIsWhereTheTumourFillsHalfTheVoxelAtEverySliceThickness() {
        for (thickness, sub) in [(1.0, 1), (2.0, 2), (2.5, 2), (3.0, 3), (5.0, 4)] {
            let (hu, label, voxel) = sphere(radius: 5, thickness: thickness, sub: sub)
            // The solid value is 15–50 HU plus at most 6 towards the rim; half-way from lung.
            let solid = hu.max()!, halfway = (HU.lung + solid) / 2
            var disagree = 0
            for idx in hu.indices where abs(hu[idx] - halfway) > 8 {
                if (hu[idx] > halfway) != (label[idx] > 0) { disagree += 1 }
            }
            XCTAssertEqual(disagree, 0, "\(thickness) mm: label and HU half-way edge disagree on \(disagree) voxels")
            // Up to 3 mm the label holds the sphere's volume; on 5 mm slices its caps' slices are
            // mostly less than half filled, and it holds less.
            let volume = Double(label.reduce(0, +)) * voxel, truth = 4 / 3 * Double.pi * 125
            if thickness <= 3 {
                XCTAssertEqual(volume / truth, 1, accuracy: 0.07, "\(thickness) mm: label \(volume) mm³ for a \(truth) mm³ sphere")
            }
        }
    }

    func testACoverByteRoundsAndHalfCoverIsTumour() {
        XCTAssertEqual(coverByte(0), 0); XCTAssertEqual(coverByte(1), 255); XCTAssertEqual(coverByte(0.5), 128)
        var grid = FineGrid(ni: 1, nj: 1, nk: 2, pixel: 1, dz: 1, z0: 0)
        grid.label = [coverByte(0.5), 0]
        XCTAssertEqual(grid.thickSlices(1).label, [1, 0], "half covered is tumour on a thin slice")
        XCTAssertEqual(grid.thickSlices(2).label, [0], "one of two sub-planes half covered is a quarter: not tumour")
        grid.label = [255, coverByte(0.01)]
        XCTAssertEqual(grid.thickSlices(2).label, [1], "just over half the voxel")
    }
}
