import ArgumentParser
import Foundation
import Volumes
import Workbench

/// `tutor annotate DATASET [--case ID] [--slice K]`: the workbench.
struct Annotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annotate",
        abstract: "Open the workbench: draw boxes on CT slices, get the teacher's mask, fix and accept it.",
        discussion: """
        DATASET is a case folder (ct.nii.gz, with boxes.json, proposal.nii.gz and label.nii.gz \
        written next to it as you work) or a folder of case folders. Everything is saved as you go; \
        reopening a case resumes at the slice and window where you left it. Press ? in the workbench \
        for the keys, : for commands. See Docs/workbench.md.
        """
    )

    @Argument(help: "A case folder, or a folder of case folders.")
    var dataset: String

    @Option(name: .customLong("case"), help: "Open this case (its folder name) first.")
    var caseID: String?

    @Option(name: .long, help: "Start at this axial slice (0-based, as in box files).")
    var slice: Int?

    @OptionGroup var workbench: WorkbenchOptions

    func run() throws {
        let cases = try FolderCase.cases(in: URL(fileURLWithPath: dataset))
        var start = 0
        if let caseID {
            guard let found = cases.firstIndex(where: { $0.id == caseID }) else {
                throw TutorError("\(dataset) has no case \"\(caseID)\"; it has \(cases.prefix(5).map(\.id).joined(separator: ", "))\(cases.count > 5 ? ", …" : "").")
            }
            start = found
        }
        let options = Session.Options(keymap: try Keymap.load(name: workbench.keys), colorMode: try workbench.colorMode(),
                                      startSlice: slice)
        let farewell = try Session(cases: cases, start: start, proposer: try workbench.proposer(), options: options).run()
        if !farewell.isEmpty { print(farewell) }
    }
}
