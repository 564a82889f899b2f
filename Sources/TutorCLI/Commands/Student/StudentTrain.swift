import ArgumentParser
import Dataset
import Foundation
import Student
import Volumes

/// `tutor student train DATASET --variant baseline|so|do`.
struct StudentTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a student on strong (and accepted pseudo-strong) labels, cropped around each lung.",
        discussion: """
        DATASET is a dataset folder (`tutor dataset init`): strong cases, and for --variant so or do also \
        accepted cases, are the training data; with a stored split (`tutor dataset split`) train and val \
        are used and test is left alone, otherwise every tenth case validates. A plain folder of case \
        folders (ct.nii.gz + label.nii.gz, as `tutor phantom` writes) works too, all strong. \
        baseline: strong labels only. so: one output. do: a second decoder on the same encoder learns the per-slice \
        box mask of each tumour. Tumours are drawn balanced over size bins (diameter < 10, 10–20, 20–30, \
        30–50, ≥ 50 mm). Writes OUT/student-<variant>.safetensors (best by validation DSC), \
        OUT/checkpoint.safetensors (resume with --resume) and OUT/train-log.csv.
        """)

    @Argument(help: "A dataset folder, or a folder of case folders.") var dataset: String
    @Option(help: "baseline, so or do.") var variant: String = "so"
    @Option(help: "Output folder.") var out: String
    @OptionGroup var budget: StudentBudget
    @Flag(help: "Resume from OUT/checkpoint.safetensors.") var resume = false

    func run() throws {
        guard let v = StudentVariant(rawValue: variant) else { throw TutorError("--variant must be baseline, so or do, not '\(variant)'.") }
        let (train, validation) = try studentCases(dataset, pseudo: v.usesPseudoLabels)
        let log = { (line: String) in FileHandle.standardError.write(Data("\(line)\n".utf8)) }
        let trainSamples = loadSamples(train, log: log), validationSamples = loadSamples(validation, log: log)
        log("loaded \(train.count) training cases (\(train.filter(\.pseudo).count) pseudo-strong, \(trainSamples.count) lungs), \(validation.count) validation cases")
        if validationSamples.isEmpty {
            log("no validation cases: training runs for the whole --samples / --minutes budget and the last weights are kept")
        }
        let training = try StudentTraining(options: try budget.options(v), train: trainSamples, validation: validationSamples,
                                           folder: URL(fileURLWithPath: out))
        try training.run(resume: resume, progress: log)
        log("best weights: \(training.bestURL.path)")
    }
}

/// The training budget and network shape of a student run (shared by `student train` and `experiment`).
struct StudentBudget: ParsableArguments {
    @Option(help: "Channels per level, top first (five levels).") var channels: String = "4,8,16,32,64"
    @Option(help: "Side of the training cube cut from a lung crop (multiple of 16).") var crop: Int = 48
    @Option(help: "Share of training cubes centred on a tumour (the rest lie anywhere in a lung, where the student learns to stay quiet), 0 to 1.")
    var tumourShare: Double = 0.5
    @Option(help: "Share of the other cubes centred on dense tissue inside a lung (vessels and the like, where false alarms arise), 0 to 1.")
    var hardNegativeShare: Double = 0.5
    @Option(name: .customLong("init"), help: "Start from these student weights (the same variant) with a fresh optimiser; --channels is then the file's. Ignored with --resume once OUT has a checkpoint.")
    var initWeights: String?
    @OptionGroup var training: ScheduleOptions

    func options(_ variant: StudentVariant) throws -> StudentTrainingOptions {
        var o = StudentTrainingOptions()
        o.variant = variant
        o.channels = try parseChannels(channels)
        guard o.channels.count == 5 else { throw TutorError("--channels must list five levels for a student, e.g. 4,8,16,32,64.") }
        o.trainCrop = crop
        guard (0...1).contains(tumourShare) else { throw TutorError("--tumour-share must be between 0 and 1, not \(tumourShare).") }
        o.tumourShare = tumourShare
        guard (0...1).contains(hardNegativeShare) else { throw TutorError("--hard-negative-share must be between 0 and 1, not \(hardNegativeShare).") }
        o.hardNegativeShare = hardNegativeShare
        o.schedule = training.schedule
        if let initWeights {
            guard FileManager.default.fileExists(atPath: initWeights) else { throw TutorError("--init \(initWeights): no such weights file.") }
            o.initialWeights = URL(fileURLWithPath: initWeights)
        }
        return o
    }
}

/// Training and validation cases of a dataset folder or a plain folder of case folders.
func studentCases(_ path: String, pseudo: Bool) throws -> (train: [StudentCase], validation: [StudentCase]) {
    if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(DatasetStore.indexName)) {
        let store = try DatasetStore.open(path)
        let splits = try store.splits()
        var train: [StudentCase] = [], validation: [StudentCase] = []
        for (n, c) in try store.cases().enumerated() {
            guard c.state == .strong || (pseudo && c.state == .accepted), let mask = try store.maskPath(c.id) else { continue }
            let item = StudentCase(name: c.id, image: store.absolutePath(c.image), label: mask, pseudo: c.state == .accepted)
            switch splits.isEmpty ? (n % 10 == 0 ? .val : .train) : splits[c.id] {
            case .train: train.append(item)
            case .val: validation.append(item)
            default: break
            }
        }
        guard !train.isEmpty else { throw TutorError("\(path) has no \(pseudo ? "strong or accepted" : "strong") training cases.") }
        return (train, validation)
    }
    let folders = try caseFolders(path).filter {
        FileManager.default.fileExists(atPath: $0.appendingPathComponent("label.nii.gz").path)
    }
    let items = folders.map {
        StudentCase(name: $0.lastPathComponent, image: $0.appendingPathComponent("ct.nii.gz").path,
                    label: $0.appendingPathComponent("label.nii.gz").path, pseudo: false)
    }
    guard !items.isEmpty else { throw TutorError("\(path) holds no case folders with both ct.nii.gz and label.nii.gz.") }
    return (items.indices.filter { $0 % 10 != 0 || items.count == 1 }.map { items[$0] },
            items.indices.filter { $0 % 10 == 0 && items.count > 1 }.map { items[$0] })
}

/// The lung samples of many cases, two cases at a time; a case whose lungs cannot be found is skipped with a note.
func loadSamples(_ cases: [StudentCase], log: (String) -> Void) -> [StudentSample] {
    var all = [[StudentSample]](repeating: [], count: cases.count)
    var notes = [String?](repeating: nil, count: cases.count)
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: cases.count) { n in
        do {
            let s = try StudentSample.load(cases[n])
            lock.lock(); all[n] = s; lock.unlock()
        } catch {
            lock.lock(); notes[n] = "skipping \(cases[n].name): \(error)"; lock.unlock()
        }
    }
    notes.compactMap { $0 }.forEach(log)
    return all.flatMap { $0 }
}
