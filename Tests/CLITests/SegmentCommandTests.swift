import Foundation
import TestSupport
import XCTest
import Network
import Student
import Volumes

/// `tutor segment` end to end on a small phantom with two tiny untrained students: an ensemble
/// given as repeated --weights, the probability and lung maps it writes beside the mask, mirroring,
/// and a missing weights file; `tutor student tune` storing its choice in the weights.
final class SegmentCommandTests: XCTestCase {
    func testEnsembleWritesMaskProbabilitiesAndLungsThatAgree() throws {
        let tutor = tutorBinaryPath()
        let dir = try phantomAndTwoStudents(tutor, phantoms: "ph")
        let ct = "ph/case_0000/ct.nii.gz"
        var said = ""
        func segment(_ extra: [String]) throws -> Volume {
            let run = try runTutor(tutor, in: dir, ["segment", ct, "mask.nii.gz", "--probabilities", "p.nii.gz"] + extra)
            XCTAssertEqual(run.status, 0, run.err)
            said = run.out
            return try VolumeIO.read("\(dir)/p.nii.gz")
        }

        let p = try segment(["--weights", "a.safetensors", "--weights", "b.safetensors", "--lungs", "lungs.nii.gz"])
        let mask = try VolumeIO.read("\(dir)/mask.nii.gz"), lungs = try VolumeIO.read("\(dir)/lungs.nii.gz")
        let image = try VolumeIO.read("\(dir)/\(ct)")
        XCTAssertEqual(p.size, image.size)
        XCTAssertTrue(p.voxels.allSatisfy { $0 >= 0 && $0 <= 1 })
        // No stored options and none given: the mask is exactly the probabilities above 0.5.
        XCTAssertEqual(mask.voxels, p.voxels.map { $0 > 0.5 ? 1 : 0 })
        XCTAssertEqual(Set(lungs.voxels), [0, 1, 2], "background, right lung, left lung")
        // One line says what was written and how.
        let voxels = mask.voxels.filter { $0 > 0 }.count
        XCTAssertTrue(said.hasPrefix("mask.nii.gz: \(voxels) voxels, "), said)
        XCTAssertTrue(said.contains("(2 students, mirrored, 2 lungs, "), said)
        // Outside both lungs' crops the students never ran.
        XCTAssertEqual(p.voxels[0], 0)

        let alone = try segment(["--weights", "a.safetensors"])
        let plain = try segment(["--weights", "a.safetensors", "--weights", "b.safetensors", "--no-mirror"])
        XCTAssertGreaterThan(zip(p.voxels, alone.voxels).map { abs($0 - $1) }.max()!, 1e-4, "the second student counts")
        XCTAssertGreaterThan(zip(p.voxels, plain.voxels).map { abs($0 - $1) }.max()!, 1e-4, "mirroring counts")

        let missing = try runTutor(tutor, in: dir, ["segment", ct, "m2.nii.gz", "--weights", "a.safetensors", "--weights", "gone.safetensors"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.err.contains("gone.safetensors"), missing.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "\(dir)/m2.nii.gz"), "nothing written")
    }

    /// `tutor student tune` writes the options it chose and where it chose them into the weights:
    /// the cases' folder by name, never the tuning machine's path.
    func testTuneStoresItsChoiceAndTheFolderByName() throws {
        let tutor = tutorBinaryPath()
        let dir = try phantomAndTwoStudents(tutor, phantoms: "tuning")
        let run = try runTutor(tutor, in: dir, ["student", "tune", "a.safetensors", "b.safetensors", "\(dir)/tuning/", "--out", "tuned.safetensors"])
        XCTAssertEqual(run.status, 0, run.err)
        let tuned = try UNet3D(contentsOf: URL(fileURLWithPath: "\(dir)/tuned.safetensors"))
        let provenance = try XCTUnwrap(tuned.info["segment.tuned_on"])
        XCTAssertTrue(provenance.hasPrefix("1 cases of tuning, an ensemble of 2 students, mirrored: DSC "), provenance)
        XCTAssertNotNil(tuned.info["segment.threshold"], "the chosen threshold is stored")
        XCTAssertNil(try UNet3D(contentsOf: URL(fileURLWithPath: "\(dir)/a.safetensors")).info["segment.tuned_on"], "--out leaves the first weights alone")
    }

    /// A temporary folder with one small phantom in PHANTOMS/case_0000 and two tiny untrained SO
    /// students, a.safetensors and b.safetensors.
    func phantomAndTwoStudents(_ tutor: String, phantoms: String) throws -> String {
        let dir = try temporaryFolder(self).path
        XCTAssertEqual(try runTutor(tutor, in: dir, ["phantom", "--out", phantoms, "--count", "1", "--seed", "3", "--small-thick"]).status, 0)
        for (name, seed) in [("a", UInt64(1)), ("b", UInt64(2))] {
            let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2, 2, 2, 2, 2]), seed: seed)
            net.info["role"] = StudentVariant.so.role
            try net.save(to: URL(fileURLWithPath: "\(dir)/\(name).safetensors"))
        }
        return dir
    }
}
