import ArgumentParser
import Foundation
import Teacher
import Volumes

/// `tutor teacher train DATASET`: the paper's teacher recipe on a folder of labelled cases.
struct TeacherTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a box-guided (or point-guided) teacher on labelled cases.",
        discussion: """
        DATASET is a folder of case folders, each with ct.nii.gz and label.nii.gz (what \
        `tutor phantom` writes). Every tenth case is held out for validation. Each step draws a \
        fresh human-like box channel (loose, shifted, skipped slices) from the label's tight boxes. \
        Writes OUT/teacher-box.safetensors (best by validation DSC), OUT/checkpoint.safetensors \
        (resume with --resume) and OUT/train-log.csv.
        """)

    @Argument(help: "Folder of case folders with ct.nii.gz and label.nii.gz.") var dataset: String
    @Option(help: "Output folder.") var out: String
    @Option(help: "box (CT + box channel) or point (CT only).") var role: String = "box"
    @Option(help: "Channels per level, top first (default 8,16,32,64; with --init, the file's, and more widens its network without changing what it computes).")
    var channels: String?
    @Option(help: "Side of the training cube cut from each 128³ crop (multiple of 8).") var crop: Int = 128
    @Option(help: "Leave out tumours smaller than this many millilitres (fragments, specks).") var minML: Double = 0.05
    @OptionGroup var budget: ScheduleOptions
    @Flag(help: "Resume from OUT/checkpoint.safetensors.") var resume = false
    @Flag(help: "Also blur, add noise and change contrast now and then (nnU-Net's appearance augmentations), so the network leans less on the phantoms' exact look.")
    var appearance = false
    @Option(name: .customLong("init"), help: "Start from these weights (e.g. the bundled teacher) with a fresh optimiser, to fine-tune. Ignored with --resume once OUT has a checkpoint.")
    var initWeights: String?

    func run() throws {
        var options = TeacherTrainingOptions()
        guard let r = TeacherRole(rawValue: "teacher-" + role) else { throw TutorError("--role must be box or point, not '\(role)'.") }
        options.role = r
        if let channels {
            options.channels = try parseChannels(channels)
            if initWeights != nil { options.widenTo = options.channels }
        }
        options.trainCrop = crop
        options.appearance = appearance
        options.schedule = budget.schedule
        if let initWeights {
            guard FileManager.default.fileExists(atPath: initWeights) else {
                throw TutorError("--init \(initWeights): no such weights file.")
            }
            options.initialWeights = URL(fileURLWithPath: initWeights)
            // Refuse weights that cannot be read, are no such teacher or cannot be widened before
            // the minute of loading cases.
            _ = try options.initialNetwork(from: URL(fileURLWithPath: initWeights))
        }
        let folders = try caseFolders(dataset)
        let started = Date()
        var all = [[TeacherSample]](repeating: [], count: folders.count)
        var failure: Error?
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: folders.count) { n in
            var rng = SeededGenerator.derived(seed: budget.seed, index: UInt64(n))
            do {
                let s = try TeacherSample.load(caseFolder: folders[n], crop: TeacherCrop(), jitterMM: 3, using: &rng)
                    .filter { $0.tumourML >= minML }
                lock.lock(); all[n] = s; lock.unlock()
            } catch { lock.lock(); failure = error; lock.unlock() }
        }
        if let failure { throw failure }
        let validation = stride(from: 0, to: all.count, by: 10).flatMap { all[$0] }
        let train = all.indices.filter { $0 % 10 != 0 }.flatMap { all[$0] }
        log(String(format: "loaded %d cases (%d training, %d validation tumours) in %.1f s",
                   folders.count, train.count, validation.count, Date().timeIntervalSince(started)))
        let training = try TeacherTraining(options: options, train: train, validation: validation,
                                           folder: URL(fileURLWithPath: out))
        try training.run(resume: resume, progress: log)
        log("best weights: \(training.bestURL.path)")
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
}
