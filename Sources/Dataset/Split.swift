import Foundation
import GRDB
import Volumes

/// The three subsets of a split.
public enum Subset: String, CaseIterable, Sendable {
    case train, val, test
}

extension DatasetStore {
    /// Splits the cases into train / val / test, as the paper does: by patient (all scans of a patient
    /// land in one subset) and balanced by tumour size (patients are sorted by tumour volume into up to
    /// five strata, and each stratum is dealt out in proportion to `ratios`). The order within a stratum
    /// comes from SHA-256 of `seed:patient`, so the same cases and seed always give the same split.
    /// The split is stored in the index and in `splits.json`; returns subset per case ID.
    @discardableResult
    public func split(seed: UInt64 = 0, ratios: [Double] = [70, 15, 15], user: String) throws -> [String: Subset] {
        guard ratios.count == 3, ratios.allSatisfy({ $0 >= 0 && $0.isFinite }), ratios.reduce(0, +) > 0 else {
            throw TutorError("The split ratios must be three non-negative numbers, e.g. 70,15,15.")
        }
        let fractions = ratios.map { $0 / ratios.reduce(0, +) }
        let cases = try self.cases()
        guard !cases.isEmpty else { throw TutorError("The dataset has no cases to split.") }

        // Patients with their case IDs and tumour volume (the largest of their cases; 0 when unknown).
        let byPatient = Dictionary(grouping: cases, by: \.patient)
        func order(_ p: String) -> String { SHA256.hex(of: Array("\(seed):\(p)".utf8)) }
        let patients = byPatient.keys.map { p in
            (name: p, key: order(p), size: byPatient[p]!.compactMap(\.tumourML).max() ?? 0, count: byPatient[p]!.count)
        }.sorted { ($0.size, $0.key) < ($1.size, $1.key) }

        let strata = max(1, min(5, patients.count / 10))
        var assigned = [0, 0, 0]
        var subsetOf: [String: Subset] = [:]
        for s in 0..<strata {
            let stratum = patients[(s * patients.count / strata)..<((s + 1) * patients.count / strata)]
            for p in stratum.sorted(by: { $0.key < $1.key }) {
                let total = assigned.reduce(0, +) + p.count
                let deficits = (0..<3).map { fractions[$0] * Double(total) - Double(assigned[$0]) }
                let pick = (0..<3).max { (deficits[$0], -$0) < (deficits[$1], -$1) }!
                assigned[pick] += p.count
                for c in byPatient[p.name]! { subsetOf[c.id] = Subset.allCases[pick] }
            }
        }
        try store(split: subsetOf, seed: seed, ratios: ratios, user: user)
        return subsetOf
    }

    /// The stored split (empty when the dataset has none).
    public func splits() throws -> [String: Subset] {
        try pool.read { db in
            var result: [String: Subset] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT caseID, subset FROM splits") {
                result[row["caseID"]] = Subset(rawValue: row["subset"])
            }
            return result
        }
    }

    private func store(split: [String: Subset], seed: UInt64, ratios: [Double], user: String) throws {
        var json: [String: Any] = ["seed": seed, "ratios": ratios]
        for s in Subset.allCases { json[s.rawValue] = split.filter { $0.value == s }.keys.sorted() }
        let path = absolutePath("splits.json")
        let staged = try AtomicFile.stage(try ExportWriter.json(json), near: path)
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "DELETE FROM splits")
                    for (id, s) in split.sorted(by: { $0.key < $1.key }) {
                        try db.execute(sql: "INSERT INTO splits (caseID, subset) VALUES (?, ?)", arguments: [id, s.rawValue])
                    }
                    let counts = Subset.allCases.map { s in "\(split.values.filter { $0 == s }.count) \(s.rawValue)" }
                    var event = AuditEvent(caseID: "", at: Self.timestamp(), user: user, action: "split",
                                           note: "seed \(seed), ratios \(ratios.map { String(format: "%g", $0) }.joined(separator: ",")): "
                                               + counts.joined(separator: ", "))
                    try event.insert(db)
                    try AtomicFile.replace(path, with: staged)
                    return .commit
                }
            }
        } catch {
            AtomicFile.discard(staged)
            throw error
        }
    }
}
