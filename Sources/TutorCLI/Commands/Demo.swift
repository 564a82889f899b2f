import ArgumentParser
import Dataset
import Foundation
import Phantom
import Volumes

/// `tutor demo`: the workbench on a sample dataset, made on first use.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the workbench on a sample dataset (made from synthetic chest CTs on first use).",
        discussion: """
        The first run makes four synthetic chest CTs (`tutor phantom`, seed 1) and a dataset of them \
        in DIR: one case with an expert label (strong), two with boxes drawn as a person would \
        (weak, ready for a proposal) and one with nothing yet, to draw boxes on. Later runs reopen \
        the same dataset where you left it. Proposals come from the bundled teacher network (on phantoms it \
        beats the threshold baseline). Press ? in the workbench for the keys.
        """)

    @Option(help: "Where the sample dataset lives (default: $XDG_DATA_HOME/tutor/demo or ~/.local/share/tutor/demo).")
    var dir: String?

    @OptionGroup var workbench: WorkbenchOptions

    func run() throws {
        let root = URL(fileURLWithPath: dir ?? Self.defaultFolder)
        let dataset = root.appendingPathComponent("dataset")
        if !FileManager.default.fileExists(atPath: dataset.appendingPathComponent(DatasetStore.indexName).path) {
            try Self.makeSample(in: root)
        }
        var annotate = try Annotate.parse([dataset.path])
        annotate.workbench = workbench
        try annotate.run()
    }

    static var defaultFolder: String {
        let env = ProcessInfo.processInfo.environment
        let data = env["XDG_DATA_HOME"] ?? ((env["HOME"] ?? NSTemporaryDirectory()) + "/.local/share")
        return data + "/tutor/demo"
    }

    /// Four phantoms → a dataset with a strong, two weak (human-like boxes) and one empty case.
    static func makeSample(in root: URL) throws {
        let phantoms = root.appendingPathComponent("phantoms")
        let dataset = root.appendingPathComponent("dataset")
        // A half-made sample (interrupted run) is made again from scratch.
        try? FileManager.default.removeItem(at: dataset)
        FileHandle.standardError.write(Data("tutor: making the sample dataset in \(root.path) (once; about a minute)…\n".utf8))
        try PhantomWriter.write(count: 4, first: 0, seed: 1, to: phantoms.path,
                                jobs: ProcessInfo.processInfo.activeProcessorCount) { _ in }
        let store = try DatasetStore.create(at: dataset.path, name: "tutor demo")
        func file(_ n: Int, _ name: String) -> String {
            phantoms.appendingPathComponent(String(format: "case_%04d", n)).appendingPathComponent(name).path
        }
        try store.importCases([
            CaseImport(id: "demo_strong", image: file(0, "ct.nii.gz"), label: file(0, "label.nii.gz")),
            CaseImport(id: "demo_boxed_1", image: file(1, "ct.nii.gz"), boxes: file(1, "boxes_human.json")),
            CaseImport(id: "demo_boxed_2", image: file(2, "ct.nii.gz"), boxes: file(2, "boxes_human.json")),
            CaseImport(id: "demo_new", image: file(3, "ct.nii.gz")),
        ], user: DatasetStore.defaultUser)
    }
}
