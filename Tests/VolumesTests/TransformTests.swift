import TestSupport
import XCTest
@testable import Volumes

final class TransformTests: XCTestCase {
    func testClipAndZScore() {
        var v = Volume(size: GridSize(4, 1, 1), spacing: SIMD3(1, 1, 1))
        v.voxels = [-3000, -1024, 500, 2000]
        let clipped = ClipIntensity()(v)
        XCTAssertEqual(clipped.voxels, [-1024, -1024, 500, 1000])
        let z = ZScore()(clipped)
        let s = VoxelStatistics(z.voxels)
        XCTAssertEqual(s.mean, 0, accuracy: 1e-6)
        XCTAssertEqual(s.standardDeviation, 1, accuracy: 1e-6)
        let c = VoxelStatistics(clipped.voxels)
        XCTAssertEqual(c.mean, (-1024 - 1024 + 500 + 1000) / 4)
        XCTAssertEqual(VoxelStatistics(v.voxels, clampedTo: -1024...1000), c, "clamped while summing = summed after clipping")
        XCTAssertEqual(Double(z.voxels[3]), (1000 - c.mean) / c.standardDeviation, accuracy: 1e-5)
        let constant = ZScore()(Volume(size: GridSize(2, 2, 2), spacing: SIMD3(1, 1, 1)).sameGrid(filledWith: 5))
        XCTAssertEqual(constant.voxels, [Float](repeating: 0, count: 8))
    }

    func testResampledGridKeepsWorldPositionsAndTargetSpacing() {
        let v = linearVolume()                          // 9×7×5 at 0.75×0.5×2.5
        let grid = ResampledGrid(v, spacing: SIMD3(1, 1, 1.5))
        XCTAssertEqual(grid.size, GridSize(7, 4, 8))    // ceil((n − 0.5) · s / t)
        let s = grid.affine.columnNorms
        XCTAssertEqual(s.x, 1, accuracy: 1e-12); XCTAssertEqual(s.y, 1, accuracy: 1e-12); XCTAssertEqual(s.z, 1.5, accuracy: 1e-12)
        // New voxel (2, 3, 4) sits where source index (2/0.75, 3/0.5, 4·1.5/2.5) sits.
        let world = grid.affine.apply(SIMD3(2, 3, 4))
        let same = v.affine.apply(SIMD3(2 / 0.75, 3 / 0.5, 6 / 2.5))
        for a in 0..<3 { XCTAssertEqual(world[a], same[a], accuracy: 1e-12) }
        let back = v.affine.inverse.apply(world)
        XCTAssertEqual(back.y, 6, accuracy: 1e-12)
    }

    func testTrilinearResampleIsExactOnLinearImages() {
        let v = linearVolume()
        let r = Resample(spacing: SIMD3(1, 1, 1.5))(v)
        let grid = ResampledGrid(v, spacing: SIMD3(1, 1, 1.5))
        for k in 0..<r.size.k { for j in 0..<r.size.j { for i in 0..<r.size.i {
            let p = SIMD3(Double(i), Double(j), Double(k)) * grid.scale
            let x = min(p.x, 8), y = min(p.y, 6), z = min(p.z, 4)   // beyond the last centre: edge value
            XCTAssertEqual(Double(r[i, j, k]), 3 * x - 2 * y + 5 * z + 1, accuracy: 1e-4)
        } } }
    }

    func testNearestResampleOfMaskKeepsLabels() {
        var m = Volume(size: GridSize(10, 10, 4), spacing: SIMD3(0.5, 0.5, 3), storedType: "uint8")
        for k in 1...2 { for j in 3...6 { for i in 2...7 { m[i, j, k] = 1 } } }
        let r = Preprocess().mask(m)
        XCTAssertEqual(Set(r.voxels), [0, 1])
        XCTAssertEqual(r.storedType, "uint8")
        XCTAssertEqual(r.size, GridSize(5, 5, 7))
        // Resampled voxel (2, 2, 3) is source (4, 4, 1.5) → nearest (4, 4, 2): inside.
        XCTAssertEqual(r[2, 2, 3], 1)
        XCTAssertEqual(r[0, 0, 3], 0)
    }

    func testPreprocessEqualsItsSteps() {
        var v = linearVolume()
        v.voxels = v.voxels.map { $0 * 100 - 1500 }
        let whole = Preprocess(spacing: SIMD3(1, 1, 1.5))(v)
        let steps = Resample(spacing: SIMD3(1, 1, 1.5))(ZScore()(ClipIntensity()(v)))
        XCTAssertEqual(whole.size, steps.size)
        for (a, b) in zip(whole.voxels, steps.voxels) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertEqual(whole.affine, steps.affine)
    }

