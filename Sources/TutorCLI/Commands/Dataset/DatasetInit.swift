import ArgumentParser
import Dataset

/// `tutor dataset init DIR [--name NAME]`
struct DatasetInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Make a new, empty dataset in a folder.")

    @Argument(help: "The folder to make (new or empty).")
    var dir: String

    @Option(help: "A name for the dataset (default: the folder's name).")
    var name: String?

    func run() throws {
        let store = try DatasetStore.create(at: dir, name: name)
        print("Made the dataset \"\(try store.name())\" in \(store.root).")
    }
}
