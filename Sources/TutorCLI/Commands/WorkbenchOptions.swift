import ArgumentParser
import Dataset
import Foundation
import Teacher
import Volumes
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

    @Option(help: "Teacher weights (safetensors); they make net the method. With --method net alone, the bundled teacher.")
    var weights: String?

    @Option(help: "How masks are proposed: net (the teacher network) or threshold (the classical baseline). By default the network (--weights, or the bundled teacher); the threshold when no weights can be found.")
    var method: TeacherMethod?

    @Option(help: "Your name in the dataset's audit log (default: $USER, else $LOGNAME, else your account name).")
    var user: String?

    /// The teacher the workbench asks for masks.
    func proposer() throws -> EngineProposer {
        EngineProposer(engine: try ProposalEngine(method: method, weights: weights.map { URL(fileURLWithPath: $0) },
                                                  warn: { FileHandle.standardError.write(Data("tutor: \($0)\n".utf8)) }))
    }

    /// The cases of `path`: a dataset store (a folder with tutor.sqlite), a case folder, or a folder
    /// of case folders. `proposedOnly` keeps the cases whose proposal awaits review.
    func cases(in path: String, teacher: String, proposedOnly: Bool = false) throws -> [CaseSource] {
        let index = URL(fileURLWithPath: path).appendingPathComponent(DatasetStore.indexName).path
        if FileManager.default.fileExists(atPath: index) {
            let store = try DatasetStore.open(path)
            let cases = try StoreCase.cases(of: store, user: user ?? DatasetStore.defaultUser, teacher: teacher,
                                            state: proposedOnly ? .proposed : nil)
            guard !cases.isEmpty || proposedOnly else { throw TutorError("the dataset \(path) has no cases yet; add some with `tutor dataset import`.") }
            return cases
        }
        let folders = try FolderCase.cases(in: URL(fileURLWithPath: path))
        return proposedOnly ? folders.filter { $0.storedState == .proposed } : folders
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
