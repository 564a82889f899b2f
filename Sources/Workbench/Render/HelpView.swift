/// The `?` screen: every action with the keys bound to it in the keymap in force, then the
/// `:` commands and the mouse. Generated, so it always tells the truth about the bindings.
public enum HelpView {
    /// The help text, one entry per line.
    public static func lines(keymap: Keymap) -> [String] {
        var out = ["Keys (Keymaps/default.keys or vi.keys, then $XDG_CONFIG_HOME/tutor/keys; ↑↓ PgUp PgDn scroll, any other key closes)", ""]
        for action in Action.allCases {
            let keys = keymap.keys(for: action).map(\.description).joined(separator: " ")
            out.append(pad(keys.isEmpty ? "(unbound)" : keys, 16) + " " + pad(action.rawValue, 20) + " " + action.summary)
        }
        out += ["", "Commands (type : first; ↑/↓ recall earlier ones; typed while the teacher runs, they wait for it)", ""]
        for (command, summary) in WorkbenchState.commandSummaries { out.append(pad(command, 37) + " " + summary) }
        out += ["", "Mouse: drag on the image draws a box; a click selects a box; the wheel changes slice;",
                "in brush or eraser mode, click and drag paint."]
        return out
    }

    static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }

    public static func draw(_ state: WorkbenchState, scroll: Int, into screen: inout some Screen) {
        let text = lines(keymap: state.keymap)
        let rows = screen.height - 2
        let first = min(scroll, max(0, text.count - rows))
        for y in 0..<rows {
            screen.clearRow(y + 1)
            if first + y < text.count { screen.put(text[first + y], x: 1, y: y + 1) }
        }
    }
}
