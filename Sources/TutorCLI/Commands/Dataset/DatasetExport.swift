import ArgumentParser
import Dataset
import Volumes

/// `tutor dataset export DIR --format nnunet|msd|monai|boxes --out OUT [--include strong,pseudo]`
struct DatasetExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a reproducible snapshot of a dataset in a training layout.",
        discussion: """
        nnunet: nnU-Net v2 raw (imagesTr/ID_0000.nii.gz, labelsTr/ID.nii.gz, dataset.json). msd: the Decathlon \
        layout. monai: images/, labels/ and a datalist.json following the split. boxes: boxes.csv, json/ and \
        Pascal VOC voc/. Only accepted teacher masks leave with 'pseudo'. manifest.json records every case's \
        supervision and provenance; the same dataset state gives byte-identical files and manifest hash.
        """)

    @Argument(help: "The dataset folder.")
    var dir: String

    @Option(help: "nnunet, msd, monai or boxes.")
    var format: String

    @Option(help: "The folder to write (must not exist, or be empty).")
    var out: String

    @Option(help: "Which cases: strong, pseudo, weak, comma-separated (default: strong; boxes: all three).")
    var include: String?

    func run() throws {
        guard let f = ExportFormat(rawValue: format) else {
            throw TutorError("Unknown export format \"\(format)\"; use nnunet, msd, monai or boxes.")
        }
        var levels: Set<Supervision> = f == .boxes ? Set(Supervision.allCases) : [.strong]
        if let include {
            levels = try Set(include.split(separator: ",").map { word in
                guard let s = Supervision(rawValue: word.trimmingCharacters(in: .whitespaces)) else {
                    throw TutorError("Unknown --include level \"\(word)\"; use strong, pseudo or weak.")
                }
                return s
            })
        }
        let result = try DatasetStore.open(dir).export(f, to: out, include: levels)
        print("Exported \(result.cases) cases to \(result.folder) (manifest sha256 \(result.manifestSHA256)).")
    }
}
