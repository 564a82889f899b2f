import ArgumentParser
import Foundation
import Network
import Volumes

// Argument forms several commands share (training, evaluation, benchmarks).

/// "8,16,32,64" → [8, 16, 32, 64], or a clear error.
func parseChannels(_ text: String) throws -> [Int] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false)
    let list = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !list.isEmpty, list.count == parts.count, list.allSatisfy({ $0 > 0 }) else {
        throw TutorError("'\(text)' is not a comma list of positive channel counts such as 8,16,32,64.")
    }
    return list
}

/// The case folders (those holding ct.nii.gz) of `path`: `path` itself when it is one, else the
/// folders directly inside it, sorted by name.
func caseFolders(_ path: String) throws -> [URL] {
    let root = URL(fileURLWithPath: path)
    func isCase(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.appendingPathComponent("ct.nii.gz").path) }
    if isCase(root) { return [root] }
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
        throw TutorError("\(path) is not a readable folder.")
    }
    let folders = names.sorted().map { root.appendingPathComponent($0) }.filter(isCase)
    guard !folders.isEmpty else { throw TutorError("\(path) holds no case folders with a ct.nii.gz.") }
    return folders
}

/// The case folders of `path` (as `caseFolders`) that also hold a label.nii.gz, the cases that can
/// be scored, or an error when there are none.
func labelledCaseFolders(_ path: String) throws -> [URL] {
    let labelled = try caseFolders(path).filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("label.nii.gz").path) }
    guard !labelled.isEmpty else { throw TutorError("\(path) holds no case folders with both ct.nii.gz and label.nii.gz.") }
    return labelled
}

/// The training schedule options of `teacher train`, `student train` and `experiment`.
struct ScheduleOptions: ParsableArguments {
    @Option(help: "Adam learning rate (default: 1e-4; with --resume, the checkpoint's unless given).") var lr: Float?
    @Option(help: "Samples whose gradients are accumulated before each Adam step (the paper: 8).") var virtualBatch: Int = 8
    @Option(help: "Stop once the network has seen this many samples in all: with --resume or --init, the samples its weights were trained on count too.") var samples: Int = 4000
    @Option(help: "Stop after this many minutes.") var minutes: Double = 60
    @Option(help: "Stop after this many validations without improvement.") var patience: Int = 8
    @Option(help: "Validate (and checkpoint) every this many samples.") var validateEvery: Int = 80
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Loss: dice (the paper's) or dice+ce (Dice + cross-entropy, nnU-Net's; teaches a network to stay quiet where there is no tumour).")
    var loss: String = "dice"
    @Option(help: "Learning rate over the run: constant (the paper's) or poly (nnU-Net's: falls to zero at --samples, so the last weights are settled ones; a run from --init starts part-way down the curve).")
    var lrDecay: String = "constant"

    func validate() throws {
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number, not \(lr).") }
        for (name, value) in [("--virtual-batch", virtualBatch), ("--samples", samples), ("--patience", patience),
                              ("--validate-every", validateEvery)] where value < 1 {
            throw ValidationError("\(name) must be at least 1, not \(value).")
        }
        guard minutes > 0 && minutes.isFinite else { throw ValidationError("--minutes must be a positive number, not \(minutes).") }
        guard TrainingLoss(rawValue: loss) != nil else {
            throw ValidationError("--loss must be dice or dice+ce, not '\(loss)'.")
        }
        guard LearningRateDecay(rawValue: lrDecay) != nil else {
            throw ValidationError("--lr-decay must be constant or poly, not '\(lrDecay)'.")
        }
    }

    var schedule: TrainingSchedule {
        var s = TrainingSchedule()
        s.learningRate = lr ?? 1e-4; s.learningRateOnResume = lr; s.virtualBatch = virtualBatch; s.maxSamples = samples; s.maxMinutes = minutes
        s.patience = patience; s.validateEvery = validateEvery; s.seed = seed
        s.loss = TrainingLoss(rawValue: loss) ?? .dice
        s.decay = LearningRateDecay(rawValue: lrDecay) ?? .constant
        return s
    }
}
