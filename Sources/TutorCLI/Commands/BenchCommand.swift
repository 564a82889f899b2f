import ArgumentParser

/// `tutor bench …`: timings measured on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the engine on this machine.",
        subcommands: [BenchTeacher.self, BenchTUI.self]
    )
}
