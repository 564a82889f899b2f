import ArgumentParser
import Foundation
import Volumes
import Workbench

/// `tutor review DATASET`: the review queue.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Walk the cases whose masks await review: accept, reject with a reason, or skip each.",
        discussion: """
        Opens every proposed case of DATASET in turn in the workbench. a accepts (the mask becomes \
        the case's label), r asks for a reason and rejects, s skips to the next case; the title bar \
        counts done and left. All workbench keys work too, so a mask can be fixed before accepting.
        """
    )

    @Argument(help: "A folder of case folders (or one case folder).")
    var dataset: String

    @OptionGroup var workbench: WorkbenchOptions

    func run() throws {
        let proposer = try workbench.proposer()
        let queue = try workbench.cases(in: dataset, teacher: proposer.engine.label, proposedOnly: true)
        guard !queue.isEmpty else {
            print("Nothing to review in \(dataset): no case has a proposal waiting.")
            return
        }
        let options = Session.Options(keymap: try Keymap.load(name: workbench.keys), colorMode: try workbench.colorMode(),
                                      review: true)
        let farewell = try Session(cases: queue, proposer: proposer, options: options).run()
        if !farewell.isEmpty { print(farewell) }
    }
}
