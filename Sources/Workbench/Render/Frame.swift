/// Composes a whole frame from the model: the one place that decides which views appear.
public enum Frame {
    public static func compose(_ state: WorkbenchState, mode: ColorMode, into screen: inout some Screen) {
        for y in 0..<screen.height { screen.clearRow(y) }
        if state.tooSmall {
            let lines = ["This terminal is \(screen.width)×\(screen.height);",
                         "the workbench needs at least \(WorkbenchState.minimumWidth)×\(WorkbenchState.minimumHeight).",
                         "Make it larger, or press q to save and quit."]
            for (n, line) in lines.enumerated() {
                screen.put(line, x: max(0, (screen.width - line.count) / 2), y: screen.height / 2 - 1 + n)
            }
            return
        }
        if case .help(let scroll) = state.mode {
            HelpView.draw(state, scroll: scroll, into: &screen)
        } else {
            SliceView.draw(state, mode: mode, into: &screen)
        }
        BarsView.draw(state, mode: mode, into: &screen)
    }
}
