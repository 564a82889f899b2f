/// A terminal colour as a cell asks for it. `grey` and `cube` live in the 256-colour palette
/// (never the 16 theme colours, which users restyle); `rgb` is used only on true-colour terminals.
public enum TermColor: Hashable, Sendable {
    case terminalDefault
    /// Palette index 16…255 (the 6×6×6 cube and the grey ramp).
    case palette(UInt8)
    case rgb(UInt8, UInt8, UInt8)
}

/// Text attributes a cell may carry.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = CellAttributes(rawValue: 1)
    public static let reverse = CellAttributes(rawValue: 2)
    public static let underline = CellAttributes(rawValue: 4)
}

/// One character cell of the terminal: one Unicode scalar, its colours and attributes.
public struct Cell: Hashable, Sendable {
    public var char: Character
    public var fg: TermColor
    public var bg: TermColor
    public var attributes: CellAttributes
    public init(_ char: Character = " ", fg: TermColor = .terminalDefault, bg: TermColor = .terminalDefault,
                attributes: CellAttributes = []) {
        self.char = char; self.fg = fg; self.bg = bg; self.attributes = attributes
    }
    public static let blank = Cell()
}

/// Where views draw: a grid of `width × height` cells, row 0 at the top. Views only write cells;
/// a backend (the terminal, or `MemoryScreen` in tests) decides how they reach a person.
public protocol Screen {
    var width: Int { get }
    var height: Int { get }
    subscript(x: Int, y: Int) -> Cell { get set }
}

extension Screen {
    /// Writes `text` from column `x` of row `y`, clipped at `maxWidth` and the screen's edge.
    public mutating func put(_ text: String, x: Int, y: Int, fg: TermColor = .terminalDefault,
                             bg: TermColor = .terminalDefault, attributes: CellAttributes = [],
                             maxWidth: Int = .max) {
        guard y >= 0, y < height else { return }
        var column = x
        for ch in text {
            if column >= width || column - x >= maxWidth { break }
            if column >= 0 { self[column, y] = Cell(ch, fg: fg, bg: bg, attributes: attributes) }
            column += 1
        }
    }

    /// Fills row `y` with blanks in the given colours.
    public mutating func clearRow(_ y: Int, fg: TermColor = .terminalDefault, bg: TermColor = .terminalDefault,
                                  attributes: CellAttributes = []) {
        guard y >= 0, y < height else { return }
        for x in 0..<width { self[x, y] = Cell(" ", fg: fg, bg: bg, attributes: attributes) }
    }
}

/// An in-memory screen: what views drew, cell by cell. Tests read it back; the terminal backend
/// keeps two of them (shown and next) and writes only the difference.
public struct MemoryScreen: Screen, Equatable {
    public private(set) var width: Int
    public private(set) var height: Int
    public var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = width; self.height = height
        cells = [Cell](repeating: .blank, count: width * height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { if x >= 0, x < width, y >= 0, y < height { cells[y * width + x] = newValue } }
    }

    /// The characters of row `y`, trailing blanks kept.
    public func row(_ y: Int) -> String { String(cells[(y * width)..<((y + 1) * width)].map(\.char)) }

    /// The whole screen as text, one line per row, trailing blanks trimmed (like `tmux capture-pane -p`).
    public var text: String {
        (0..<height).map { row($0).replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression) }
            .joined(separator: "\n")
    }
}
