import ArgumentParser
import Foundation
import Teacher
import Workbench

/// Options shared by `tutor annotate` and `tutor review`.
struct WorkbenchOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Keymap: default, vi, or the path of a keymap file. Your own $XDG_CONFIG_HOME/tutor/keys (or ~/.config/tutor/keys) is applied on top.",
        valueName: "NAME"))
    var keys: String?

    @Option(name: .long, help: ArgumentHelp(
        "Force how shades are drawn: truecolor, grey256 or plain. By default it follows COLORTERM, NO_COLOR and the terminal.",
        valueName: "MODE"))
    var color: String?

    @Option(help: "Teacher weights (safetensors); default: the bundled box-guided teacher.")
    var weights: String?

    @Option(help: "How masks are proposed: net (the teacher network) or threshold (the classical baseline). By default the network when weights exist, else the threshold.")
    var method: TeacherMethod?

    /// The teacher the workbench asks for masks.
    func proposer() throws -> EngineProposer {
        EngineProposer(engine: try ProposalEngine(method: method, weights: weights.map { URL(fileURLWithPath: $0) },
                                                  warn: { FileHandle.standardError.write(Data("tutor: \($0)\n".utf8)) }))
    }

    func colorMode() throws -> ColorMode? {
        guard let color else { return nil }
        switch color {
        case "truecolor", "24bit": return .trueColor
        case "grey256", "256": return .grey256
        case "plain", "none": return .plain
        default: throw ValidationError("--color must be truecolor, grey256 or plain, not \"\(color)\".")
        }
    }
}
