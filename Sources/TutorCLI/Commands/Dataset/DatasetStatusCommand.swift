import ArgumentParser
import Dataset
import Foundation

/// `tutor dataset status DIR [--json]`
struct DatasetStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Count a dataset's cases per state and per annotator.")

    @Argument(help: "The dataset folder.")
    var dir: String

    @Flag(help: "Print JSON: keys cases, strong, weak, proposed, accepted, rejected, annotators, name.")
    var json = false

    func run() throws {
        let s = try DatasetStore.open(dir, readOnly: true).status()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(s), as: UTF8.self))
            return
        }
        print("\(s.name): \(s.cases) cases")
        for (state, n) in [("strong", s.strong), ("weak", s.weak), ("proposed", s.proposed),
                           ("accepted", s.accepted), ("rejected", s.rejected)] {
            print("  \(state.padding(toLength: 9, withPad: " ", startingAt: 0)) \(n)")
        }
        if !s.annotators.isEmpty { print("by latest change:") }
        for (user, counts) in s.annotators.sorted(by: { $0.key < $1.key }) {
            let parts = counts.sorted(by: { $0.key < $1.key }).map { "\($0.value) \($0.key)" }
            print("  \(user): \(parts.joined(separator: ", "))")
        }
    }
}
