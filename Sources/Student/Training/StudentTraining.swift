import Foundation
import Network
import Teacher
import Volumes

/// The settings of one student training run: the teacher's recipe (Adam 1e-4, batch 1 accumulated
/// to 8, soft Dice loss, stop when validation DSC stops improving) on cubes cut from lung crops.
public struct StudentTrainingOptions: Sendable {
    public var variant: StudentVariant = .so
    /// Five levels (four downsamplings), as the paper's students.
    public var channels = [4, 8, 16, 32, 64]
    /// Side of the cube cut from a lung crop per step (a multiple of 16): smaller is faster.
    public var trainCrop = 48
    /// Share of steps whose cube is centred (with jitter) on a tumour; the rest are anywhere in a lung.
    public var tumourShare = 0.5
    /// Share of the other steps whose cube is centred on dense tissue inside the lung (a hard
    /// negative: vessels and the like, where students raise false alarms); the rest lie anywhere.
    public var hardNegativeShare = 0.5
    /// Start from these weights (a student of the same variant) with a fresh optimiser, to train on.
    public var initialWeights: URL? = nil
    public var schedule = TrainingSchedule()
    public init() {}
}

/// Tumour-size balancing, as the paper: tumours fall into bins of equivalent diameter and each
/// tumour-centred step first draws a bin uniformly, so rare sizes are seen as often as common ones.
public struct SizeBins: Sendable {
    /// Upper edges (mm) of the bins; the last bin is open.
    public static let edges: [Double] = [10, 20, 30, 50]
    /// (sample index, tumour index) per non-empty bin.
    public var bins: [[(sample: Int, tumour: Int)]]

    public init(_ samples: [StudentSample]) {
        var all = [[(sample: Int, tumour: Int)]](repeating: [], count: Self.edges.count + 1)
        for (s, sample) in samples.enumerated() {
            for (t, tumour) in sample.tumours.enumerated() {
                all[Self.edges.firstIndex { tumour.diameterMM < $0 } ?? Self.edges.count].append((s, t))
            }
        }
        bins = all.filter { !$0.isEmpty }
    }

    public func draw(using rng: inout SeededGenerator) -> (sample: Int, tumour: Int)? {
        guard !bins.isEmpty else { return nil }
        let bin = bins[Int(rng.next() % UInt64(bins.count))]
        return bin[Int(rng.next() % UInt64(bin.count))]
    }
}

/// Trains a student on in-memory lung samples, writing into `folder`: `checkpoint.safetensors`
/// (weights + Adam state, to resume), `student-<variant>.safetensors` (the best by validation DSC)
/// and `train-log.csv`. Progress lines (with ETA) go to `progress`.
public final class StudentTraining {
    public let options: StudentTrainingOptions
    let train: [StudentSample], validation: [StudentSample]
    let folder: URL
    let bins: SizeBins

    public init(options: StudentTrainingOptions, train: [StudentSample], validation: [StudentSample], folder: URL) throws {
        guard !train.isEmpty else { throw TutorError("there are no training lungs: no case with a label had lungs that could be found.") }
        guard options.trainCrop % 16 == 0, (16...256).contains(options.trainCrop) else {
            throw TutorError("--crop must be a multiple of 16 between 16 and 256, not \(options.trainCrop).")
        }
        self.options = options; self.train = train; self.validation = validation; self.folder = folder
        bins = SizeBins(train)
    }

    public var checkpointURL: URL { folder.appendingPathComponent(TrainingBook.checkpointName) }
    public var bestURL: URL { folder.appendingPathComponent("\(options.variant.role).safetensors") }

