import Foundation
import Teacher
import Volumes

/// What one `pseudoLabel` run did.
public struct PseudoLabelSummary: Sendable, Equatable {
    /// Cases given a new proposal (and accepted too, with `accept`).
    public var proposed: [String] = []
    /// Cases accepted without review (new proposals, and pending ones made from the current boxes).
    public var accepted: [String] = []
    /// Cases that already had a proposal from these weights and this box revision, or are accepted.
    public var upToDate: [String] = []
    /// Cases the teacher failed on, with the reason; the others went on.
    public var failed: [String: String] = [:]
    public init() {}

    public var line: String {
        "\(proposed.count) proposed, \(accepted.count) accepted, \(upToDate.count) already up to date, \(failed.count) failed"
    }
}

extension DatasetStore {
    /// Weak-labelled cases the teacher should see: with boxes, not strong, not accepted, and without a
    /// proposal made by `weightsHash` from the case's current box revision (that is how a rerun resumes).
    /// `upToDate` lists the accepted cases and those whose proposal is already current.
    /// `pendingCurrent` lists proposed cases whose proposal is already current (to accept with `--accept`).
    public func pseudoLabelWork(weightsHash: String) throws -> (todo: [DatasetCase], pendingCurrent: [String], upToDate: [String]) {
        var todo: [DatasetCase] = [], pending: [String] = [], done: [String] = []
        for c in try cases() where c.boxesPath != nil && c.state != .strong {
            // An accepted case keeps its pseudo-strong label; re-proposing would undo a review.
            if c.state == .accepted { done.append(c.id); continue }
            let current = try files(c.id).contains {
                $0.kind == "proposal" && $0.weightsHash == weightsHash && $0.boxRevision == c.boxRevision
            }
            if !current { todo.append(c) } else if c.state == .proposed { pending.append(c.id) } else { done.append(c.id) }
        }
        return (todo, pending, done)
    }

    /// Runs the teacher over every weak case with boxes, two cases at a time, storing each mask as a
    /// proposal (provenance: the teacher's weights hash and the box revision). With `accept`, each
    /// proposal is accepted at once and the audit log says it was accepted without review.
    /// `makeEngine` is called once per worker (an engine caches one image). `progress(done, total, id)`.
    public func pseudoLabel(makeEngine: () throws -> ProposalEngine, accept: Bool, user: String, workers: Int = 2,
                            progress: (Int, Int, String) -> Void = { _, _, _ in }) throws -> PseudoLabelSummary {
        let engines = try (0..<max(1, workers)).map { _ in try makeEngine() }
        let hash = engines[0].teacher?.weightsHash ?? "threshold"
        let work = try pseudoLabelWork(weightsHash: hash)
        var summary = PseudoLabelSummary()
        summary.upToDate = work.upToDate
        if accept {
            for id in work.pendingCurrent { try acceptUnreviewed(id, user: user); summary.accepted.append(id) }
        } else {
            summary.upToDate += work.pendingCurrent
        }
        let lock = NSLock()
        var done = 0
        let todo = work.todo
        DispatchQueue.concurrentPerform(iterations: engines.count) { worker in
            var n = worker
            while n < todo.count {
                let c = todo[n]
                var failure: String? = nil
                do {
                    let image = try VolumeIO.read(absolutePath(c.image))
                    guard let boxes = try self.boxes(c.id)?.boxes, !boxes.isEmpty else { throw TutorError("case \(c.id) has an empty box file.") }
                    let mask = try engines[worker].propose(image: image, boxes: boxes)
                    try saveProposal(c.id, mask: mask, weightsHash: hash, boxRevision: c.boxRevision, user: user)
                    if accept { try acceptUnreviewed(c.id, user: user) }
                } catch let error as TutorError {
                    failure = error.message
                } catch {
                    failure = "\(error)"
                }
                lock.lock()
                if let failure { summary.failed[c.id] = failure } else {
                    summary.proposed.append(c.id)
                    if accept { summary.accepted.append(c.id) }
                }
                done += 1
                progress(done, todo.count, c.id)
                lock.unlock()
                n += engines.count
            }
        }
        summary.proposed.sort(); summary.accepted.sort()
        return summary
    }

    /// Accepts a proposal with no reviewer having looked at it, saying so in the audit log.
    func acceptUnreviewed(_ id: String, user: String) throws {
        try change(id, user: user, action: "accept", note: "accepted without review (tutor pseudo-label --accept)") { c, _ in
            guard c.state == .proposed else {
                throw TutorError("Case \(c.id) is \(c.state.rawValue), not proposed; there is no proposal to accept.")
            }
            c.state = .accepted
        }
    }
}
