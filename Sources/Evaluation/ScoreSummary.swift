import Foundation

/// A metric's mean and population standard deviation over the cases where it is defined.
public struct MeanStd: Codable, Sendable, Equatable {
    public var mean: Double, std: Double, count: Int

    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = .nan; std = .nan; return }
        mean = values.reduce(0, +) / Double(values.count)
        let m = mean
        std = (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }
}

extension MeanStd {
    /// "mean ± std" in percent with two decimals, as the paper's tables; "–" when nothing was measured.
    public var percentText: String { count == 0 ? "–" : String(format: "%.2f ± %.2f", 100 * mean, 100 * std) }
}

/// Mean ± std of each metric over many cases, as the paper's tables give them.
public struct ScoreSummary: Codable, Sendable, Equatable {
    public var cases: [CaseScores]
    public var dsc: MeanStd, dscTP: MeanStd, f1: MeanStd, recall: MeanStd, precision: MeanStd

    public init(cases: [CaseScores]) {
        self.cases = cases
        dsc = MeanStd(cases.map(\.dsc))
        dscTP = MeanStd(cases.compactMap(\.dscTP))
        f1 = MeanStd(cases.map(\.f1))
        recall = MeanStd(cases.map(\.recall))
        precision = MeanStd(cases.map(\.precision))
    }

    enum CodingKeys: String, CodingKey { case cases, dsc, f1, recall, precision, dscTP = "dsc_tp" }

    /// A plain-text table: one row per case, then `mean ± std`; scores in percent with two decimals.
    public var table: String {
        let headers = ["case", "DSC", "DSC-TP", "F1-score", "Recall", "Precision", "objects (true/pred/hit)"]
        func pct(_ v: Double?) -> String { v.map { String(format: "%.2f", 100 * $0) } ?? "–" }
        func pm(_ m: MeanStd) -> String { m.count == 0 ? "–" : String(format: "%.2f ± %.2f", 100 * m.mean, 100 * m.std) }
        var rows = cases.map { c in
            [c.name, pct(c.dsc), pct(c.dscTP), pct(c.f1), pct(c.recall), pct(c.precision),
             "\(c.trueObjects)/\(c.predictedObjects)/\(c.matchedTrue)"]
        }
        rows.append(["mean ± std (\(cases.count))", pm(dsc), pm(dscTP), pm(f1), pm(recall), pm(precision), ""])
        let widths = headers.indices.map { col in ([headers] + rows).map { $0[col].count }.max()! }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { col, cell in
                let pad = String(repeating: " ", count: widths[col] - cell.count)
                return col == 0 ? cell + pad : pad + cell
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rule = String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))
        return ([line(headers), rule] + rows.dropLast().map(line) + [rule, line(rows.last!)]).joined(separator: "\n")
    }
}
