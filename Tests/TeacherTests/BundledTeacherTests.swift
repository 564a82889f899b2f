import Foundation
import XCTest
import Network
@testable import Teacher
import Volumes

/// The teacher that ships with tutor: it must be found, load as a box-guided teacher, and propose
/// a mask on the image's own grid that stays inside the boxes it was given.
final class BundledTeacherTests: XCTestCase {
    func testBundledTeacherLoadsAsABoxGuidedTeacher() throws {
        let url = try XCTUnwrap(BundledWeights.teacher, "Sources/Teacher/Weights/teacher-box.safetensors is missing")
        let teacher = try NetworkTeacher(contentsOf: url)
        XCTAssertEqual(teacher.role, .box)
        XCTAssertEqual(teacher.net.config.inChannels, 2)
        XCTAssertEqual(teacher.net.config.channels.count, 4, "the teacher has three downsamplings")
        XCTAssertEqual(teacher.net.info["input_names"], "ct,box")
    }

    func testWeightsThatAreNoTeacherOrDoNotFitTheirRoleAreRefusedInOneSentence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tutor-teacher-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (inChannels, role, message) in [(1, "teacher-box", "a teacher-box needs 2 input and 1 output channel, the file has 1 and 1."),
                                            (1, "student-so", "holds a 'student-so' network, not a teacher")] {
            let net = UNet3D(config: UNetConfig(inChannels: inChannels, outChannels: 1, channels: [2, 2]))
            net.info["role"] = role
            let url = dir.appendingPathComponent("\(role).safetensors")
            try net.save(to: url)
            XCTAssertThrowsError(try NetworkTeacher(contentsOf: url)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }

    func testBundledTeacherProposesInsideTheBoxesOnLung1() throws {
        let folder = try realCase("lung1")
        let image = try NIfTI.read(folder + "/ct.nii.gz")
        let boxes = try BoxFile.load(json: folder + "/boxes.json").boxes
        let engine = try ProposalEngine(method: .net, weights: nil)
        let mask = try engine.propose(image: image, boxes: boxes)
        XCTAssertEqual(mask.size, image.size)
        XCTAssertEqual(mask.affine, image.affine)
        let object = ObjectBoxes(object: 1, boxes: interpolateBoxes(boxes))
        var inside = 0, outside = 0
        for k in 0..<mask.size.k { for j in 0..<mask.size.j { for i in 0..<mask.size.i where mask[i, j, k] > 0 {
            if object.contains(i, j, k) { inside += 1 } else { outside += 1 }
        } } }
        XCTAssertGreaterThan(inside, 100, "a 1.4 mL tumour at 0.57 × 0.57 × 5 mm is ~840 voxels")
        XCTAssertEqual(outside, 0, "the box-guided teacher keeps to its boxes")
    }

    /// With no method asked for, proposals come from the bundled network (it beats the baseline,
    /// Docs/teacher.md), and with the HU edge it finds lung1's tumour from its boxes at DSC ≥ 0.9.
    func testTheBundledTeacherIsTheDefaultAndFindsLung1sTumour() throws {
        let engine = try ProposalEngine(method: nil, weights: nil)
        XCTAssertEqual(engine.method, .net)
        XCTAssertEqual(try ProposalEngine(method: .threshold, weights: nil).method, .threshold)
        let folder = try realCase("lung1")
        let image = try NIfTI.read(folder + "/ct.nii.gz"), label = try NIfTI.read(folder + "/label.nii.gz")
        let mask = try engine.propose(image: image, boxes: try BoxFile.load(json: folder + "/boxes.json").boxes)
        var both = 0, predicted = 0, truth = 0
        for n in mask.voxels.indices {
            let p = mask.voxels[n] > 0, t = label.voxels[n] > 0
            if p { predicted += 1 }
            if t { truth += 1 }
            if p && t { both += 1 }
        }
        XCTAssertGreaterThanOrEqual(Double(2 * both) / Double(predicted + truth), 0.9)
        // The workbench's byte mask, marked onto one that already holds another "tumour", is the
        // same mask plus what it held.
        var bytes = BinaryMask(emptyOn: image)
        bytes[3, 4, 5] = 1
        try engine.propose(image: image, boxes: try BoxFile.load(json: folder + "/boxes.json").boxes, onto: &bytes)
        var expected = BinaryMask(mask)
        expected[3, 4, 5] = 1
        XCTAssertEqual(bytes, expected)
    }
}
