import ArgumentParser
import Evaluation
import Foundation
import Network
import Student
import Volumes

/// `tutor student tune WEIGHTS CASES`: choose how a student's probabilities become masks.
struct StudentTune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose a student's segmenting options on labelled cases and store them in its weights.",
        discussion: """
        As nnU-Net chooses its postprocessing on validation data: the student segments every case of \
        CASES (a folder of case folders with ct.nii.gz and label.nii.gz, none of them trained on) once, \
        each combination of --confidence (0, 0.9, 0.95, 0.98), --radius (0, 2 mm) and --lung-filter \
        (off, on) is scored, and the table is printed best first (by the mean of mean DSC and mean F1). The best is \
        stored in the weights' metadata (OUT, or WEIGHTS itself), and `tutor segment` uses it for the \
        options it is not given.
        """)

    @Argument(help: "Student weights (.safetensors).") var weights: String
    @Argument(help: "A folder of labelled case folders the student was not trained on.") var cases: String
    @Option(help: "Write the weights with the chosen options here (default: replace WEIGHTS).") var out: String?

    func run() throws {
        let url = URL(fileURLWithPath: weights)
        let student = try StudentNetwork(contentsOf: url)
        let folders = try caseFolders(cases).filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("label.nii.gz").path) }
        guard !folders.isEmpty else { throw TutorError("\(cases) holds no case folders with both ct.nii.gz and label.nii.gz.") }
        let bar = ProgressLine()
        let results = try FinishingSearch(segmenter: Segmenter(student: student)).run(count: folders.count, load: { n in
            (name: folders[n].lastPathComponent, ct: try VolumeIO.read(folders[n].appendingPathComponent("ct.nii.gz").path),
             truth: try VolumeIO.read(folders[n].appendingPathComponent("label.nii.gz").path))
        }) { done, total in bar.show(done, total, "segmented \(folders[done - 1].lastPathComponent)") }
        print("| options | DSC | DSC-TP | F1-score | Recall | Precision |\n| --- | --- | --- | --- | --- | --- |")
        for r in results {
            let s = r.summary
            print("| `\(r.options.commandLine)` | \(s.dsc.percentText) | \(s.dscTP.percentText) | \(s.f1.percentText) | \(s.recall.percentText) | \(s.precision.percentText) |")
        }
        let best = results[0]
        let net = try UNet3D(contentsOf: url)
        for (key, value) in best.options.metadata { net.info[key] = value }
        net.info["segment.tuned_on"] = String(format: "%d cases of %@: DSC %.4f, F1 %.4f", folders.count, cases,
                                              best.summary.dsc.mean, best.summary.f1.mean)
        let target = out.map { URL(fileURLWithPath: $0) } ?? url
        try net.save(to: target)
        FileHandle.standardError.write(Data("stored `\(best.options.commandLine)` in \(target.path)\n".utf8))
    }
}
