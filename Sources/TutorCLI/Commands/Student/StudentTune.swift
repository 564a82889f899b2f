import ArgumentParser
import Evaluation
import Foundation
import Network
import Student
import Volumes

/// `tutor student tune WEIGHTS... CASES`: choose how a student's (or an ensemble's) probabilities become masks.
struct StudentTune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Choose how a student (or an ensemble of students) segments, on labelled cases, and store it in the weights.",
        discussion: """
        As nnU-Net chooses its postprocessing on validation data: the student (several WEIGHTS: their \
        ensemble, probabilities averaged) segments every case of \
        CASES (a folder of case folders with ct.nii.gz and label.nii.gz, none of them trained on) once, \
        each combination of --confidence (0, 0.9, 0.95, 0.98), --radius (0, 2 mm) and --lung-filter \
        (off, on) is scored, and the table is printed best first (by the mean of mean DSC and mean F1). The best is \
        stored in the metadata of the first weights (OUT, or that file itself), and `tutor segment` \
        uses it for the options it is not given. --no-mirror tunes for `tutor segment --no-mirror`.
        """)

    @Argument(help: ArgumentHelp("Student weights (.safetensors), one or more, then a folder of labelled case folders none of them was trained on.",
                                 valueName: "weights... cases"))
    var paths: [String]
    @Option(help: "Write the first weights with the chosen options here (default: replace that file).") var out: String?
    @Flag(inversion: .prefixedNo, help: "Tune with left-right mirroring, as `tutor segment` runs by default.") var mirror = true

    func validate() throws {
        guard paths.count >= 2 else { throw ValidationError("give the student weights, then the folder of labelled cases.") }
    }

    func run() throws {
        let cases = paths.last!, urls = paths.dropLast().map { URL(fileURLWithPath: $0) }
        let url = urls[0]
        let students = try urls.map { try StudentNetwork(contentsOf: $0) }
        let folders = try labelledCaseFolders(cases)
        let bar = ProgressLine()
        let results = try FinishingSearch(segmenter: Segmenter(students: students, mirror: mirror)).run(count: folders.count, load: { n in
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
        // The folder's name, not its path: weights travel, and a path on the machine that tuned
        // them says nothing elsewhere.
        net.info["segment.tuned_on"] = String(format: "%d cases of %@%@%@: DSC %.4f, F1 %.4f", folders.count,
                                              URL(fileURLWithPath: cases).standardizedFileURL.lastPathComponent,
                                              urls.count > 1 ? ", an ensemble of \(urls.count) students" : "",
                                              mirror ? ", mirrored" : "", best.summary.dsc.mean, best.summary.f1.mean)
        let target = out.map { URL(fileURLWithPath: $0) } ?? url
        try net.save(to: target)
        FileHandle.standardError.write(Data("stored `\(best.options.commandLine)` in \(target.path)\n".utf8))
    }
}
