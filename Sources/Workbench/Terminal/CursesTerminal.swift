import CNCurses
import Foundation
import Volumes

/// The signal that asked us to stop (SIGHUP, SIGTERM, SIGINT), set from the handler; 0 if none.
nonisolated(unsafe) private var pendingSignal: sig_atomic_t = 0

/// The real terminal. ncursesw sets it up (raw mode, alternate screen, keypad, mouse, resize
/// notices) and decodes input; frames go out as the difference from the last one, through
/// `ANSIEncoder`, because ncurses cannot send 24-bit colour on common TERM values and its colour
/// pairs run short for half-blocks (26 × 26 greys plus tints).
public final class CursesTerminal {
    public private(set) var width: Int
    public private(set) var height: Int
    public let colorMode: ColorMode
    private let input: UnsafeMutablePointer<WINDOW>
    private var shown: MemoryScreen?
    private var encoder: ANSIEncoder
    private var closed = false
    /// True once a write failed (the terminal went away, as after a lost SSH connection).
    public private(set) var lost = false

    /// Takes over the terminal. `forcedMode` overrides the colour detection.
    public init(forcedMode: ColorMode? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw TutorError("The workbench needs a terminal: run it in an interactive shell, tmux or screen.")
        }
        setlocale(LC_ALL, "")
        set_escdelay(25)
        guard initscr() != nil else { throw TutorError("Cannot start the terminal (TERM=\(environment["TERM"] ?? "unset")).") }
        raw(); noecho(); nonl()
        curs_set(0)
        guard let pad = newpad(1, 1) else { endwin(); throw TutorError("Cannot start the terminal: no memory for the input window.") }
        input = pad
        keypad(input, true)
        wtimeout(input, 50)
        // Button presses, releases and motion while held (for dragging a box).
        let buttons: mmask_t = 0x1 | 0x2 | (0x2 << 15) | (0x2 << 20)
        mousemask(buttons | 0x1000_0000, nil)
        mouseinterval(0)
        let colors = Int(tigetnum(strdup("colors")))
        colorMode = forcedMode ?? ColorMode.detect(environment: environment, terminalColors: colors)
        encoder = ANSIEncoder(mode: colorMode)
        width = Int(getmaxx(stdscr)); height = Int(getmaxy(stdscr))
        for s in [SIGHUP, SIGTERM, SIGINT] { signal(s) { pendingSignal = $0 } }
        signal(SIGPIPE, SIG_IGN)
    }

    /// The signal that asked us to stop, if one arrived.
    public var stopSignal: Int32? { pendingSignal == 0 ? nil : pendingSignal }

    /// Sends the difference between what is shown and `screen`; returns the bytes written.
    @discardableResult
    public func show(_ screen: MemoryScreen) -> Int {
        let bytes = encoder.encode(from: shown, to: screen)
        shown = screen
        write(bytes)
        return bytes.count
    }

    /// Forgets what is on screen so the next frame is sent whole (after a resize, or Ctrl-L).
    public func invalidate() { shown = nil }

    private func write(_ bytes: [UInt8]) {
        guard !lost else { return }
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Foundation.write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; lost = true; return }
                offset += n
            }
        }
    }

    /// Waits up to 50 ms for input. Returns nil when nothing came.
    public func nextEvent() -> Event? {
        var ch: wint_t = 0
        let kind = wget_wch(input, &ch)
        if kind == ERR { return nil }
        if kind == KEY_CODE_YES { return special(Int32(ch)) }
        switch ch {
        case 13, 10: return .key(.enter)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 8, 127: return .key(.backspace)
        case 1...26: return .key(.ctrl(Character(UnicodeScalar(UInt8(ch) + 96))))
        default:
            guard let scalar = UnicodeScalar(ch) else { return nil }
            return .key(.char(Character(scalar)))
        }
    }

    private func special(_ code: Int32) -> Event? {
        switch code {
        case KEY_RESIZE:
            width = Int(getmaxx(stdscr)); height = Int(getmaxy(stdscr))
            shown = nil
            return .resize(width: width, height: height)
        case KEY_MOUSE:
            var m = MEVENT()
            guard getmouse(&m) == OK else { return nil }
            let x = Int(m.x), y = Int(m.y), b = m.bstate
            if b & (0x2 << 15) != 0 { return .mouse(.wheelUp(x: x, y: y)) }
            if b & (0x2 << 20) != 0 { return .mouse(.wheelDown(x: x, y: y)) }
            if b & 0x2 != 0 { return .mouse(.press(x: x, y: y)) }
            if b & 0x1 != 0 { return .mouse(.release(x: x, y: y)) }
            if b & 0x1000_0000 != 0 { return .mouse(.drag(x: x, y: y)) }
            return nil
        case KEY_UP: return .key(.up)
        case KEY_DOWN: return .key(.down)
        case KEY_LEFT: return .key(.left)
        case KEY_RIGHT: return .key(.right)
        case KEY_SR: return .key(.shiftUp)
        case KEY_SF: return .key(.shiftDown)
        case KEY_SLEFT: return .key(.shiftLeft)
        case KEY_SRIGHT: return .key(.shiftRight)
        case KEY_PPAGE: return .key(.pageUp)
        case KEY_NPAGE: return .key(.pageDown)
        case KEY_HOME: return .key(.home)
        case KEY_END: return .key(.end)
        case KEY_ENTER: return .key(.enter)
        case KEY_BACKSPACE: return .key(.backspace)
        case KEY_DC: return .key(.delete)
        default: return nil
        }
    }

    /// Ctrl-Z: the terminal goes back to the shell (main screen, cooked mode) and the process
    /// stops until `fg`, then takes the terminal again and sends the next frame whole. Raw mode
    /// delivers Ctrl-Z as a key, so the workbench raises SIGTSTP itself; ncurses' handler for it
    /// leaves and restores the screen. Where no shell can resume the process (an orphaned process
    /// group) the signal is discarded and the workbench simply goes on.
    public func suspend() {
        raise(SIGTSTP)
        shown = nil
    }

    /// Gives the terminal back as it was (main screen, cooked mode, cursor shown).
    public func close() {
        guard !closed else { return }
        closed = true
        write(Array("\u{1b}[0m".utf8))
        curs_set(1)
        endwin()
    }

    deinit { close() }
}
