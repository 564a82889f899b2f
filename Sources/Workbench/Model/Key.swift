/// A key press as the workbench sees it, independent of the terminal that produced it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    case ctrl(Character)          // lower-case letter
    case up, down, left, right
    case shiftUp, shiftDown, shiftLeft, shiftRight
    case pageUp, pageDown, home, end
    case enter, escape, tab, backspace, delete

    private static let named: [(String, Key)] = [
        ("Up", .up), ("Down", .down), ("Left", .left), ("Right", .right),
        ("S-Up", .shiftUp), ("S-Down", .shiftDown), ("S-Left", .shiftLeft), ("S-Right", .shiftRight),
        ("PageUp", .pageUp), ("PageDown", .pageDown), ("Home", .home), ("End", .end),
        ("Enter", .enter), ("Esc", .escape), ("Tab", .tab), ("Backspace", .backspace), ("Del", .delete),
        ("Space", .char(" ")),
    ]

    /// Parses a keymap key name: one character, or `<Name>` / `<C-x>`; nil when unknown.
    public init?(name: String) {
        if name.count == 1, let c = name.first { self = .char(c); return }
        guard name.hasPrefix("<"), name.hasSuffix(">"), name.count > 2 else { return nil }
        let inner = String(name.dropFirst().dropLast())
        if inner.hasPrefix("C-"), inner.count == 3, let c = inner.last, c.isLetter {
            self = .ctrl(Character(c.lowercased())); return
        }
        guard let key = Key.named.first(where: { $0.0.lowercased() == inner.lowercased() })?.1 else { return nil }
        self = key
    }

    /// The name a keymap file uses for this key.
    public var description: String {
        switch self {
        case .char(" "): return "<Space>"
        case .char(let c): return String(c)
        case .ctrl(let c): return "<C-\(c)>"
        default: return "<" + (Key.named.first { $0.1 == self }?.0 ?? "?") + ">"
        }
    }
}