    /// A crop of `normalise`'s recipe (clip and z-score applied while sampling) is the same box of
    /// the image clipped, z-scored and resampled whole, the clip included: values run from
    /// −1500 to 2100 HU, past both ends of [−1024, 1000].
    func testNormalisedCropIsTheBoxOfThePreprocessedImage() {
        var v = linearVolume(GridSize(30, 26, 12), spacing: SIMD3(0.6, 0.7, 2.5))
        v.voxels = v.voxels.map { $0 * 40 - 1500 }
        XCTAssertLessThan(v.voxels.min()!, -1024); XCTAssertGreaterThan(v.voxels.max()!, 1000)
        let normalised = Preprocess().normalise(v)
        XCTAssertEqual(normalised.hu.voxels, v.voxels, "the scan itself is left as it was")
        let whole = Resample()(ZScore()(ClipIntensity()(v)))
        XCTAssertEqual(normalised.padding, ZScore()(ClipIntensity()(v)).voxels.min()!, accuracy: 1e-5)
        let teacher = TeacherCrop(size: GridSize(16, 12, 10))
        for centre in [SIMD3(15.0, 13, 6), SIMD3(1, 2, 0), SIMD3(29, 25, 11.4)] {
            let (crop, region) = teacher.crop(normalised, centre: centre)
            for k in 0..<10 { for j in 0..<12 { for i in 0..<16 {
                let g = region.start &+ SIMD3(i, j, k)
                let inside = (0..<whole.size.i).contains(g.x) && (0..<whole.size.j).contains(g.y) && (0..<whole.size.k).contains(g.z)
                XCTAssertEqual(crop[i, j, k], inside ? whole[g.x, g.y, g.z] : normalised.padding, accuracy: 1e-5,
                               "\(centre) \(i),\(j),\(k)")
            } } }
        }
    }

    func testCropIsTheBoxOfTheResampledVolume() {
        let v = linearVolume(GridSize(30, 26, 12), spacing: SIMD3(0.6, 0.7, 2.5))
        let teacher = TeacherCrop(size: GridSize(16, 12, 10))
        let whole = Resample()(v)
        for centre in [SIMD3(15.0, 13, 6), SIMD3(1, 2, 0), SIMD3(29, 25, 11.4)] {
            let (crop, region) = teacher.crop(v, centre: centre, padding: -99)
            XCTAssertEqual(crop.size, teacher.size)
            for k in 0..<10 { for j in 0..<12 { for i in 0..<16 {
                let g = region.start &+ SIMD3(i, j, k)
                let inside = (0..<whole.size.i).contains(g.x) && (0..<whole.size.j).contains(g.y) && (0..<whole.size.k).contains(g.z)
                XCTAssertEqual(crop[i, j, k], inside ? whole[g.x, g.y, g.z] : -99, "\(centre) \(i),\(j),\(k)")
            } } }
            // The crop's affine puts its voxels where the resampled volume's are.
            let w1 = crop.affine.apply(SIMD3(3, 4, 5)), w2 = whole.affine.apply(SIMD3<Double>(region.start &+ SIMD3(3, 4, 5)))
            for a in 0..<3 { XCTAssertEqual(w1[a], w2[a], accuracy: 1e-9) }
        }
    }

    func testCropCentreIsNearTheMiddleVoxel() {
        let v = linearVolume(GridSize(30, 26, 12), spacing: SIMD3(0.6, 0.7, 2.5))
        let region = TeacherCrop(size: GridSize(16, 12, 10)).region(of: v, centre: SIMD3(15, 13, 6))
        let middle = v.affine.inverse.apply(region.affine.apply(SIMD3(8, 6, 5)))
        // Within half a resampled voxel: 0.5 mm / 0.6 mm in i, 0.75 mm / 2.5 mm in k.
        XCTAssertEqual(middle.x, 15, accuracy: 0.5 / 0.6 + 1e-9)
        XCTAssertEqual(middle.z, 6, accuracy: 0.75 / 2.5 + 1e-9)
    }

    func testPasteInvertsCropOnLinearImages() {
        let v = linearVolume(GridSize(30, 26, 12), spacing: SIMD3(0.6, 0.7, 2.5))
        let teacher = TeacherCrop(size: GridSize(16, 12, 10))
        let (crop, region) = teacher.crop(v, centre: SIMD3(15, 13, 6), padding: 0)
        let back = teacher.paste(crop, region: region)
        XCTAssertEqual(back.size, v.size)
        XCTAssertEqual(back.affine, v.affine)
        var inside = 0
        for k in 0..<12 { for j in 0..<26 { for i in 0..<30 {
            let p = SIMD3(Double(i), Double(j), Double(k)) / region.grid.scale - SIMD3<Double>(region.start)
            let interior = p.x >= 0 && p.x <= 15 && p.y >= 0 && p.y <= 11 && p.z >= 0 && p.z <= 9
            let outside = p.x < -0.5 || p.x >= 15.5 || p.y < -0.5 || p.y >= 11.5 || p.z < -0.5 || p.z >= 9.5
            if interior { XCTAssertEqual(back[i, j, k], v[i, j, k], accuracy: 1e-3); inside += 1 }
            if outside { XCTAssertEqual(back[i, j, k], 0) }
        } } }
        XCTAssertGreaterThan(inside, 1000)
    }

