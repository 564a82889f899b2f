import Foundation
import XCTest
@testable import Teacher
import Volumes

/// The teacher's training sample on a real scan: CT, box channel and label must line up voxel for voxel.
final class TeacherSampleTests: XCTestCase {
    func testLung1SampleChannelsLineUp() throws {
        let folder = URL(fileURLWithPath: try realCase("lung1"))
        var rng = SeededGenerator(seed: 1)
        let samples = try TeacherSample.load(caseFolder: folder, crop: TeacherCrop(), jitterMM: 0, using: &rng)
        XCTAssertEqual(samples.count, 1)
        let s = samples[0]
        let box = boxChannel(s.boxes, region: s.region)
        let inLabel = s.label.indices.filter { s.label[$0] > 0 }
        XCTAssertGreaterThan(inLabel.count, 300, "lung1's tumour is ~1.4 mL: ~900 voxels at 1 × 1 × 1.5 mm")
        let covered = inLabel.filter { box[$0] > 0 }.count
        XCTAssertGreaterThan(Double(covered) / Double(inLabel.count), 0.9, "tight boxes cover the tumour")
        let boxOnly = box.indices.filter { box[$0] > 0 && s.label[$0] == 0 }
        let tumourMean = inLabel.map { Double(s.ct[$0]) }.reduce(0, +) / Double(inLabel.count)
        let restMean = boxOnly.map { Double(s.ct[$0]) }.reduce(0, +) / Double(max(boxOnly.count, 1))
        XCTAssertGreaterThan(tumourMean, restMean + 0.5, "the tumour is denser than the lung around it in the box")
        XCTAssertGreaterThan(s.tumourML, 0.8)
        XCTAssertLessThan(s.tumourML, 2.5)
    }
}
