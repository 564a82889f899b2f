import TestSupport
import XCTest
import Network
import Teacher
import Volumes
@testable import Student

/// A tiny student trained for a few hundred steps on synthetic chests finds a tumour it never saw.
final class TinyStudentTests: XCTestCase {
    func sample(_ n: Int, tumour: SIMD3<Double>, radius: Double) throws -> [StudentSample] {
        let dir = try temporaryFolder(self)
        let chest = SyntheticChest(tumours: [(tumour, radius)], noise: UInt64(n + 1), vessel: false)
        let ct = dir.appendingPathComponent("ct\(n).nii.gz").path, label = dir.appendingPathComponent("label\(n).nii.gz").path
        try VolumeIO.write(chest.ct, to: ct); try VolumeIO.write(chest.label, to: label, datatype: .uint8)
        return try StudentSample.load(StudentCase(name: "c\(n)", image: ct, label: label, pseudo: false))
    }

    func testTrainedTinyStudentBeatsChance() throws {
        var train: [StudentSample] = []
        let spots: [(SIMD3<Double>, Double)] = [(SIMD3(52, 60, 70), 9), (SIMD3(128, 80, 90), 7), (SIMD3(45, 75, 100), 11), (SIMD3(135, 65, 60), 8)]
        for (n, spot) in spots.enumerated() { train += try sample(n, tumour: spot.0, radius: spot.1) }
        let test = try sample(9, tumour: SIMD3(58, 72, 84), radius: 9)
        XCTAssertEqual(SizeBins(train).bins.count, 2)   // diameters 14–22 mm: two bins

        var o = StudentTrainingOptions()
        o.channels = [4, 4, 8, 8, 8]; o.trainCrop = 32; o.schedule.learningRate = 2e-3; o.schedule.virtualBatch = 1
        o.schedule.maxSamples = 600; o.schedule.validateEvery = 600; o.schedule.patience = 100; o.tumourShare = 0.5
        let folder = try temporaryFolder(self)
        let training = try StudentTraining(options: o, train: train, validation: test, folder: folder)
        let log = try training.run(resume: false) { _ in }
        XCTAssertEqual(log.last?.samples, 600)
        let student = try StudentNetwork(contentsOf: training.bestURL)
        XCTAssertEqual(student.variant, .so)
        // The whole automatic path on the unseen chest, candidates outside the lungs dropped.
        let unseen = SyntheticChest(tumours: [(SIMD3(58, 72, 84), 9)], noise: 10, vessel: false)
        var options = SegmentOptions()
        options.lungFilter = true
        let mask = try Segmenter(student: student).segment(ct: unseen.ct, options: options)
        XCTAssertGreaterThan(dice(mask.voxels, unseen.label.voxels), 0.3, "a blind guess (all tumour, or none) scores about 0")

        // Resume continues from the checkpoint's sample count.
        o.schedule.maxSamples = 610; o.schedule.validateEvery = 10
        let more = try StudentTraining(options: o, train: train, validation: test, folder: folder)
        let resumed = try more.run(resume: true) { _ in }
        XCTAssertEqual(resumed.first?.samples, 610)
    }

    func testDualOutputStudentHasTwoChannels() throws {
        let train = try sample(0, tumour: SIMD3(52, 60, 70), radius: 9)
        var o = StudentTrainingOptions()
        o.variant = .do; o.channels = [2, 2, 2, 2, 2]; o.trainCrop = 32; o.schedule.maxSamples = 2; o.schedule.validateEvery = 2
        let training = try StudentTraining(options: o, train: train, validation: [], folder: try temporaryFolder(self))
        try training.run(resume: false) { _ in }
        let student = try StudentNetwork(contentsOf: training.bestURL)
        XCTAssertEqual(student.variant, .do)
        XCTAssertEqual(student.net.config.outChannels, 2)
        XCTAssertEqual(student.net.config.decoders, 2, "the box mask has its own decoder")
        XCTAssertNotNil(try SafetensorsFile(contentsOf: training.bestURL).tensors["dec2_head.weight"])
        XCTAssertEqual(student.net.info["output_names"], "tumour,box")
        // Segmenting runs the tumour decoder alone: channel 0 of the full two-channel output.
        let crop = Volume(size: GridSize(16, 16, 32), spacing: SIMD3(1, 1, 1.5), voxels: train[0].ct.prefix(16 * 16 * 32).map { $0 })
        let both = try student.net.forward(ChannelPacking.pack([crop.voxels], size: crop.size))
        XCTAssertEqual(try student.probabilities(crop), ChannelPacking.unpack(both, channel: 0))
        // The box target is 1 on a superset of the tumour.
        for s in train { for v in s.label.indices where s.label[v] > 0 { XCTAssertEqual(s.boxes[v], 1) } }
    }

