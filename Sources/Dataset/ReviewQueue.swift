import Foundation
import Volumes

/// How the review queue is ordered.
public enum ReviewOrder: String, CaseIterable, Sendable {
    /// Where a second opinion is most needed first: highest disagreement, ties by teacher uncertainty.
    case priority
    /// By case ID.
    case name
}

/// One proposed case in the review queue, with why it stands where it does.
public struct ReviewQueueEntry: Sendable, Equatable {
    /// Whether the case's stored priority can be trusted.
    public enum Standing: Int, Sendable, Comparable {
        /// Computed for this proposal with the student asked about.
        case current = 0
        /// Computed for this proposal, but with other student weights: still ordered by it, and marked.
        case otherStudent = 1
        /// Computed for an earlier proposal of the case: worthless for this one.
        case proposalRevised = 2
        /// Never computed.
        case missing = 3
        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public var caseID: String
    /// The stored priority (also when stale), nil when never computed.
    public var priority: ReviewPriority?
    public var standing: Standing

    /// The priority the order goes by: none for a revised proposal.
    public var ranked: ReviewPriority? { standing <= .otherStudent ? priority : nil }

    /// Why the case is where it is, e.g. `disagreement 0.41 (teacher vs student DSC 0.59) · uncertainty 0.12`.
    public var reason: String {
        guard let p = ranked else { return note }
        let numbers = String(format: "disagreement %.2f (teacher vs student DSC %.2f) · uncertainty %.2f",
                             p.disagreement, p.dice, p.uncertainty)
        return note.isEmpty ? numbers : numbers + " · " + note
    }

    /// The reason in brief, for a title bar: `disagreement 0.41 · uncertainty 0.12`, `not prioritised yet`.
    public var shortReason: String {
        guard let p = ranked else { return "not prioritised yet" }
        return String(format: "disagreement %.2f · uncertainty %.2f", p.disagreement, p.uncertainty)
            + (standing == .otherStudent ? " (another student)" : "")
    }

    /// What is off about the priority, if anything: "" when it is current.
    public var note: String {
        switch standing {
        case .current: ""
        case .otherStudent: "from another student (\(priority?.studentHash.prefix(8) ?? ""))"
        case .proposalRevised: "not prioritised yet (the proposal changed since)"
        case .missing: "not prioritised yet"
        }
    }

    /// True when `a` comes before `b` in priority order: priorities computed with the current student,
    /// then those from another student, then the cases without one; within each, higher disagreement
    /// first, ties (equal to the two decimals shown, so the order explains itself) broken by higher
    /// teacher uncertainty (also to two decimals), then by case ID so the order never depends on chance.
    public static func comesBefore(_ a: Self, _ b: Self) -> Bool {
        let ta = min(a.standing, .proposalRevised), tb = min(b.standing, .proposalRevised)
        if ta != tb { return ta < tb }
        if let pa = a.ranked, let pb = b.ranked {
            let da = (pa.disagreement * 100).rounded(), db = (pb.disagreement * 100).rounded()
            if da != db { return da > db }
            let ua = (pa.uncertainty * 100).rounded(), ub = (pb.uncertainty * 100).rounded()
            if ua != ub { return ua > ub }
        }
        return a.caseID < b.caseID
    }
}

/// What one `prioritise` run did.
public struct PrioritiseSummary: Sendable, Equatable {
    public var computed: [String] = []
    /// Cases whose stored priority was already current.
    public var upToDate: [String] = []
    /// Cases whose proposal changed (or was reviewed) while the student ran; nothing was stored.
    public var changed: [String] = []
    public var failed: [String: String] = [:]
    public init() {}

    public var line: String {
        "\(computed.count) prioritised, \(upToDate.count) already up to date, \(changed.count) changed meanwhile, \(failed.count) failed"
    }
}

extension DatasetStore {
    /// The proposed cases, in `order`, each with its stored priority and whether that is current.
    /// `studentHash` is the student the priorities should come from; nil accepts any student.
    public func reviewQueue(order: ReviewOrder = .priority, studentHash: String? = nil) throws -> [ReviewQueueEntry] {
        let stored = try priorities()
        let entries = try cases().filter { $0.state == .proposed }.map { c -> ReviewQueueEntry in
            guard let p = stored[c.id] else { return ReviewQueueEntry(caseID: c.id, priority: nil, standing: .missing) }
            let standing: ReviewQueueEntry.Standing = p.proposalPath != c.maskPath ? .proposalRevised
                : studentHash != nil && p.studentHash != studentHash ? .otherStudent : .current
            return ReviewQueueEntry(caseID: c.id, priority: p, standing: standing)
        }
        switch order {
        case .priority: return entries.sorted(by: ReviewQueueEntry.comesBefore)
        case .name: return entries.sorted { $0.caseID < $1.caseID }
        }
    }

    /// Computes and stores the priority of every proposed case whose priority is not current for
    /// `studentHash` (all of them with `force`). Each case's priority is stored as soon as it is known,
    /// so an interrupted run resumes where it stopped. `makePredictor` is called once per worker and
    /// returns the student's 0/1 mask for a CT in HU; `workers` cases run at a time.
    public func prioritise(studentHash: String, force: Bool = false, workers: Int = 2,
                           makePredictor: () throws -> (Volume) throws -> Volume,
                           progress: (Int, Int, String) -> Void = { _, _, _ in }) throws -> PrioritiseSummary {
        var summary = PrioritiseSummary()
        let queue = try reviewQueue(order: .name, studentHash: studentHash)
        let todo = queue.filter { force || $0.standing != .current }.map(\.caseID)
        summary.upToDate = queue.filter { !force && $0.standing == .current }.map(\.caseID)
        guard !todo.isEmpty else { return summary }
        let predictors = try (0..<max(1, min(workers, todo.count))).map { _ in try makePredictor() }
        let lock = NSLock()
        var done = 0
        DispatchQueue.concurrentPerform(iterations: predictors.count) { worker in
            var n = worker
            while n < todo.count {
                let id = todo[n]
                var outcome: Result<Bool, Error>
                do {
                    let c = try self.case(id)
                    guard c.state == .proposed, let proposalPath = c.maskPath else { throw Changed() }
                    let image = try VolumeIO.read(absolutePath(c.image))
                    let proposal = try VolumeIO.read(absolutePath(proposalPath))
                    let prediction = try predictors[worker](image)
                    let priority = ReviewPriority(
                        caseID: id, proposalPath: proposalPath, studentHash: studentHash,
                        disagreement: try Dataset.reviewPriority(proposal: proposal, prediction: prediction),
                        uncertainty: teacherUncertainty(image: image, boxes: try boxes(id)?.boxes ?? []))
                    outcome = .success(try savePriority(priority))
                } catch is Changed {
                    outcome = .success(false)
                } catch {
                    outcome = .failure(error)
                }
                lock.lock()
                switch outcome {
                case .success(true): summary.computed.append(id)
                case .success(false): summary.changed.append(id)
                case .failure(let error as TutorError): summary.failed[id] = error.message
                case .failure(let error): summary.failed[id] = "\(error)"
                }
                done += 1
                progress(done, todo.count, id)
                lock.unlock()
                n += predictors.count
            }
        }
        summary.computed.sort(); summary.changed.sort()
        return summary
    }
}

/// The case stopped being a pending proposal while it was being prioritised.
private struct Changed: Error {}
