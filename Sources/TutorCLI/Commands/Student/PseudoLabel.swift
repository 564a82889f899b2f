import ArgumentParser
import Dataset
import Foundation
import Teacher
import Volumes

/// `tutor pseudo-label DATASET`: the teacher over every weak case, as proposals to review.
struct PseudoLabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pseudo-label",
        abstract: "Run the teacher over every weak case with boxes and store its masks as proposals.",
        discussion: """
        Cases with boxes that are not strong and not accepted get a proposal, recorded with the \
        teacher's weights hash and the box revision it was made from. A case that already has a \
        proposal from these weights and its current boxes is skipped, so an interrupted run resumes \
        where it stopped. Two cases run at a time. With --accept each proposal is accepted at once \
        (and pending proposals from the current boxes too); the audit log records that no one reviewed it. \
        With --prioritise (or --student W) the student then orders the review queue, as \
        `tutor dataset prioritise` does.
        """)

    @Argument(help: "The dataset folder (made with `tutor dataset init`).") var dataset: String
    @Flag(help: "Accept the proposals without review (recorded as such in the audit log).") var accept = false
    @Option(help: "Teacher weights (.safetensors); default: the bundled teacher.") var weights: String?
    @Option(help: "net (the teacher network) or threshold (the classical baseline); default: net if weights exist.")
    var method: String?
    @Option(help: "The user recorded in the audit log (default: $USER, else $LOGNAME, else your account name).") var user: String = DatasetStore.defaultUser
    @Flag(help: "Then compute review priorities (teacher vs student disagreement) for the pending proposals.")
    var prioritise = false
    @Option(help: "The student for --prioritise (.safetensors; implies it); default: the bundled student.")
    var student: String?

    func run() throws {
        let chosen: TeacherMethod?
        if let method {
            guard let m = TeacherMethod(rawValue: method) else { throw TutorError("--method must be net or threshold, not '\(method)'.") }
            chosen = m
        } else { chosen = nil }
        let prioritising = prioritise || student != nil
        if prioritising && accept {
            throw TutorError("--prioritise orders the review queue, and --accept leaves nothing to review; use one of them.")
        }
        if prioritising { _ = try StudentPredictor(student) }   // a bad --student fails now, not after the teacher
        let store = try DatasetStore.open(dataset)
        let url = weights.map { URL(fileURLWithPath: $0) }
        var warned = false
        let bar = ProgressLine()
        let summary = try store.pseudoLabel(
            makeEngine: {
                try ProposalEngine(method: chosen, weights: url) { message in
                    if !warned { FileHandle.standardError.write(Data("tutor: \(message)\n".utf8)); warned = true }
                }
            },
            accept: accept, user: user, progress: { done, total, id in bar.show(done, total, id) })
        print(summary.line)
        for (id, reason) in summary.failed.sorted(by: { $0.key < $1.key }) { print("failed \(id): \(reason)") }
        let ordered = prioritising ? try DatasetPrioritise.prioritise(store, student: student, force: false) : nil
        if !summary.failed.isEmpty {
            throw TutorError("the teacher failed on \(summary.failed.count) case(s) of \(dataset); the others were stored.")
        }
        if let ordered, !ordered.failed.isEmpty {
            throw TutorError("the student failed on \(ordered.failed.count) case(s) of \(dataset); their proposals wait unprioritised.")
        }
    }
}
