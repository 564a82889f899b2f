import ArgumentParser
import Evaluation
import Foundation
import Teacher
import Volumes

/// `tutor teacher evaluate`: the teacher against the threshold baseline on labelled cases, with boxes
/// drawn as people draw them.
struct TeacherEvaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score the teacher and the threshold baseline on labelled cases with human-like boxes.",
        discussion: """
        CASES is a case folder (ct.nii.gz + label.nii.gz) or a folder of them. For each case, \
        --draws sets of boxes are drawn from the label as a person would (each side up to 3 mm loose, \
        shifted up to 1 mm, now and then a slice left out; seeded), and each method proposes a mask \
        from the same boxes. Prints DSC per case and method, and the mean ± std.
        """)

    @Argument(help: "A case folder or a folder of case folders.") var cases: String
    @Option(help: "Teacher weights (default: the bundled teacher).") var weights: String?
    @Option(help: "Box sets drawn per case.") var draws: Int = 3
    @Option(help: "Seed for the drawn boxes.") var seed: UInt64 = 7
    @Flag(help: "Use the tight boxes (derived from the label) instead of human-like ones.") var tight = false
    @Option(help: ArgumentHelp("Also score the network with this HU-edge rule, as P,SURE,GROW[,AGREE] (keep p > P where denser than the box's Otsu level or p > SURE, then grow into dense voxels with p > GROW; GROW '-' for no growing; use the HU values only where the dense voxels and the network's mask agree to DSC ≥ AGREE, always without it). The default rule is \(Postprocess().text). Repeat to compare rules; all share one network pass.", valueName: "P,SURE,GROW[,AGREE]"))
    var fusion: [String] = []
    @Flag(help: "Average each crop's probabilities with those of its left-right mirror (twice the network's work).")
    var mirror = false

    func run() throws {
        let rules = try fusion.map { try Postprocess(text: $0) }
        let folders = try caseFolders(cases)
        let net = try ProposalEngine(method: .net, weights: weights.map { URL(fileURLWithPath: $0) })
        let raw = try ProposalEngine(method: .net, weights: weights.map { URL(fileURLWithPath: $0) })
        raw.teacher?.refineWithHU = false
        for engine in [net, raw] { engine.teacher?.mirrorAverage = mirror }
        let threshold = try ProposalEngine(method: .threshold, weights: nil)
        var all: [String: [Double]] = ["net": [], "raw": [], "threshold": []]
        let ruleKeys = rules.map(\.text)
        for key in ruleKeys { all[key] = [] }
        var seconds = 0.0, proposals = 0
        func row(_ name: String, _ cells: String...) -> String {
            name.padding(toLength: 24, withPad: " ", startingAt: 0) + " " + cells.map {
                String(repeating: " ", count: max(0, 12 - $0.count)) + $0
            }.joined(separator: " ")
        }
        func rows(_ name: String, _ cells: [String]) -> String { row(name, cells[0], cells[1], cells[2], cells[3]) +
            cells.dropFirst(4).map { String(repeating: " ", count: max(1, 16 - $0.count)) + $0 }.joined() }
        print(rows("case", ["boxes", "net+HU", "net only", "threshold"] + ruleKeys))
        for folder in folders {
            let image = try VolumeIO.read(folder.appendingPathComponent("ct.nii.gz").path)
            let label = try VolumeIO.read(folder.appendingPathComponent("label.nii.gz").path)
            let tightBoxes = axialBoxes(of: label)
            for draw in 0..<(tight ? 1 : draws) {
                var rng = SeededGenerator.derived(seed: seed, index: UInt64(draw))
                let boxes = tight ? tightBoxes
                    : humanLikeBoxes(tightBoxes, spacing: image.spacing, size: image.size, using: &rng)
                let started = Date()
                let proposal = try net.propose(image: image, boxes: boxes)
                seconds += Date().timeIntervalSince(started); proposals += 1   // the proposal, not its scoring
                let a = try score(prediction: proposal, truth: label).dsc
                let r = try score(prediction: raw.propose(image: image, boxes: boxes), truth: label).dsc
                let b = try score(prediction: threshold.propose(image: image, boxes: boxes), truth: label).dsc
                all["net"]!.append(a); all["raw"]!.append(r); all["threshold"]!.append(b)
                var extra: [String] = []
                if !rules.isEmpty, let masks = try net.propose(image: image, boxes: boxes, postprocesses: rules) {
                    for (key, mask) in zip(ruleKeys, masks) {
                        let d = try score(prediction: mask, truth: label).dsc
                        all[key]!.append(d); extra.append(String(format: "%.4f", d))
                    }
                }
                print(rows(folder.lastPathComponent, [tight ? "tight" : "human \(draw)",
                          String(format: "%.4f", a), String(format: "%.4f", r), String(format: "%.4f", b)] + extra))
                fflush(stdout)   // rows show as they come, also in a log file
            }
        }
        let cells = (["net", "raw", "threshold"] + ruleKeys).map { key -> String in
            let m = MeanStd(all[key]!)
            return String(format: "%.3f±%.3f", m.mean, m.std)
        }
        print(rows("mean ± std (\(all["net"]!.count))", [""] + cells))
        print(String(format: "teacher: %@, %.2f s per proposal (image loaded)", net.label, seconds / Double(max(proposals, 1))))
    }
}