    /// `--init`: training goes on from a student's weights (and their sample count) with a fresh
    /// optimiser; a --samples it has reached already, or another variant's weights, are refused in one sentence.
    func testInitContinuesFromWeightsAndRefusesAnotherVariant() throws {
        let train = try sample(0, tumour: SIMD3(52, 60, 70), radius: 9)
        var o = StudentTrainingOptions()
        o.channels = [2, 2, 2, 2, 2]; o.trainCrop = 16; o.schedule.maxSamples = 2; o.schedule.validateEvery = 2
        let first = try StudentTraining(options: o, train: train, validation: [], folder: try temporaryFolder(self))
        try first.run(resume: false) { _ in }
        o.initialWeights = first.bestURL; o.schedule.maxSamples = 4
        let more = try StudentTraining(options: o, train: train, validation: [], folder: try temporaryFolder(self))
        XCTAssertEqual(try more.run(resume: false) { _ in }.map(\.samples), [4], "sample 2 of the weights, then 2 more")
        // --samples counts from the start: weights at sample 2 with --samples 2 would train nothing.
        o.schedule.maxSamples = 2
        let none = try StudentTraining(options: o, train: train, validation: [], folder: try temporaryFolder(self))
        XCTAssertThrowsError(try none.run(resume: false) { _ in }) {
            XCTAssertTrue("\($0)".contains("has trained for 2 samples already and --samples is 2"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: none.bestURL.path), "no weights written")
        // The same for a finished run resumed with the --samples it finished at.
        o.initialWeights = nil
        let finished = try StudentTraining(options: o, train: train, validation: [], folder: first.checkpointURL.deletingLastPathComponent())
        XCTAssertThrowsError(try finished.run(resume: true) { _ in }) {
            XCTAssertTrue("\($0)".contains("checkpoint.safetensors has trained for 2 samples already"), "\($0)")
        }
        o.initialWeights = first.bestURL
        o.schedule.maxSamples = 4
        o.variant = .do
        let wrong = try StudentTraining(options: o, train: train, validation: [], folder: try temporaryFolder(self))
        XCTAssertThrowsError(try wrong.run(resume: false) { _ in }) {
            XCTAssertTrue("\($0)".contains("holds a student-so, not a student-do"), "\($0)")
        }
    }

    /// The shipped SO student and a DO file from before the second decoder (one decoder with a
    /// two-channel head) both still load; the old DO file segments with its channel 0.
    func testBundledSOAndSingleDecoderDOFilesStillLoad() throws {
        let bundled = try XCTUnwrap(BundledStudent.weights.first, "Sources/Student/Weights/student-so.safetensors is missing")
        let so = try StudentNetwork(contentsOf: bundled)
        XCTAssertEqual(so.variant, .so)
        XCTAssertEqual(so.net.config.decoders, 1)

        let old = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 2, channels: [2, 2, 2, 2, 2]), seed: 4)
        old.info["role"] = StudentVariant.do.role
        let url = try temporaryFolder(self).appendingPathComponent("old-do.safetensors")
        try old.save(to: url)
        let student = try StudentNetwork(contentsOf: url)
        XCTAssertEqual(student.variant, .do)
        let crop = Volume(size: GridSize(16, 16, 16), spacing: SIMD3(1, 1, 1.5), voxels: (0..<4096).map { Float($0 % 17) / 8 - 1 })
        let both = try old.forward(ChannelPacking.pack([crop.voxels], size: crop.size))
        XCTAssertEqual(try student.probabilities(crop), ChannelPacking.unpack(both, channel: 0))
    }
}
