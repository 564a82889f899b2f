import Foundation
import Volumes

/// Runs the proposer on a background queue. A newer request cancels the one before it; results
/// and progress come back as `Event`s through `post`, which the session's loop picks up.
final class ProposalRunner: @unchecked Sendable {
    private let proposer: any Proposer
    private let queue = DispatchQueue(label: "tutor.teacher", qos: .userInitiated)
    private let lock = NSLock()
    private var current: CancelFlag?
    private let post: @Sendable (Event) -> Void

    init(proposer: any Proposer, post: @escaping @Sendable (Event) -> Void) {
        self.proposer = proposer; self.post = post
    }

    /// Asks for a mask for `boxes`; the answer is tagged with `version`.
    func request(image: Volume, boxes: [Box], version: Int) {
        let flag = CancelFlag()
        lock.lock(); current?.cancel(); current = flag; lock.unlock()
        let proposer = self.proposer, post = self.post
        queue.async {
            guard !flag.isCancelled else { return }
            do {
                let mask = try proposer.propose(image: image, boxes: boxes,
                                                progress: { post(.proposalProgress(version: version, fraction: $0)) },
                                                isCancelled: { flag.isCancelled })
                if let mask, !flag.isCancelled { post(.proposalReady(version: version, mask: mask)) }
            } catch {
                post(.proposalFailed(version: version, reason: "\(error)"))
            }
        }
    }

    func cancel() { lock.lock(); current?.cancel(); current = nil; lock.unlock() }
}

/// A thread-safe "stop" flag shared by the UI and one proposer run.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
    func cancel() { lock.lock(); cancelled = true; lock.unlock() }
}
