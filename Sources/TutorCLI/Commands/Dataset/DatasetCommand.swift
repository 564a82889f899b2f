import ArgumentParser
import Dataset

/// `tutor dataset …`: the dataset store.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Make, fill, inspect, split and export a dataset of CT cases and their labels.",
        discussion: """
        A dataset is a folder of images, expert labels, box files and teacher proposals with an index \
        (tutor.sqlite). Cases are strong (an expert mask), weak (boxes, or nothing yet), proposed (a teacher \
        mask awaiting review), accepted (pseudo-strong) or rejected. Every change is logged with who made it.
        """,
        subcommands: [DatasetInit.self, DatasetImport.self, DatasetStatusCommand.self, DatasetExport.self,
                      DatasetSplit.self, DatasetLog.self, DatasetCheck.self, DatasetPrioritise.self]
    )
}

/// The user recorded for changes.
struct UserOption: ParsableArguments {
    @Option(help: "Who is making the change, for the audit log (default: $USER, else $LOGNAME, else your account name).")
    var user: String = DatasetStore.defaultUser
}
