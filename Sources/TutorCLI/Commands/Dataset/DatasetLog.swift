import ArgumentParser
import Dataset

/// `tutor dataset log DIR [--case ID]`
struct DatasetLog: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the audit log: who changed which case, when, from which boxes and teacher weights.")

    @Argument(help: "The dataset folder.")
    var dir: String

    @Option(name: .customLong("case"), help: "Only this case.")
    var caseID: String?

    func run() throws {
        let store = try DatasetStore.open(dir, readOnly: true)
        if let caseID { _ = try store.case(caseID) }
        for event in try store.audit(caseID) { print(event.line) }
    }
}
