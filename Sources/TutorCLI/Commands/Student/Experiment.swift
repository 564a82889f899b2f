import ArgumentParser
import Evaluation
import Foundation
import Network
import Student
import Teacher
import Volumes

/// `tutor experiment scarce|vast DATASET`: the paper's Section 2.5 protocol, scaled down.
struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Teacher → pseudo-labels → baseline, SO and DO students, scored on a held-out test split.",
        discussion: """
        DATASET is a folder of case folders (ct.nii.gz, label.nii.gz and boxes_human.json or boxes.json, \
        as `tutor phantom` writes). Sorted by name, the last --test cases are the test split; of the rest, \
        the first are strong (expert masks) and the next weak (boxes only): scarce = 4 strong + 16 weak, \
        vast = 10 strong + 10 weak, unless --strong/--weak say otherwise. The teacher turns the weak \
        cases' boxes into pseudo-labels (all accepted: no reviewer in this loop); the baseline learns from \
        the strong cases, the SO and DO students from strong + pseudo-strong; the last strong case \
        validates all three. Each student gets the same budget. Scores (`tutor eval`'s metrics, on masks \
        made as `tutor segment` makes them, with the same options) go to stdout and OUT/experiment-SCENARIO.md. \
        To train the students side by side, run one process per student (--variants so, …) into the same \
        OUT, then once more with --trained for the whole table. --held-out scores on cases from \
        elsewhere (a phantom series of another seed) instead of the split's few test cases; --with adds, \
        for each variant, the ensemble of its students over several runs (other --seed values), which is \
        how `tutor segment` runs its bundled students.
        """)

    @Argument(help: "scarce or vast.") var scenario: String
    @Argument(help: "Folder of phantom case folders.") var dataset: String
    @Option(help: "Output folder (pseudo-labels, weights, logs, the table).") var out: String
    @Option(help: "Number of strong cases (default: 4 scarce, 10 vast).") var strong: Int?
    @Option(help: "Number of weak cases (default: 16 scarce, 10 vast).") var weak: Int?
    @Option(help: "Number of test cases.") var test: Int = 4
    @Option(help: "Teacher weights; default: the bundled teacher.") var teacherWeights: String?
    @Option(help: "Teacher method: net or threshold (default: net if weights exist).") var method: String?
    @Option(help: "The students to train and score, comma-separated (to train them side by side in separate processes).")
    var variants: String = "baseline,so,do"
    @Flag(help: "Score the students already trained in OUT (OUT/<variant>/student-<variant>.safetensors) instead of training them; the pseudo-labels they learned from (OUT/pseudo) are scored as they are, not made again.")
    var trained = false
    @Flag(help: "Score each student's last weights (its checkpoint), not the best by validation: a scarce strong set leaves one validation case, too few to rank weights by.")
    var final = false
    @Option(name: .customLong("held-out"), help: ArgumentHelp("Score on every case folder here (ct.nii.gz and label.nii.gz; cases neither the teacher nor the students saw, e.g. `tutor phantom --seed 5000`) instead of the split's test cases.", valueName: "dir"))
    var heldOut: String?
    @Option(name: .customLong("with"), help: ArgumentHelp("The OUT of another run of this experiment (same scenario and data, another --seed): each variant is also scored as the ensemble of its students here and there, as `tutor segment --weights A --weights B` runs them. Repeat for more runs.", valueName: "run"))
    var otherRuns: [String] = []
    @OptionGroup var budget: StudentBudget
    @OptionGroup(title: "Segmenting the test cases") var finishing: SegmentFlags

    func run() throws {
        guard scenario == "scarce" || scenario == "vast" else { throw TutorError("the scenario must be scarce or vast, not '\(scenario)'.") }
        let segmentOptions = try finishing.options()
        let chosen = try variants.split(separator: ",").map { name -> StudentVariant in
            guard let v = StudentVariant(rawValue: String(name)) else { throw TutorError("--variants lists baseline, so and do, not '\(name)'.") }
            return v
        }
        guard !chosen.isEmpty else { throw TutorError("--variants names no student.") }
        let nStrong = strong ?? (scenario == "scarce" ? 4 : 10), nWeak = weak ?? (scenario == "scarce" ? 16 : 10)
        let folders = try caseFolders(dataset)
        guard nStrong >= 2, nWeak >= 1, test >= 1, folders.count >= nStrong + nWeak + test else {
            throw TutorError("\(dataset) has \(folders.count) cases; the \(scenario) scenario needs \(nStrong) strong (at least 2) + \(nWeak) weak + \(test) test.")
        }
        let outURL = URL(fileURLWithPath: out)
        let pseudoFolder = outURL.appendingPathComponent("pseudo")
        func item(_ f: URL, label: URL? = nil) -> StudentCase {
            StudentCase(name: f.lastPathComponent, image: f.appendingPathComponent("ct.nii.gz").path,
                        label: (label ?? f.appendingPathComponent("label.nii.gz")).path, pseudo: label != nil)
        }
        let strongCases = folders[0..<nStrong].map { item($0) }
        let weakFolders = Array(folders[nStrong..<(nStrong + nWeak)])
        let scoringFolders = try heldOut.map { try labelledCaseFolders($0) } ?? Array(folders.suffix(test))
        let weightsName = final ? TrainingBook.checkpointName : nil
        func weights(_ run: URL, _ variant: StudentVariant) -> URL {
            run.appendingPathComponent(variant.rawValue).appendingPathComponent(weightsName ?? "\(variant.role).safetensors")
        }
        // The students to score must exist before the teacher runs, so that a typo costs nothing.
        for (run, flag) in (trained ? [(out, "--trained")] : []) + otherRuns.map({ ($0, "--with \($0)") }) {
            for variant in chosen where !FileManager.default.fileExists(atPath: weights(URL(fileURLWithPath: run), variant).path) {
                throw TutorError("\(flag): \(weights(URL(fileURLWithPath: run), variant).path) does not exist; train \(run == out ? "the" : "that run's") \(variant.rawValue) student first.")
            }
        }
        let log = { (line: String) in FileHandle.standardError.write(Data("\(line)\n".utf8)) }

        // Teacher → pseudo-labels (and how good they are, since the phantoms' truth is known).
        let proposer = try ProposalEngine(method: method.flatMap(TeacherMethod.init(rawValue:)), weights: teacherWeights.map { URL(fileURLWithPath: $0) }, warn: log)
        try FileManager.default.createDirectory(at: pseudoFolder, withIntermediateDirectories: true)   // after every check
        var pseudoCases: [StudentCase] = [], teacherScores: [CaseScores] = []
        let bar = ProgressLine()
        for (n, f) in weakFolders.enumerated() {
            let truth = try VolumeIO.read(f.appendingPathComponent("label.nii.gz").path)
            let target = pseudoFolder.appendingPathComponent("\(f.lastPathComponent).nii.gz")
            let mask: Volume
            // With --trained the students learned from these: score them, do not remake them with another teacher.
            let kept = trained && FileManager.default.fileExists(atPath: target.path)
            if kept {
                mask = try VolumeIO.read(target.path)
            } else {
                let ct = try VolumeIO.read(f.appendingPathComponent("ct.nii.gz").path)
                let human = f.appendingPathComponent("boxes_human.json"), tight = f.appendingPathComponent("boxes.json")
                let boxes = FileManager.default.fileExists(atPath: human.path) ? try BoxFile.load(json: human.path).boxes
                    : FileManager.default.fileExists(atPath: tight.path) ? try BoxFile.load(json: tight.path).boxes : axialBoxes(of: truth)
                mask = try proposer.propose(image: ct, boxes: boxes)
                try VolumeIO.write(mask, to: target.path, datatype: .uint8)
            }
            teacherScores.append(try score(prediction: mask, truth: truth, name: f.lastPathComponent))
            pseudoCases.append(item(f, label: target))
            bar.show(n + 1, weakFolders.count, kept ? "the run's pseudo-label of \(f.lastPathComponent)"
                                                    : "teacher (\(proposer.label)) on \(f.lastPathComponent)")
        }
        let teacherSummary = ScoreSummary(cases: teacherScores)
        log(String(format: "teacher pseudo-labels: DSC %.1f %% against the truth", 100 * teacherSummary.dsc.mean))

        // Lung samples are only needed to train.
        let samples = trained ? nil : (validation: loadSamples([strongCases.last!], log: log),
                                       strong: loadSamples(Array(strongCases.dropLast()), log: log),
                                       pseudo: loadSamples(pseudoCases, log: log))
        var rows: [(String, ScoreSummary)] = []
        for variant in chosen {
            let folder = outURL.appendingPathComponent(variant.rawValue)
            let own = weights(outURL, variant)
            if let samples {
                log("training the \(variant.rawValue) student")
                let train = variant.usesPseudoLabels ? samples.strong + samples.pseudo : samples.strong
                let training = try StudentTraining(options: try budget.options(variant), train: train,
                                                   validation: samples.validation, folder: folder)
                try training.run(resume: false, progress: log)
            }
            rows.append((variant.rawValue, try scores(of: [own], named: variant.rawValue, on: scoringFolders, options: segmentOptions)))
            if !otherRuns.isEmpty {
                let ensemble = [own] + otherRuns.map { weights(URL(fileURLWithPath: $0), variant) }
                let name = "\(variant.rawValue), \(ensemble.count) runs"
                rows.append((name, try scores(of: ensemble, named: name, on: scoringFolders, options: segmentOptions)))
            }
        }
        let scoredOn = heldOut.map { "scored on \(scoringFolders.count) held-out cases (\(URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent))" }
            ?? "scored on the \(test) test cases"
        let table = experimentTable(rows: rows, teacher: teacherSummary, strong: nStrong, weak: nWeak, test: test,
                                    scoredOn: scoredOn, segmented: segmentOptions)
        print(table)
        try table.write(to: outURL.appendingPathComponent("experiment-\(scenario).md"), atomically: true, encoding: .utf8)
    }

    /// The students' scores on `cases`, segmenting as `tutor segment` does (several students: their mean).
    func scores(of students: [URL], named name: String, on cases: [URL], options: SegmentOptions) throws -> ScoreSummary {
        let segmenter = Segmenter(students: try students.map { try StudentNetwork(contentsOf: $0) }, mirror: finishing.mirror)
        let bar = ProgressLine()
        return ScoreSummary(cases: try cases.enumerated().map { n, f -> CaseScores in
            let ct = try VolumeIO.read(f.appendingPathComponent("ct.nii.gz").path)
            let truth = try VolumeIO.read(f.appendingPathComponent("label.nii.gz").path)
            let result = try score(prediction: segmenter.segment(ct: ct, options: options, name: f.path), truth: truth, name: f.lastPathComponent)
            bar.show(n + 1, cases.count, "scored \(name) on \(f.lastPathComponent)")
            return result
        })
    }

    func experimentTable(rows: [(String, ScoreSummary)], teacher: ScoreSummary, strong: Int, weak: Int, test: Int,
                         scoredOn: String, segmented o: SegmentOptions) -> String {
        var lines = ["\(scenario): \(strong) strong (1 of them validation), \(weak) weak, \(test) test cases; \(scoredOn); " +
                     "teacher pseudo-label DSC \(teacher.dsc.percentText) %; segmented with threshold \(o.threshold), radius \(o.radiusMM) mm, " +
                     "lung filter \(o.lungFilter ? "on" : "off")" + (o.confidence > o.threshold ? ", confidence \(o.confidence)" : "") +
                     "; \(final ? "last" : "best (by validation)") weights", "",
                     "| Model | DSC | DSC-TP | F1-score | Recall | Precision |", "| --- | --- | --- | --- | --- | --- |"]
        for (name, s) in rows {
            lines.append("| \(name) | \(s.dsc.percentText) | \(s.dscTP.percentText) | \(s.f1.percentText) | \(s.recall.percentText) | \(s.precision.percentText) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
