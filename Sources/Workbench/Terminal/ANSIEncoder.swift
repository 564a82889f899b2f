/// Turns the difference between the screen the terminal shows and the next one into bytes:
/// cursor moves (CUP), SGR colour changes only when the pen changes, and UTF-8 characters.
/// Cells that did not change cost nothing, which keeps a slice step small over slow links.
public struct ANSIEncoder {
    public var mode: ColorMode
    public init(mode: ColorMode) { self.mode = mode }

    private struct Pen: Equatable {
        var fg: TermColor = .terminalDefault, bg: TermColor = .terminalDefault, attributes: CellAttributes = []
    }

    /// The bytes that turn `old` (what the terminal shows; nil when unknown) into `new`.
    public func encode(from old: MemoryScreen?, to new: MemoryScreen) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 * 1024)
        let full = old == nil || old!.width != new.width || old!.height != new.height
        if full { append("\u{1b}[0m\u{1b}[2J", to: &out) }
        var pen = Pen()   // every frame ends with SGR 0, so the next starts from the default pen
        var cursor: (x: Int, y: Int)? = nil
        for y in 0..<new.height {
            for x in 0..<new.width {
                let cell = new[x, y]
                if !full, old![x, y] == cell { continue }
                if full, cell == .blank { continue }   // 2J already blanked it
                if cursor == nil || cursor! != (x, y) { append("\u{1b}[\(y + 1);\(x + 1)H", to: &out) }
                var wanted = Pen(fg: cell.fg, bg: cell.bg, attributes: cell.attributes)
                // A plain space shows only its background: keep whatever foreground is set.
                if cell.char == " ", cell.attributes.isEmpty { wanted.fg = pen.fg }
                if wanted != pen {
                    setPen(wanted, from: pen, into: &out)
                    pen = wanted
                }
                append(cell.char, to: &out)
                cursor = x + 1 < new.width ? (x + 1, y) : nil
            }
        }
        append("\u{1b}[0m", to: &out)
        return out
    }

    private func setPen(_ pen: Pen, from old: Pen, into out: inout [UInt8]) {
        var codes: [String] = []
        // Attributes can only be switched off all at once (SGR 0), which also drops the colours.
        var base = old
        if !base.attributes.subtracting(pen.attributes).isEmpty {
            codes.append("0"); base = Pen()
        }
        let added = pen.attributes.subtracting(base.attributes)
        if added.contains(.bold) { codes.append("1") }
        if added.contains(.underline) { codes.append("4") }
        if added.contains(.reverse) { codes.append("7") }
        if pen.fg != base.fg { codes.append(color(pen.fg, foreground: true)) }
        if pen.bg != base.bg { codes.append(color(pen.bg, foreground: false)) }
        guard !codes.isEmpty else { return }
        append("\u{1b}[" + codes.joined(separator: ";") + "m", to: &out)
    }

    private func color(_ c: TermColor, foreground: Bool) -> String {
        switch c {
        case .terminalDefault: return foreground ? "39" : "49"
        case .palette(let n): return (foreground ? "38;5;" : "48;5;") + String(n)
        case .rgb(let r, let g, let b): return (foreground ? "38;2;" : "48;2;") + "\(r);\(g);\(b)"
        }
    }

    private func append(_ s: String, to out: inout [UInt8]) { out.append(contentsOf: s.utf8) }
    private func append(_ c: Character, to out: inout [UInt8]) { out.append(contentsOf: String(c).utf8) }
}
