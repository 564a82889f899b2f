/// How shades reach the terminal.
public enum ColorMode: String, Sendable, CaseIterable {
    /// 24-bit colour (COLORTERM=truecolor or 24bit).
    case trueColor
    /// The 256-colour palette: its grey ramp (232–255 plus 16 and 231) and its 6×6×6 cube.
    case grey256
    /// No colour at all (NO_COLOR, TERM=vt100): a character ramp.
    case plain

    /// Picks the mode from the environment and the number of colours the terminal reports.
    public static func detect(environment: [String: String], terminalColors: Int) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
        if terminalColors < 256 && !(environment["TERM"] ?? "").contains("256") { return .plain }
        let colorterm = (environment["COLORTERM"] ?? "").lowercased()
        if colorterm == "truecolor" || colorterm == "24bit" { return .trueColor }
        return .grey256
    }
}

/// An RGB colour with 8 bits per channel.
public struct RGB: Equatable, Sendable {
    public var r: UInt8, g: UInt8, b: UInt8
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    public init(grey: UInt8) { r = grey; g = grey; b = grey }
    public var isGrey: Bool { r == g && g == b }
    /// Rec. 601 luma in 0…1.
    public var luma: Double { (0.299 * Double(r) + 0.587 * Double(g) + 0.114 * Double(b)) / 255 }
}

/// Maps colours to terminal colours for one `ColorMode`.
public enum Palette {
    /// The plain ramp, darkest first.
    public static let ramp: [Character] = Array(" .:-=+*#%@")

    /// Grey levels of the 256-colour palette in order: 16 (black), 232…255, 231 (white).
    static let greyIndices: [UInt8] = [16] + (232...255).map { UInt8($0) } + [231]
    static let greyValues: [Double] = [0] + (0..<24).map { Double(8 + 10 * $0) } + [255]

    /// 4×4 Bayer thresholds in (0, 1).
    static let bayer: [Double] = [0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5].map { (Double($0) + 0.5) / 16 }

    /// The palette grey for a grey value in 0…255; with `dither`, pixel (x, y) picks between the
    /// two nearest levels by an ordered (Bayer) threshold so that smooth ramps stay smooth.
    @inline(__always)
    public static func grey256(_ value: UInt8, x: Int, y: Int, dither: Bool) -> UInt8 {
        let v = Double(value)
        // Levels are ~10 apart except the ends; find the interval holding v.
        var lo = min(max(Int((v - 8) / 10) + 1, 0), 24)
        if greyValues[lo] > v { lo -= 1 }
        let hi = min(lo + 1, 25)
        let span = greyValues[hi] - greyValues[lo]
        let t = span > 0 ? (v - greyValues[lo]) / span : 0
        let threshold = dither ? bayer[(y & 3) * 4 + (x & 3)] : 0.5
        return greyIndices[t > threshold ? hi : lo]
    }

    /// The nearest colour of the 6×6×6 cube (palette 16…231).
    @inline(__always)
    public static func cube(_ c: RGB) -> UInt8 {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        return UInt8(16 + 36 * level(c.r) + 6 * level(c.g) + level(c.b))
    }

    /// The terminal colour for `c` at pixel (x, y).
    @inline(__always)
    public static func color(_ c: RGB, mode: ColorMode, x: Int, y: Int, dither: Bool) -> TermColor {
        switch mode {
        case .trueColor: return .rgb(c.r, c.g, c.b)
        case .grey256: return .palette(c.isGrey ? grey256(c.r, x: x, y: y, dither: dither) : cube(c))
        case .plain: return .terminalDefault
        }
    }

    /// Box colours per tumour (object 1, 2, …), cycling: yellow, cyan, magenta, green, orange.
    public static let objectColors: [RGB] = [RGB(255, 255, 0), RGB(0, 255, 255), RGB(255, 0, 255), RGB(0, 255, 0), RGB(255, 135, 0)]
    public static func objectColor(_ object: Int) -> RGB { objectColors[(max(object, 1) - 1) % objectColors.count] }

    /// The mask tint: grey blended 45 % towards red.
    @inline(__always)
    public static func tint(_ grey: UInt8) -> RGB {
        let g = Double(grey)
        return RGB(UInt8(g * 0.55 + 255 * 0.45), UInt8(g * 0.55 + 40 * 0.45), UInt8(g * 0.55 + 40 * 0.45))
    }

    /// Colours for the title and status bars (palette greys, never the 16 theme colours).
    public static func bar(_ mode: ColorMode) -> (fg: TermColor, bg: TermColor, attributes: CellAttributes) {
        switch mode {
        case .plain: return (.terminalDefault, .terminalDefault, [.reverse])
        case .grey256: return (.palette(254), .palette(238), [])
        case .trueColor: return (.rgb(228, 228, 228), .rgb(68, 68, 68), [])
        }
    }

    /// A colour for accents (cursor, marks) in this mode.
    public static func accent(_ c: RGB, _ mode: ColorMode) -> TermColor {
        switch mode {
        case .plain: return .terminalDefault
        case .grey256: return .palette(cube(c))
        case .trueColor: return .rgb(c.r, c.g, c.b)
        }
    }
}
