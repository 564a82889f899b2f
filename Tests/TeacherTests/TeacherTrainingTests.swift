import Foundation
import TestSupport
import XCTest
import Network
@testable import Teacher
import Volumes

/// The teacher's trainer on a tiny synthetic case: its stopping rules and what it leaves behind.
final class TeacherTrainingTests: XCTestCase {
    /// A 48×48×12 CT (1 × 1 × 2.5 mm) of lung at −850 HU with a solid 12 mm ball, and its label.
    private func ballCase(in folder: URL) throws -> URL {
        let size = GridSize(48, 48, 12), spacing = SIMD3(1.0, 1.0, 2.5)
        var ct = Volume(size: size, spacing: spacing), label = Volume(size: size, spacing: spacing)
        for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
            let d = SIMD3(Double(i) - 24, Double(j) - 24, (Double(k) - 6) * 2.5)
            let inside = (d * d).sum() < 36
            ct[i, j, k] = inside ? 40 : -850
            label[i, j, k] = inside ? 1 : 0
        }}}
        let case_ = folder.appendingPathComponent("case_0000")
        try FileManager.default.createDirectory(at: case_, withIntermediateDirectories: true)
        try NIfTI.write(ct, to: case_.appendingPathComponent("ct.nii.gz").path, datatype: .int16)
        try NIfTI.write(label, to: case_.appendingPathComponent("label.nii.gz").path, datatype: .uint8)
        return case_
    }

    func testTimeBudgetEndsARunBetweenValidationsWithACheckpoint() throws {
        let folder = try temporaryFolder(self)
        var rng = SeededGenerator(seed: 3)
        let samples = try TeacherSample.load(caseFolder: try ballCase(in: folder), crop: TeacherCrop(), jitterMM: 0, using: &rng)
        XCTAssertEqual(samples.count, 1)
        var options = TeacherTrainingOptions()
        options.channels = [2, 4]
        options.trainCrop = 16
        options.schedule.maxSamples = 200
        options.schedule.validateEvery = 200       // no validation before sample 200
        options.schedule.maxMinutes = 0            // the budget is spent after the first sample
        options.appearance = true
        let out = folder.appendingPathComponent("run")
        var messages: [String] = []
        let lines = try TeacherTraining(options: options, train: samples, validation: samples, folder: out)
            .run(resume: false) { messages.append($0) }
        XCTAssertEqual(lines.map(\.samples), [1], "one sample, then a last validation, and stop")
        XCTAssertNotNil(lines.first?.validationDSC)
        XCTAssert(messages.last?.contains("time budget") ?? false, "says why it stopped: \(messages)")
        for file in ["checkpoint.safetensors", "teacher-box.safetensors", "train-log.csv"] {
            XCTAssert(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file) written")
        }
        let recipe = try UNet3D(contentsOf: out.appendingPathComponent("teacher-box.safetensors")).info["train.recipe"] ?? ""
        XCTAssert(recipe.hasSuffix("train crop 16, appearance augmentation"), recipe)
    }

    func testInitWithMoreChannelsWidensTheNetworkAndGoesOn() throws {
        let folder = try temporaryFolder(self)
        var rng = SeededGenerator(seed: 4)
        let samples = try TeacherSample.load(caseFolder: try ballCase(in: folder), crop: TeacherCrop(), jitterMM: 0, using: &rng)
        var options = TeacherTrainingOptions()
        options.channels = [2, 4]
        options.trainCrop = 16
        options.schedule.maxSamples = 2
        options.schedule.validateEvery = 2
        let first = try TeacherTraining(options: options, train: samples, validation: samples,
                                        folder: folder.appendingPathComponent("narrow"))
        try first.run(resume: false) { _ in }
        options.initialWeights = first.bestURL
        options.widenTo = [3, 6]
        options.schedule.maxSamples = 4
        var messages: [String] = []
        let second = try TeacherTraining(options: options, train: samples, validation: samples,
                                         folder: folder.appendingPathComponent("wide"))
        let lines = try second.run(resume: false) { messages.append($0) }
        XCTAssertEqual(lines.map(\.samples), [4], "goes on from the narrow run's 2 samples")
        XCTAssert(messages.first?.contains("channels 3,6, widened from 2,4") ?? false, "\(messages)")
        XCTAssertEqual(try UNet3D(contentsOf: second.bestURL).config.channels, [3, 6])
        // Fewer channels cannot be had by widening: refused, and no output folder is left behind.
        options.widenTo = [1, 6]
        let refused = folder.appendingPathComponent("refused")
        XCTAssertThrowsError(try TeacherTraining(options: options, train: samples, validation: samples, folder: refused)
            .run(resume: false) { _ in })
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused.path))
    }

    func testAppearanceChangesSomeTrainingCubesAndNeverTheLabel() throws {
        let folder = try temporaryFolder(self)
        var rng = SeededGenerator(seed: 5)
        let samples = try TeacherSample.load(caseFolder: try ballCase(in: folder), crop: TeacherCrop(), jitterMM: 0, using: &rng)
        var options = TeacherTrainingOptions()
        options.trainCrop = 16
        let plain = try TeacherTraining(options: options, train: samples, validation: [], folder: folder)
        options.appearance = true
        let augmented = try TeacherTraining(options: options, train: samples, validation: [], folder: folder)
        var changed = 0
        for draw in 0..<40 {
            // The same draws up to the augmentation: offset, flip, gain and shift agree.
            var a = SeededGenerator(seed: UInt64(draw)), b = a
            let (x, y) = plain.makeStep(samples[0], using: &a), (xa, ya) = augmented.makeStep(samples[0], using: &b)
            let n = 16 * 16 * 16
            if Array(x.values[0..<n]) != Array(xa.values[0..<n]) { changed += 1 }
            XCTAssertEqual(y.values, ya.values, "the target is never augmented")
        }
        // Each of the three fires with chance 0.15-0.2: about 19 of 40 cubes change, not none or all.
        XCTAssert((8...32).contains(changed), "\(changed) of 40 cubes changed")
    }
}

