import ArgumentParser

/// `tutor teacher …`: the box-guided teacher that turns boxes into 3D masks.
struct TeacherCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher",
        abstract: "Propose tumour masks from boxes, and train the teacher that does it.",
        subcommands: [TeacherPredict.self, TeacherTrain.self])
}
