import Foundation
import Network

/// A one-line progress bar with ETA on stderr: `[#####.....] 5/10  case_007  ETA 1 min 20 s`.
/// Redrawn in place on a terminal; one line per update otherwise (logs stay readable).
struct ProgressLine {
    let started = Date()
    let terminal = isatty(STDERR_FILENO) != 0

    func show(_ done: Int, _ total: Int, _ note: String) {
        let width = 24, filled = total > 0 ? width * done / total : width
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = "[\(bar)] \(done)/\(total)  \(note)  ETA \(formatDuration(eta))"
        FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[K" + line : line + "\n").utf8))
        if terminal && done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
