import Evaluation
import Foundation
import Volumes

/// How a student's probabilities are best turned into masks, chosen on labelled cases it was not
/// trained on, as nnU-Net chooses its postprocessing on validation folds: every option set of
/// `grid` is tried on every case (the network runs once per case) and ranked by the mean of mean DSC
/// and mean object F1: DSC alone barely notices a small false alarm, which a reader must still look at.
/// The winner is stored in the weights' metadata (`SegmentOptions.metadata`) so that `tutor
/// segment` uses it unless told otherwise.
public struct FinishingSearch {
    /// One option set and its scores over the cases.
    public struct Result: Sendable {
        public var options: SegmentOptions
        public var summary: ScoreSummary
        /// What the search ranks by: (mean DSC + mean F1) / 2.
        public var merit: Double { (summary.dsc.mean + summary.f1.mean) / 2 }
    }

    /// Thresholds stay at 0.5 (the training target's); the candidates' confidence, smoothing and
    /// the lung filter are what undertrained students need most.
    public static var grid: [SegmentOptions] {
        var all: [SegmentOptions] = []
        for lungFilter in [false, true] { for radius in [0.0, 2.0] { for confidence: Float in [0, 0.9, 0.95, 0.98] {
            var o = SegmentOptions()
            o.lungFilter = lungFilter; o.radiusMM = radius; o.confidence = confidence
            all.append(o)
        } } }
        return all
    }

    public let segmenter: Segmenter
    public init(segmenter: Segmenter) { self.segmenter = segmenter }

    /// Every option set of `grid` on each of `count` cases, best first; `load(n)` reads case n (one
    /// case in memory at a time). `progress(done, total)` after each case.
    public func run(count: Int, load: (Int) throws -> (name: String, ct: Volume, truth: Volume),
                    grid: [SegmentOptions] = Self.grid, progress: (Int, Int) -> Void = { _, _ in }) throws -> [Result] {
        var scores = [[CaseScores]](repeating: [], count: grid.count)
        for n in 0..<count {
            let c = try load(n)
            let (p, lungs) = try segmenter.probabilities(ct: c.ct, name: c.name)
            for (g, caseScores) in try score(probabilities: p, lungs: lungs, truth: c.truth, name: c.name, grid: grid).enumerated() {
                scores[g].append(caseScores)
            }
            progress(n + 1, count)
        }
        return Self.rank(grid, scores)
    }

    /// One case's scores under each option set of `grid`, from probabilities on the CT's grid.
    public func score(probabilities p: Volume, lungs: [Lung], truth: Volume, name: String,
                      grid: [SegmentOptions] = Self.grid) throws -> [CaseScores] {
        try grid.map { try Evaluation.score(prediction: segmenter.finish(probabilities: p, lungs: lungs, options: $0), truth: truth, name: name) }
    }

    /// Option sets with their cases' scores, best first.
    public static func rank(_ grid: [SegmentOptions], _ scores: [[CaseScores]]) -> [Result] {
        zip(grid, scores).map { Result(options: $0, summary: ScoreSummary(cases: $1)) }.sorted { $0.merit > $1.merit }
    }
}

extension SegmentOptions {
    /// The metadata keys a weights file stores its chosen options under.
    static let keys = (threshold: "segment.threshold", confidence: "segment.confidence",
                       radius: "segment.radius_mm", lungFilter: "segment.lung_filter")

    /// The options as weights metadata.
    public var metadata: [String: String] {
        [Self.keys.threshold: String(threshold), Self.keys.confidence: String(confidence),
         Self.keys.radius: String(radiusMM), Self.keys.lungFilter: lungFilter ? "true" : "false"]
    }

    /// The options a weights file recommends, or nil when it recommends none (or garbles them).
    public init?(metadata m: [String: String]) {
        guard let t = m[Self.keys.threshold].flatMap(Float.init), let c = m[Self.keys.confidence].flatMap(Float.init),
              let r = m[Self.keys.radius].flatMap(Double.init), let l = m[Self.keys.lungFilter].flatMap(Bool.init),
              t > 0, t < 1, c >= 0, c < 1, r >= 0, r <= 20 else { return nil }
        self.init()
        threshold = t; confidence = c; radiusMM = r; lungFilter = l
    }

    /// How a person would type these options.
    public var commandLine: String {
        var parts = ["--threshold \(threshold)"]
        if confidence > threshold { parts.append("--confidence \(confidence)") }
        if radiusMM > 0 { parts.append("--radius \(radiusMM)") }
        if lungFilter { parts.append("--lung-filter") }
        return parts.joined(separator: " ")
    }
}
