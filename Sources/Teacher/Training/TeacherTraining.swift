import Foundation
import Network
import Volumes

/// The settings of one teacher training run (the paper's recipe by default: Adam 1e-4, batch 1
/// accumulated to 8, soft Dice loss, stop when validation DSC stops improving).
public struct TeacherTrainingOptions: Sendable {
    public var role: TeacherRole = .box
    public var channels = [8, 16, 32, 64]
    /// Side of the cube cut from each 128³ sample per step (≤ 128, a multiple of 8): smaller is faster.
    public var trainCrop = 128
    public var schedule = TrainingSchedule()
    /// Start from these weights (a fresh Adam, the file's architecture) instead of a random network;
    /// ignored with `resume` when a checkpoint exists. For fine-tuning the bundled teacher.
    public var initialWeights: URL? = nil
    /// With `initialWeights`: widen that network to these channels first (`UNet3D.widened`), so a
    /// trained teacher grows into a wider one instead of starting over.
    public var widenTo: [Int]? = nil
    /// Also blur, add noise and change contrast now and then (`AppearanceAugmentation`).
    public var appearance = false
    public init() {}

    /// The network `initialWeights` holds, widened to `widenTo` when that differs, and a note for the
    /// progress line ("" or ", widened from …"); refuses a file that is no teacher of `role`. The CLI
    /// calls it before loading cases too, so a bad file is refused at once.
    public func initialNetwork(from url: URL) throws -> (net: UNet3D, note: String) {
        let net = try UNet3D(contentsOf: url)
        try role.check(net, file: url)
        guard let wider = widenTo, wider != net.config.channels else { return (net, "") }
        return (try net.widened(to: wider, seed: schedule.seed),
                ", widened from " + net.config.channels.map(String.init).joined(separator: ","))
    }
}

/// Trains a teacher on in-memory samples, writing into `folder`: `checkpoint.safetensors` (weights +
/// Adam state, to resume), `teacher-<role>.safetensors` (the best weights by validation DSC) and
/// `train-log.csv`. Progress lines (with ETA) go to `progress`.
public final class TeacherTraining {
    public let options: TeacherTrainingOptions
    let train: [TeacherSample], validation: [TeacherSample]
    let folder: URL
    let augment = BoxAugmentation()

    public init(options: TeacherTrainingOptions, train: [TeacherSample], validation: [TeacherSample], folder: URL) throws {
        guard !train.isEmpty else { throw TutorError("there are no training tumours: the dataset has no case with a label.") }
        guard options.trainCrop % 8 == 0, (8...128).contains(options.trainCrop) else {
            throw TutorError("--crop must be a multiple of 8 between 8 and 128, not \(options.trainCrop).")
        }
        self.options = options; self.train = train; self.validation = validation; self.folder = folder
    }

    public var checkpointURL: URL { folder.appendingPathComponent(TrainingBook.checkpointName) }
    public var bestURL: URL { folder.appendingPathComponent("\(options.role.rawValue).safetensors") }

    /// Runs until a stopping rule fires; resumes from the checkpoint in `folder` when `resume`.
    @discardableResult
    public func run(resume: Bool, progress: (String) -> Void) throws -> [TrainingLogLine] {
        let trainer: Trainer
        var samples = 0, best = -1.0
        let resuming = resume && FileManager.default.fileExists(atPath: checkpointURL.path)
        if resuming {
            trainer = try Trainer(checkpoint: checkpointURL)
            trainer.loss = options.schedule.loss
            trainer.applyResumeLearningRate(options.schedule, progress: progress)
            samples = try TrainingBook.samplesSoFar(of: trainer.net, from: checkpointURL, schedule: options.schedule)
            best = Double(trainer.net.info["train.best_dsc"] ?? "") ?? -1
            progress("resuming from \(checkpointURL.path) at sample \(samples) (best validation DSC \(best))")
        } else {
            let net: UNet3D
            if let url = options.initialWeights {
                let (loaded, widened) = try options.initialNetwork(from: url)
                net = loaded
                samples = try TrainingBook.samplesSoFar(of: net, from: url, schedule: options.schedule)
                progress("starting from \(url.path) (sample \(samples), channels \(net.config.channels.map(String.init).joined(separator: ","))\(widened))")
            } else {
                let config = UNetConfig(inChannels: options.role.inChannels, outChannels: 1, channels: options.channels)
                net = UNet3D(config: config, seed: options.schedule.seed)
            }
            trainer = Trainer(net: net, optimizer: Adam(for: net, learningRate: options.schedule.learningRate),
                              virtualBatch: options.schedule.virtualBatch, loss: options.schedule.loss)
        }
        // Only now, with the network built: weights that cannot be loaded or widened leave no folder.
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var book = TrainingBook(folder: folder, weightsName: bestURL.lastPathComponent, schedule: options.schedule,
                                best: best, firstSample: samples)
        if !resuming { try book.startLog() }
        describe(trainer)
        var rng = SeededGenerator.derived(seed: options.schedule.seed, index: UInt64(samples))
        return try book.run(trainer, from: samples, progress: progress, step: {
            self.makeStep(self.train[Int(rng.next() % UInt64(self.train.count))], using: &rng)
        }, validate: validation.isEmpty ? nil : { self.validate(trainer.net) })
    }

