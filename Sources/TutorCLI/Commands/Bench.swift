import ArgumentParser

/// `tutor bench …`: speed measurements whose figures go into Docs/benchmarks.md.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure how fast parts of tutor run (figures for Docs/benchmarks.md).",
        subcommands: [BenchTUI.self]
    )
}
