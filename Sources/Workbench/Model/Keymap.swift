import Foundation
import Volumes

/// Which action each key runs. Built from keymap files: one `KEY ACTION` per line, `#` comments,
/// `KEY none` to remove a binding, and an optional first line `base default|vi` in a user's file.
public struct Keymap: Sendable, Equatable {
    public private(set) var bindings: [Key: Action]

    public init(bindings: [Key: Action] = [:]) { self.bindings = bindings }

    public subscript(key: Key) -> Action? { bindings[key] }

    /// Applies the lines of `text` on top of this keymap. `source` names the file in errors.
    /// Returns the base keymap the text asks for (`base vi`), if any.
    @discardableResult
    public mutating func apply(_ text: String, source: String) throws -> String? {
        var base: String?
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                .map(String.init) ?? ""
            // A bare `#` key has to be written before the comment, so "# x" lines stay comments
            // while "<Hash>" is not needed: `#` as a key is not supported.
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if words.isEmpty { continue }
            guard words.count == 2 else {
                throw TutorError("\(source) line \(number + 1): expected `KEY ACTION`, found \"\(rawLine)\".")
            }
            if words[0] == "base" { base = words[1]; continue }
            guard let key = Key(name: words[0]) else {
                throw TutorError("\(source) line \(number + 1): unknown key name \"\(words[0])\".")
            }
            if words[1] == "none" { bindings[key] = nil; continue }
            guard let action = Action(rawValue: words[1]) else {
                throw TutorError("\(source) line \(number + 1): unknown action \"\(words[1])\" (see `?` in the workbench for the list).")
            }
            bindings[key] = action
        }
        return base
    }

    /// Parses one keymap file's text.
    public static func parse(_ text: String, source: String) throws -> Keymap {
        var map = Keymap()
        try map.apply(text, source: source)
        return map
    }

    /// The keys bound to `action`, in a stable order (for the help screen).
    public func keys(for action: Action) -> [Key] {
        bindings.filter { $0.value == action }.map(\.key).sorted { $0.description < $1.description }
    }

    /// The keymap in force: the bundled `name` (default or vi), then the user's file on top.
    /// The user's file is `$XDG_CONFIG_HOME/tutor/keys`, or `~/.config/tutor/keys` without XDG_CONFIG_HOME.
    public static func load(name: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Keymap {
        let userFile = userKeymapURL(environment: environment)
        let userText = try userFile.flatMap { url -> String? in
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            do { return try String(contentsOf: url, encoding: .utf8) } catch {
                throw TutorError("Cannot read the keymap \(url.path): \(error.localizedDescription)")
            }
        }
        var baseName = name
        if baseName == nil, let userText {
            var probe = Keymap()
            baseName = try probe.apply(userText, source: userFile!.path)
        }
        var map = try bundled(baseName ?? "default")
        if let userText { try map.apply(userText, source: userFile!.path) }
        return map
    }

    /// A bundled keymap (`Keymaps/<name>.keys`), or a keymap file at the path `name`.
    public static func bundled(_ name: String) throws -> Keymap {
        switch name {
        case "default": return try parse(BundledKeymaps.defaultKeys, source: "Keymaps/default.keys")
        case "vi": return try parse(BundledKeymaps.viKeys, source: "Keymaps/vi.keys")
        default:
            guard let text = try? String(contentsOfFile: name, encoding: .utf8) else {
                throw TutorError("No keymap \"\(name)\": use default, vi, or the path of a keymap file.")
            }
            return try parse(text, source: name)
        }
    }

    static func userKeymapURL(environment: [String: String]) -> URL? {
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("tutor/keys")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return URL(fileURLWithPath: home).appendingPathComponent(".config/tutor/keys")
    }
}
