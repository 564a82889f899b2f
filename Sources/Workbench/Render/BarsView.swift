import Foundation

/// The title bar (row 0), the status line (second last row) and the message / command line (last row).
public enum BarsView {
    public static func draw(_ state: WorkbenchState, mode: ColorMode, into screen: inout some Screen) {
        let bar = Palette.bar(mode)
        let w = screen.width, h = screen.height

        // Title: what is open and what the keys do now.
        screen.clearRow(0, fg: bar.fg, bg: bar.bg, attributes: bar.attributes)
        var title = " tutor │ \(state.contents.id) │ tumour \(state.object) │ \(modeName(state))"
        if let q = state.queue {
            title += " │ review \(q.position)/\(q.total), \(q.done) done, \(q.total - q.done) left"
            if let reason = q.reason { title += " │ \(reason.short)" }
        }
        screen.put(title, x: 0, y: 0, fg: bar.fg, bg: bar.bg, attributes: bar.attributes.union(.bold))
        let hint = "? help  : command "
        if title.count + 1 + hint.count <= w {   // whole or not at all; the title (and the queue's reason) comes first
            screen.put(hint, x: w - hint.count, y: 0, fg: bar.fg, bg: bar.bg, attributes: bar.attributes)
        }

        // Status: slice, cursor, HU, window, state, the mask's size, the teacher.
        screen.clearRow(h - 2, fg: bar.fg, bg: bar.bg, attributes: bar.attributes)
        screen.put(statusText(state), x: 0, y: h - 2, fg: bar.fg, bg: bar.bg, attributes: bar.attributes)

        // Message or command line.
        screen.clearRow(h - 1)
        if state.mode == .command {
            screen.put(":" + state.commandText + "█", x: 0, y: h - 1)
        } else {
            let queued = state.queuedCommands.isEmpty ? "" : "[\(state.queuedCommands.count) queued] "
            screen.put(queued + state.message, x: 0, y: h - 1,
                       attributes: state.message.hasPrefix("NOT SAVED") ? [.bold, .reverse] : [])
        }
    }

    static func modeName(_ state: WorkbenchState) -> String {
        switch state.mode {
        case .normal: return state.anchor != nil ? "BOX: mark the other corner" : "VIEW"
        case .command: return "COMMAND"
        case .help: return "HELP"
        case .brush: return "BRUSH r=\(state.brushRadius)"
        case .eraser: return "ERASER r=\(state.brushRadius)"
        }
    }

    /// The status line's text, e.g. `slice 32/119 │ x 206 y 347: -512 HU │ W1500 L-600 │ proposed │ 12.3 mL ⌀31 mm`.
    public static func statusText(_ state: WorkbenchState) -> String {
        var parts = [
            " slice \(state.slice)/\(state.image.size.k - 1)",
            "x \(state.cursorI) y \(state.cursorJ): \(Int(state.valueUnderCursor.rounded())) HU",
            "W\(Int(state.window)) L\(Int(state.level))",
            "\(state.boxesOnSlice.count)/\(state.boxes.count) boxes",
            state.contents.state.word,
        ]
        if state.zoom > 1 { parts.append(String(format: "zoom %.1f×", state.zoom)) }
        if let stats = state.maskStats {
            parts.append(String(format: "%.1f mL ⌀%.0f mm", stats.millilitres, stats.maxAxialDiameter)
                + (state.mask != nil && !state.proposalIsCurrent && state.proposalVersion != nil ? " (old)" : "")
                + (state.showMask ? (state.maskOutline ? " outline" : "") : " hidden"))
        }
        switch state.proposalStatus {
        case .idle: break
        case .pending: parts.append("\(state.proposerName): waiting")
        case .running(let p): parts.append("\(state.proposerName) \(Int(p * 100))% " + progressBar(p))
        case .failed: parts.append("\(state.proposerName) failed")
        }
        return parts.joined(separator: " │ ")
    }

    static func progressBar(_ p: Double) -> String {
        let filled = Int((min(max(p, 0), 1) * 8).rounded())
        return String(repeating: "█", count: filled) + String(repeating: "░", count: 8 - filled)
    }
}
