import ArgumentParser
import Dataset
import Foundation
import Volumes

/// `tutor dataset prioritise DIR [--student W] [--force]`: orders the review queue.
struct DatasetPrioritise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prioritise",
        abstract: "Compute where a second opinion is most needed, for every proposal awaiting review.",
        discussion: """
        For each proposed case the student segments the CT, and the index records the disagreement \
        1 − DSC between the teacher's proposal and the student's mask, and the teacher's uncertainty \
        inside the boxes (Docs/dataset.md). `tutor review` opens the highest disagreement first, ties by \
        uncertainty. Cases whose priority is current for this proposal and this student are skipped, so \
        an interrupted run resumes; --force recomputes all. Two cases run at a time.
        """)

    @Argument(help: "The dataset folder.") var dir: String
    @Option(help: "Student weights (.safetensors); default: the bundled student.") var student: String?
    @Flag(help: "Recompute priorities that are already current.") var force = false

    func run() throws {
        let store = try DatasetStore.open(dir)
        let summary = try Self.prioritise(store, student: student, force: force)
        if !summary.failed.isEmpty {
            throw TutorError("the student failed on \(summary.failed.count) case(s) of \(dir); the others were stored.")
        }
    }

    /// Runs `DatasetStore.prioritise` with a progress line and prints what it did (shared with pseudo-label).
    static func prioritise(_ store: DatasetStore, student: String?, force: Bool) throws -> PrioritiseSummary {
        let predictor = try StudentPredictor(student)
        let bar = ProgressLine()
        let summary = try store.prioritise(studentHash: predictor.hash, force: force, makePredictor: predictor.makePredictor,
                                           progress: { done, total, id in bar.show(done, total, id) })
        print(summary.line + " (student \(predictor.hash.prefix(8)))")
        for (id, reason) in summary.failed.sorted(by: { $0.key < $1.key }) { print("failed \(id): \(reason)") }
        return summary
    }
}