    /// Records the recipe in the weights' metadata (provenance).
    func describe(_ trainer: Trainer) {
        let net = trainer.net
        net.info["role"] = options.role.rawValue
        net.info["input_names"] = options.role == .box ? "ct,box" : "ct"
        net.info["spacing"] = "1,1,1.5"
        net.info["crop"] = "128,128,128"
        trainer.recordRecipe("\(options.schedule.decayDescription)train crop \(options.trainCrop)"
                             + (options.appearance ? ", appearance augmentation" : ""))
        net.info["train.cases"] = String(Set(train.map(\.caseName)).count)
    }

    /// One training pair: a `trainCrop`³ cube of the sample (random offset, random left-right flip,
    /// slight intensity change) with a freshly drawn human-like box channel.
    func makeStep(_ s: TeacherSample, using rng: inout SeededGenerator) -> (Tensor, Tensor) {
        let size = s.region.size, n = options.trainCrop
        let room = SIMD3(size.i - n, size.j - n, size.k - n)
        // Keep the tumour centre well inside the cube: offsets near the middle of the room.
        func offset(_ r: Int) -> Int { r == 0 ? 0 : r / 2 + Int(rng.next() % UInt64(r / 2 + 1)) - r / 4 }
        let o = SIMD3(offset(room.x), offset(room.y), offset(room.z))
        let flip = rng.unit() < 0.5
        let gain = Float(rng.uniform(0.9...1.1)), bias = Float(rng.uniform(-0.1...0.1))
        var ct = cube(s.ct, size, o, n, flip).map { $0 * gain + bias }
        if options.appearance { AppearanceAugmentation().apply(&ct, size: GridSize(n, n, n), using: &rng) }
        var channels = [ct]
        if options.role == .box {
            let boxes = augment(s.boxes, spacing: s.spacing, size: s.imageSize, using: &rng)
            channels.append(cube(boxChannel(boxes, region: s.region), size, o, n, flip))
        }
        let cubeSize = GridSize(n, n, n)
        return (ChannelPacking.pack(channels, size: cubeSize),
                ChannelPacking.pack([cube(s.label, size, o, n, flip)], size: cubeSize))
    }

    /// Mean DSC over the validation tumours, each with fixed human-like boxes, on the full 128³ crop;
    /// the prediction is kept inside the box channel as `Postprocess` does at prediction time.
    func validate(_ net: UNet3D) -> Double {
        var total = 0.0
        for (index, s) in validation.enumerated() {
            var rng = SeededGenerator.derived(seed: 9_999, index: UInt64(index))
            var channels = [s.ct]
            var box: [Float]? = nil
            if options.role == .box {
                box = boxChannel(augment(s.boxes, spacing: s.spacing, size: s.imageSize, using: &rng), region: s.region)
                channels.append(box!)
            }
            guard let y = try? net.forward(ChannelPacking.pack(channels, size: s.region.size)) else { continue }
            let p = ChannelPacking.unpack(y, channel: 0)
            var inter = 0.0, sumP = 0.0, sumG = 0.0
            for v in 0..<p.count {
                let hit: Double = p[v] > 0.5 && (box?[v] ?? 1) > 0 ? 1 : 0
                inter += hit * Double(s.label[v]); sumP += hit; sumG += Double(s.label[v])
            }
            total += sumP + sumG > 0 ? 2 * inter / (sumP + sumG) : 1
        }
        return total / Double(validation.count)
    }
}

/// An n³ cube at offset `o` of a Volume-ordered block of `size`, optionally mirrored along i.
public func cube(_ src: [Float], _ size: GridSize, _ o: SIMD3<Int>, _ n: Int, _ flipI: Bool) -> [Float] {
    var out = [Float](repeating: 0, count: n * n * n)
    for c in 0..<n { for b in 0..<n {
        let srcRow = size.i * ((o.y + b) + size.j * (o.z + c)) + o.x, dstRow = n * (b + n * c)
        for a in 0..<n { out[dstRow + (flipI ? n - 1 - a : a)] = src[srcRow + a] }
    } }
    return out
}
