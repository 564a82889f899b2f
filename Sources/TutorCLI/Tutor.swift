import ArgumentParser
import Foundation
import Volumes

/// The root command: `tutor --help` lists every subcommand.
public struct Tutor: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tutor",
        abstract: "A terminal workbench for mixed-supervision lung tumour segmentation on CT.",
        discussion: """
        Annotators draw axial boxes, a box-guided teacher proposes 3D masks, reviewers accept them, \
        and students trained on strong + pseudo-strong labels segment with no human in the loop.
        """,
        subcommands: [
            // The workbench first, then the pipeline in the order of the method, then the tools.
            Demo.self, Annotate.self, Review.self,
            Info.self, PreprocessCommand.self, PhantomCommand.self, DatasetCommand.self,
            TeacherCommand.self, PseudoLabelCommand.self, StudentCommand.self, Segment.self,
            Eval.self, Experiment.self, ModelCommand.self, BenchCommand.self,
        ]
    )
    public init() {}

    /// Runs a command line and turns every error into one sentence on stderr and a non-zero exit.
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let error as TutorError {
            FileHandle.standardError.write(Data("tutor: \(error.message)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
