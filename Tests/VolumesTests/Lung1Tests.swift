import TestSupport
import XCTest
@testable import Volumes

/// On the real chest CT (skipped when shared/ is absent).
final class Lung1Tests: XCTestCase {
    func testReadsLikeNibabel() throws {
        let ct = try NIfTI.read(try sharedRealData("lung1") + "/ct.nii.gz")
        XCTAssertEqual(ct.size, GridSize(512, 512, 48))
        XCTAssertEqual(ct.spacing.x, 0.5703125); XCTAssertEqual(ct.spacing.z, 5)
        XCTAssertEqual(ct.storedType, "int16")
        XCTAssertEqual(ct.affine.axisCodes, "LPS")
        XCTAssertEqual(ct.affine, Affine(rows: [-0.5703125, 0, 0, 146, 0, -0.5703125, 0, 325, 0, 0, 5, -777.5, 0, 0, 0, 1]))
        let s = VoxelStatistics(ct.voxels)
        XCTAssertEqual(s.minimum, -1024); XCTAssertEqual(s.maximum, 3071)
        XCTAssertEqual(s.mean, -577.9148241678873, accuracy: 1e-6)   // nibabel's get_fdata().mean()
    }

    func testMaskRoundTripKeepsDice() throws {
        let label = try NIfTI.read(try sharedRealData("lung1") + "/label.nii.gz")
        XCTAssertEqual(label.voxels.reduce(0, +), 837)
        let spacing = SIMD3(1.0, 1, 1.5)
        // Soft (trilinear) forward and back, thresholded at 0.5: the teacher's probability path.
        let soft = Resample(spacing: spacing, interpolation: .trilinear)(label)
        XCTAssertEqual(soft.size, GridSize(292, 292, 159))
        let teacher = TeacherCrop(size: soft.size, spacing: spacing)
        let region = CropRegion(grid: ResampledGrid(label, spacing: spacing), start: .zero, size: soft.size)
        let back = teacher.paste(soft, region: region, interpolation: .trilinear)
        XCTAssertGreaterThanOrEqual(dice(back.voxels, label.voxels), 0.97)
        // Binary (nearest) both ways loses more on an 837-voxel tumour, but stays close.
        let hard = Resample(spacing: spacing, interpolation: .nearest)(label)
        let hardBack = teacher.paste(hard, region: region, interpolation: .nearest)
        XCTAssertGreaterThanOrEqual(dice(hardBack.voxels, label.voxels), 0.92)
    }

    func testTeacherCropAroundTheTumourAndBack() throws {
        let folder = try sharedRealData("lung1")
        let ct = try NIfTI.read(folder + "/ct.nii.gz")
        let label = try NIfTI.read(folder + "/label.nii.gz")
        let normalised = Preprocess().normalise(ct)
        XCTAssertEqual(Double(VoxelStatistics(Preprocess()(ct).voxels).minimum), Double(normalised.padding), accuracy: 1e-4)
        let centre = SIMD3(217.5, 359.5, 33.0)   // the middle of lung1's boxes
        let teacher = TeacherCrop()
        let (image, region) = teacher.crop(normalised, centre: centre)
        XCTAssertEqual(image.size, GridSize(128, 128, 128))
        XCTAssertEqual(image.voxels.filter { $0 == normalised.padding }.count > 0, true, "48 slices × 5 mm < 128 × 1.5 mm: padded")
        let (mask, _) = teacher.crop(label, centre: centre, padding: 0, interpolation: .trilinear)
        XCTAssertEqual(mask.voxels.reduce(0, +), label.voxels.reduce(0, +) * Float(0.5703125 * 0.5703125 * 5 / 1.5), accuracy: 120)
        let back = teacher.paste(mask, region: region)
        XCTAssertGreaterThanOrEqual(dice(back.voxels, label.voxels), 0.97)
    }
}
