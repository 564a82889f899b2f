import ArgumentParser
import Evaluation
import Foundation
import Volumes

/// `tutor eval --pred P --truth T`: the paper's scores for predicted masks against true ones.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score predicted tumour masks against true ones: DSC, DSC-TP, F1, recall, precision.",
        discussion: """
        P and T are both mask files, or both folders whose cases match by name (NAME.nii.gz, or a \
        folder NAME/ holding the mask, e.g. the case folders `tutor phantom` writes). Objects are \
        26-connected components; a predicted object finds a true one when it covers at least 25 % of \
        the true object's voxels. DSC-TP is the DSC of the found objects only, over the cases where \
        any was found. Prints one row per case and the mean ± std (population) in percent.
        """)

    @Option(help: "The predicted mask file, or a folder of them.")
    var pred: String

    @Option(help: "The true mask file, or a folder of them.")
    var truth: String

    @Flag(help: "Print JSON (scores as fractions in 0…1) instead of the table.")
    var json = false

    func run() throws {
        let pairs = try CasePairing.pairs(prediction: pred, truth: truth)
        let cases = try pairs.map { pair in
            try score(prediction: VolumeIO.read(pair.prediction), truth: VolumeIO.read(pair.truth), name: pair.name)
        }
        let summary = ScoreSummary(cases: cases)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        } else {
            print(summary.table)
        }
    }
}