    /// A proposal pastes only the block its boxes span: every voxel of it, and its place in the
    /// world, must be the full paste's, also where the block runs past the crop.
    func testPasteOfABlockIsThatBlockOfTheFullPaste() {
        let v = linearVolume(GridSize(30, 26, 12), spacing: SIMD3(0.6, 0.7, 2.5))
        let teacher = TeacherCrop(size: GridSize(16, 12, 10))
        let (crop, region) = teacher.crop(v, centre: SIMD3(15, 13, 6), padding: 0)
        for interpolation in [Interpolation.trilinear, .nearest] {
            let full = teacher.paste(crop, region: region, interpolation: interpolation)
            let lower = SIMD3(3, 9, 2), upper = SIMD3(29, 20, 11)
            let block = teacher.paste(crop, region: region, block: lower, upper, interpolation: interpolation)
            XCTAssertEqual(block.size, GridSize(27, 12, 10))
            XCTAssertEqual(block.affine.apply(.zero), full.affine.apply(SIMD3<Double>(lower)))
            var nonzero = 0, zero = 0
            for k in 0..<10 { for j in 0..<12 { for i in 0..<27 {
                XCTAssertEqual(block[i, j, k], full[i + 3, j + 9, k + 2])
                if block[i, j, k] == 0 { zero += 1 } else { nonzero += 1 }
            } } }
            XCTAssertGreaterThan(nonzero, 500, "the block overlaps the crop")
            XCTAssertGreaterThan(zero, 100, "and runs past it")
        }
    }

    /// `CropRegion.sourceBlock` holds every voxel the full paste can set: outside it the paste is
    /// 0, and it is no more than a voxel larger than the voxels the paste does set.
    func testSourceBlockHoldsEverythingThePasteSets() {
        let v = linearVolume(GridSize(30, 26, 12), spacing: SIMD3(0.6, 0.7, 2.5))
        let teacher = TeacherCrop(size: GridSize(16, 12, 6))
        for centre in [SIMD3(15.0, 13, 6), SIMD3(1, 2, 0), SIMD3(29, 25, 11.4)] {
            var (crop, region) = teacher.crop(v, centre: centre, padding: 0)
            crop.voxels = crop.voxels.map { _ in 1 }   // so that the paste is 1 wherever it reaches
            let full = teacher.paste(crop, region: region, interpolation: .nearest)
            let b = try! XCTUnwrap(region.sourceBlock)
            var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
            for k in 0..<12 { for j in 0..<26 { for i in 0..<30 where full[i, j, k] != 0 {
                let p = SIMD3(i, j, k)
                XCTAssertTrue(all(p .>= b.lower) && all(p .<= b.upper), "\(centre): \(p) outside the block")
                lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
            } } }
            XCTAssertTrue(all(b.lower &+ 1 .>= lo) && all(b.upper .<= hi &+ 1), "\(centre): block \(b) against \(lo)…\(hi)")
        }
    }

    func testCropAndPasteOfASoftMaskRestoresTheMask() {
        // A 10 mm ball on a typical CT grid, through the teacher's 1 × 1 × 1.5 mm space and back.
        var m = Volume(size: GridSize(48, 48, 16), spacing: SIMD3(0.7, 0.7, 2.5), storedType: "uint8")
        for k in 0..<16 { for j in 0..<48 { for i in 0..<48 {
            let d = SIMD3(Double(i) - 24, Double(j) - 22, Double(k) - 8) * m.spacing
            m[i, j, k] = (d * d).sum() <= 100 ? 1 : 0
        } } }
        let teacher = TeacherCrop(size: GridSize(32, 32, 32))
        let (crop, region) = teacher.crop(m, centre: SIMD3(24, 22, 8), padding: 0, interpolation: .trilinear)
        let back = teacher.paste(crop, region: region, interpolation: .trilinear)
        XCTAssertGreaterThanOrEqual(dice(back.voxels, m.voxels), 0.97)
        let (hard, _) = teacher.crop(m, centre: SIMD3(24, 22, 8), padding: 0, interpolation: .nearest)
        XCTAssertEqual(Set(hard.voxels), [0, 1])
        XCTAssertGreaterThanOrEqual(dice(teacher.paste(hard, region: region, interpolation: .nearest).voxels, m.voxels), 0.9)
    }
}
import Foundation
