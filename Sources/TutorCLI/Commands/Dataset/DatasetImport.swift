import ArgumentParser
import Dataset
import Volumes

/// `tutor dataset import DIR --case ID --image CT [--label MASK | --boxes FILE]`, or whole folders.
struct DatasetImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy cases into a dataset: one case, an MSD task folder, or a folder of image/label pairs.",
        discussion: """
        A label makes a strong case; a box file (JSON, CSV, Pascal VOC .xml or a folder of .xml, one per \
        slice) a weak one; an image alone a weak case with nothing yet. With --boxes-from-label the label only \
        yields per-slice boxes (one per slice per tumour) and the case is weak; the label is kept for evaluation.
        Every case is checked before anything is written: on any error nothing is imported.
        """)

    @Argument(help: "The dataset folder.")
    var dir: String

    @Option(name: .customLong("case"), help: "The new case's ID (letters, digits, '.', '_', '-').")
    var caseID: String?

    @Option(help: "The case's CT image (.nii or .nii.gz).")
    var image: String?

    @Option(help: "An expert mask on the image's grid.")
    var label: String?

    @Option(help: "A box file: .json, .csv, .xml, or a folder of Pascal VOC .xml files.")
    var boxes: String?

    @Option(help: "The patient ID (default: the case ID); splits keep a patient's scans together.")
    var patient: String?

    @Flag(help: "Derive the case's boxes from its label and import it as weak.")
    var boxesFromLabel = false

    @Option(help: "Import every case of an MSD task folder (imagesTr, labelsTr, dataset.json).")
    var msd: String?

    @Option(help: "Import a folder with images/ and optional labels/ or boxes/ holding files of the same names, or a folder of case folders (NAME/ct.nii.gz with label.nii.gz or boxes.json, as `tutor phantom` writes).")
    var pairs: String?

    @OptionGroup var who: UserOption

    func validate() throws {
        let sources = [msd != nil, pairs != nil, image != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("Give exactly one of --image (with --case), --msd or --pairs.") }
        if image != nil && caseID == nil { throw ValidationError("--image needs --case ID.") }
        if image == nil && (caseID != nil || label != nil || boxes != nil || patient != nil) {
            throw ValidationError("--case, --label, --boxes and --patient go with --image.")
        }
    }

    func run() throws {
        let store = try DatasetStore.open(dir)
        let items: [CaseImport]
        if let msd {
            items = try DatasetStore.msdTask(msd, boxesFromLabel: boxesFromLabel)
        } else if let pairs {
            items = try DatasetStore.imageLabelPairs(pairs, boxesFromLabel: boxesFromLabel)
        } else {
            items = [CaseImport(id: caseID!, image: image!, label: label, boxes: boxes, patient: patient,
                                boxesFromLabel: boxesFromLabel)]
        }
        guard !items.isEmpty else { throw TutorError("There are no cases to import in \(msd ?? pairs ?? "")." ) }
        let imported = try store.importCases(items, user: who.user)
        for c in imported { print("\(c.id): \(c.state.rawValue)") }
        print("Imported \(imported.count) case\(imported.count == 1 ? "" : "s") into \(store.root).")
    }
}
