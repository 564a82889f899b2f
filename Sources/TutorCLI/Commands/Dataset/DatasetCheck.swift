import ArgumentParser
import Dataset
import Volumes

/// `tutor dataset check DIR [--sweep]`
struct DatasetCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the index and the files agree (every indexed file present and unchanged).")

    @Argument(help: "The dataset folder.")
    var dir: String

    @Flag(help: "Delete leftover files over an hour old (from writers killed before they committed).")
    var sweep = false

    func run() throws {
        let report = try DatasetStore.open(dir).verify(sweep: sweep)
        for p in report.problems { print("problem: \(p)") }
        for l in report.leftovers { print("leftover: \(l)") }
        guard report.problems.isEmpty else {
            throw TutorError("The dataset \(dir) has \(report.problems.count) problem(s), listed above.")
        }
        print("The dataset is consistent (\(report.leftovers.count) leftover file(s)).")
    }
}
