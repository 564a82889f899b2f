import ArgumentParser
import Dataset
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

        In a dataset store the queue starts where a second opinion is most needed: the highest \
        disagreement (1 − DSC) between the teacher's proposal and the student's prediction first, ties \
        by the teacher's uncertainty (computed by `tutor dataset prioritise`); cases not prioritised yet \
        come last. The reason is shown for each case; --list prints the queue without opening it.
        """
    )

    @Argument(help: "A dataset folder, a folder of case folders, or one case folder.")
    var dataset: String

    @Option(help: "priority (highest disagreement first, ties by teacher uncertainty) or name (by case ID).")
    var order: String = ReviewOrder.priority.rawValue

    @Flag(help: "Print the queue, its order and the reason for each place, and exit.")
    var list = false

    @Option(help: "The student priorities should come from (.safetensors); default: the bundled student. Others are marked.")
    var student: String?

    @OptionGroup var workbench: WorkbenchOptions

    func run() throws {
        guard let order = ReviewOrder(rawValue: order) else {
            throw TutorError("--order must be priority or name, not '\(order)'.")
        }
        let isStore = FileManager.default.fileExists(atPath: URL(fileURLWithPath: dataset).appendingPathComponent(DatasetStore.indexName).path)
        if list {
            guard isStore else { throw TutorError("\(dataset) is not a dataset store; only a store (tutor dataset init) keeps a review queue to list.") }
            print(Self.table(try DatasetStore.open(dataset, readOnly: true)
                .reviewQueue(order: order, studentHash: try StudentPredictor.expectedHash(student)), order: order, dataset: dataset))
            return
        }
        let proposer = try workbench.proposer()
        let queue: [CaseSource], reasons: [QueueReason]
        if isStore {
            let store = try DatasetStore.open(dataset)
            let entries = try store.reviewQueue(order: order, studentHash: try StudentPredictor.expectedHash(student))
            queue = entries.map { StoreCase(store: store, id: $0.caseID, user: workbench.user ?? DatasetStore.defaultUser,
                                            teacher: proposer.engine.label) }
            reasons = entries.map { QueueReason(short: $0.shortReason, full: $0.reason) }
        } else {
            queue = try workbench.cases(in: dataset, teacher: proposer.engine.label, proposedOnly: true)
            reasons = []
        }
        guard !queue.isEmpty else {
            print("Nothing to review in \(dataset): no case has a proposal waiting.")
            return
        }
        var options = Session.Options(keymap: try Keymap.load(name: workbench.keys), colorMode: try workbench.colorMode(),
                                      review: true)
        options.queueReasons = reasons
        let farewell = try Session(cases: queue, proposer: proposer, options: options).run()
        if !farewell.isEmpty { print(farewell) }
    }

    /// The queue as a table for people and scripts: one line per case, in review order.
    static func table(_ entries: [ReviewQueueEntry], order: ReviewOrder, dataset: String) -> String {
        let how = order == .priority ? "highest disagreement first, ties by teacher uncertainty" : "by case ID"
        var lines = ["review queue of \(dataset): \(entries.count) proposed, order \(order.rawValue) (\(how))"]
        guard !entries.isEmpty else { return lines[0] }
        let width = max(4, entries.map(\.caseID.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        func right(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
        lines.append("   # " + pad("case", width) + "  disagreement   DSC  uncertainty  note")
        for (n, e) in entries.enumerated() {
            let p = e.ranked
            let cells = [p.map { String(format: "%.2f", $0.disagreement) } ?? "-", p.map { String(format: "%.2f", $0.dice) } ?? "-",
                         p.map { String(format: "%.2f", $0.uncertainty) } ?? "-"]
            let line = right("\(n + 1)", 4) + " " + pad(e.caseID, width) + "  " + right(cells[0], 12) + "  "
                + right(cells[1], 4) + "  " + right(cells[2], 11) + "  " + e.note
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))   // no trailing blanks
        }
        return lines.joined(separator: "\n")
    }
}
