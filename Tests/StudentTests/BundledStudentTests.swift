import XCTest
import TestSupport
import Volumes
@testable import Student

/// Issue #7's goal for the shipped student, on the one real case we have: the bundled ensemble finds
/// lung1's tumour, which none of its students saw, with DSC ≥ 0.6 and nothing missed, using the
/// options `tutor student tune` stored with it and `tutor segment`'s default mirroring.
final class BundledStudentTests: XCTestCase {
    func testBundledEnsembleFindsTheLung1TumourOnItsOwn() throws {
        let folder = try sharedRealData("lung1")
        let ct = try VolumeIO.read(folder + "/ct.nii.gz")
        let truth = try VolumeIO.read(folder + "/label.nii.gz")
        let segmenter = Segmenter(students: try BundledStudent.load([]))
        XCTAssertGreaterThan(segmenter.students.count, 1, "the bundled student is an ensemble")
        let options = try XCTUnwrap(segmenter.student.recommendedOptions, "the bundled ensemble carries tuned options")
        let mask = try segmenter.segment(ct: ct, options: options, name: "lung1")
        XCTAssertEqual(mask.size, ct.size)
        let dsc = dice(mask.voxels, truth.voxels)
        XCTAssertGreaterThanOrEqual(dsc, 0.6, "lung1 DSC \(dsc)")
        // No tumour missed: each true object is at least a quarter covered (the paper's matching rule).
        let objects = connectedComponents(of: truth)
        var covered = [Int](repeating: 0, count: objects.count + 1)
        for v in mask.voxels.indices where mask.voxels[v] > 0.5 { covered[Int(objects.labels[v])] += 1 }
        for o in 1...objects.count {
            XCTAssertGreaterThanOrEqual(Double(covered[o]), 0.25 * Double(objects.voxelCounts[o - 1]), "tumour \(o) missed")
        }
    }
}
