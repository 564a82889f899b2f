import ArgumentParser
import Dataset
import Volumes

/// `tutor dataset split DIR [--seed S] [--ratios 70,15,15]`
struct DatasetSplit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Split the cases into train, val and test by patient, balanced by tumour size.",
        discussion: "Deterministic: the same cases and seed give the same split. Stored in the index and in splits.json.")

    @Argument(help: "The dataset folder.")
    var dir: String

    @Option(help: "The seed that orders patients within each size stratum.")
    var seed: UInt64 = 0

    @Option(help: "Train, val and test shares, comma-separated.")
    var ratios: String = "70,15,15"

    @OptionGroup var who: UserOption

    func run() throws {
        let shares = try ratios.split(separator: ",").map { word -> Double in
            guard let v = Double(word.trimmingCharacters(in: .whitespaces)) else {
                throw TutorError("The ratios \"\(ratios)\" are not three numbers such as 70,15,15.")
            }
            return v
        }
        let split = try DatasetStore.open(dir).split(seed: seed, ratios: shares, user: who.user)
        let counts = Subset.allCases.map { s in "\(split.values.filter { $0 == s }.count) \(s.rawValue)" }
        print("Split \(split.count) cases: \(counts.joined(separator: ", ")).")
    }
}