    /// Runs until a stopping rule fires; resumes from the checkpoint in `folder` when `resume`.
    /// Returns the log lines of this run (samples, seconds, loss, validation DSC).
    @discardableResult
    public func run(resume: Bool, progress: (String) -> Void) throws -> [TrainingLogLine] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let trainer: Trainer
        var samples = 0, best = -1.0
        let resuming = resume && FileManager.default.fileExists(atPath: checkpointURL.path)
        if resuming {
            trainer = try Trainer(checkpoint: checkpointURL)
            trainer.loss = options.schedule.loss
            trainer.applyResumeLearningRate(options.schedule, progress: progress)
            guard trainer.net.info["role"] == options.variant.role else {
                throw TutorError("\(checkpointURL.path) is a checkpoint of a \(trainer.net.info["role"] ?? "unknown") network, not of a \(options.variant.role); use another --out folder.")
            }
            guard trainer.net.config.decoders == options.variant.decoders else {
                throw TutorError("\(checkpointURL.path) is a checkpoint of a \(options.variant.role) with \(trainer.net.config.decoders) decoder(s), but one now has \(options.variant.decoders) (the checkpoint predates the second decoder); use another --out folder.")
            }
            samples = try TrainingBook.samplesSoFar(of: trainer.net, from: checkpointURL, schedule: options.schedule)
            best = Double(trainer.net.info["train.best_dsc"] ?? "") ?? -1
            progress("resuming from \(checkpointURL.path) at sample \(samples) (best validation DSC \(best))")
        } else {
            let net: UNet3D
            if let url = options.initialWeights {
                net = try UNet3D(contentsOf: url)
                guard net.info["role"] == options.variant.role, net.config.decoders == options.variant.decoders else {
                    throw TutorError("\(url.path) holds a \(net.info["role"] ?? "network of unknown role"), not a \(options.variant.role) to train on.")
                }
                samples = try TrainingBook.samplesSoFar(of: net, from: url, schedule: options.schedule)
                progress("starting from \(url.path) (sample \(samples), channels \(net.config.channels.map(String.init).joined(separator: ",")))")
            } else {
                let config = UNetConfig(inChannels: 1, outChannels: options.variant.outChannels, channels: options.channels,
                                        decoders: options.variant.decoders)
                net = UNet3D(config: config, seed: options.schedule.seed)
            }
            trainer = Trainer(net: net, optimizer: Adam(for: net, learningRate: options.schedule.learningRate),
                              virtualBatch: options.schedule.virtualBatch, loss: options.schedule.loss)
        }
        var book = TrainingBook(folder: folder, weightsName: bestURL.lastPathComponent, schedule: options.schedule,
                                best: best, firstSample: samples)
        if !resuming { try book.startLog() }
        describe(trainer)
        var rng = SeededGenerator.derived(seed: options.schedule.seed, index: UInt64(samples))
        return try book.run(trainer, from: samples, progress: progress, step: { self.makeStep(using: &rng) },
                            validate: validation.isEmpty ? nil : { try self.validate(trainer.net) })
    }

    /// Records the recipe in the weights' metadata (provenance).
    func describe(_ trainer: Trainer) {
        let net = trainer.net
        net.info["role"] = options.variant.role
        net.info["input_names"] = "ct"
        net.info["output_names"] = options.variant == .do ? "tumour,box" : "tumour"
        net.info["spacing"] = "1,1,1.5"
        net.info["crop"] = "lung box + 8 mm, multiple of 16"
        trainer.recordRecipe("\(options.schedule.decayDescription)train crop \(options.trainCrop), size-balanced tumour share \(options.tumourShare), hard negative share \(options.hardNegativeShare)")
        net.info["train.cases"] = String(Set(train.map(\.caseName)).count)
        net.info["train.pseudo_cases"] = String(Set(train.filter(\.pseudo).map(\.caseName)).count)
    }

    /// One training pair: a cube of a lung crop, centred near a size-balanced tumour draw (or anywhere),
    /// randomly mirrored along i, with a slight intensity change; the DO student gets the box mask as channel 2.
    func makeStep(using rng: inout SeededGenerator) -> (Tensor, Tensor) {
        var sampleIndex = Int(rng.next() % UInt64(train.count))
        var centre: SIMD3<Int>? = nil
        if rng.unit() < options.tumourShare, let draw = bins.draw(using: &rng) {
            sampleIndex = draw.sample
            let jitter = options.trainCrop / 4
            func j() -> Int { Int(rng.next() % UInt64(2 * jitter + 1)) - jitter }
            centre = train[sampleIndex].tumours[draw.tumour].centre &+ SIMD3(j(), j(), j())
        } else if rng.unit() < options.hardNegativeShare, !train[sampleIndex].dense.isEmpty {
            let dense = train[sampleIndex].dense
            let v = Int(dense[Int(rng.next() % UInt64(dense.count))]), size = train[sampleIndex].size
            centre = SIMD3(v % size.i, (v / size.i) % size.j, v / (size.i * size.j))
        }
        let s = train[sampleIndex]
        let t = GridSize(min(options.trainCrop, s.size.i), min(options.trainCrop, s.size.j), min(options.trainCrop, s.size.k))
        func offset(_ n: Int, _ side: Int, _ c: Int?) -> Int {
            let room = n - side
            guard room > 0 else { return 0 }
            guard let c else { return Int(rng.next() % UInt64(room + 1)) }
            return min(max(c - side / 2, 0), room)
        }
        let o = SIMD3(offset(s.size.i, t.i, centre?.x), offset(s.size.j, t.j, centre?.y), offset(s.size.k, t.k, centre?.z))
        let flip = rng.unit() < 0.5
        let gain = Float(rng.uniform(0.9...1.1)), bias = Float(rng.uniform(-0.1...0.1))
        func cut<T: Numeric>(_ a: [T]) -> [T] { mirrored(block(a, s.size, o, t), t, flip) }
        var targets = [cut(s.label).map(Float.init)]
        if options.variant == .do { targets.append(cut(s.boxes).map(Float.init)) }
        return (ChannelPacking.pack([cut(s.ct).map { $0 * gain + bias }], size: t), ChannelPacking.pack(targets, size: t))
    }

    /// DSC of the thresholded tumour channel over all validation lungs together (whole crops, tiled as at inference).
    func validate(_ net: UNet3D) throws -> Double {
        let student = StudentNetwork(net: net, variant: options.variant, weightsHash: "")
        var inter = 0.0, total = 0.0
        for s in validation {
            let p = try student.probabilities(Volume(size: s.size, spacing: SIMD3(1, 1, 1.5), voxels: s.ct))
            for v in p.indices {
                let hit: Double = p[v] > 0.5 ? 1 : 0
                inter += hit * Double(s.label[v]); total += hit + Double(s.label[v])
            }
        }
        return total > 0 ? 2 * inter / total : 1
    }
}
