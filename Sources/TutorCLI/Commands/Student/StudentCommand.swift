import ArgumentParser

/// `tutor student …`: the fully automatic students.
struct StudentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "student",
        abstract: "Train the fully automatic students (baseline, single output, dual output).",
        subcommands: [StudentTrain.self, StudentTune.self])
}
