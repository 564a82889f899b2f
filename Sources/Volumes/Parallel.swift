import Foundation

/// Splits index ranges across the machine's cores (DispatchQueue.concurrentPerform).
enum Parallel {
    /// Calls `body` on disjoint sub-ranges that together cover `0..<count`, in parallel.
    /// Chunks are at least `minimumChunk` long so tiny jobs stay on one thread.
    static func forEachChunk(_ count: Int, minimumChunk: Int = 4096, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunks = max(1, min(cores * 4, count / max(1, minimumChunk)))
        if chunks == 1 { body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body((count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }
}
