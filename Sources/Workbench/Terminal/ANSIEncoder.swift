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
                if cursor == nil || cursor! != (x, y) { moveCursor(x: x, y: y, into: &out) }
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

    // SGR parameters are written straight into the byte buffer: building Strings per cell made a
    // 200×60 true-colour frame take ~20 ms to encode.
    private func setPen(_ pen: Pen, from old: Pen, into out: inout [UInt8]) {
        var base = old
        var first = true
        func code(_ write: (inout [UInt8]) -> Void) {
            if first { out.append(0x1b); out.append(UInt8(ascii: "[")) } else { out.append(UInt8(ascii: ";")) }
            first = false
            write(&out)
        }
        // Attributes can only be switched off all at once (SGR 0), which also drops the colours.
        if !base.attributes.subtracting(pen.attributes).isEmpty {
            code { $0.append(UInt8(ascii: "0")) }; base = Pen()
        }
        let added = pen.attributes.subtracting(base.attributes)
        if added.contains(.bold) { code { $0.append(UInt8(ascii: "1")) } }
        if added.contains(.underline) { code { $0.append(UInt8(ascii: "4")) } }
        if added.contains(.reverse) { code { $0.append(UInt8(ascii: "7")) } }
        if pen.fg != base.fg { code { color(pen.fg, foreground: true, into: &$0) } }
        if pen.bg != base.bg { code { color(pen.bg, foreground: false, into: &$0) } }
        if !first { out.append(UInt8(ascii: "m")) }
    }

    private func color(_ c: TermColor, foreground: Bool, into out: inout [UInt8]) {
        let lead = foreground ? UInt8(ascii: "3") : UInt8(ascii: "4")
        switch c {
        case .terminalDefault:
            out.append(lead); out.append(UInt8(ascii: "9"))
        case .palette(let n):
            out.append(lead); out.append(contentsOf: [UInt8(ascii: "8"), UInt8(ascii: ";"), UInt8(ascii: "5"), UInt8(ascii: ";")])
            number(n, into: &out)
        case .rgb(let r, let g, let b):
            out.append(lead); out.append(contentsOf: [UInt8(ascii: "8"), UInt8(ascii: ";"), UInt8(ascii: "2"), UInt8(ascii: ";")])
            number(r, into: &out); out.append(UInt8(ascii: ";"))
            number(g, into: &out); out.append(UInt8(ascii: ";"))
            number(b, into: &out)
        }
    }

    @inline(__always) private func number(_ n: UInt8, into out: inout [UInt8]) {
        if n >= 100 { out.append(48 + n / 100) }
        if n >= 10 { out.append(48 + (n / 10) % 10) }
        out.append(48 + n % 10)
    }

    private func number(_ n: Int, into out: inout [UInt8]) {
        if n >= 10 { number(n / 10, into: &out) }
        out.append(UInt8(48 + n % 10))
    }

    private func moveCursor(x: Int, y: Int, into out: inout [UInt8]) {
        out.append(0x1b); out.append(UInt8(ascii: "["))
        number(y + 1, into: &out); out.append(UInt8(ascii: ";"))
        number(x + 1, into: &out); out.append(UInt8(ascii: "H"))
    }

    private func append(_ s: String, to out: inout [UInt8]) { out.append(contentsOf: s.utf8) }

    @inline(__always) private func append(_ c: Character, to out: inout [UInt8]) {
        if let ascii = c.asciiValue { out.append(ascii) } else { out.append(contentsOf: c.utf8) }
    }
}
