import Foundation
import GRDB
import Volumes

/// What `verify` found.
public struct VerifyReport: Sendable {
    /// Inconsistencies: an indexed file missing or changed, a case pointing at an unindexed file.
    /// Empty for a healthy dataset.
    public var problems: [String] = []
    /// Files on disk the index does not know: temporary files and versions left by a process killed
    /// before its commit. Harmless; `verify(sweep: true)` deletes those over an hour old (younger ones
    /// may belong to a writer that is about to commit).
    public var leftovers: [String] = []
}

extension DatasetStore {
    /// Checks that the index and the files agree: every indexed file exists (and, with `hashes`, still has
    /// its SHA-256), and every path a case points at is an indexed file of that case.
    public func verify(hashes: Bool = true, sweep: Bool = false) throws -> VerifyReport {
        var report = VerifyReport()
        let (cases, files) = try pool.read { db in (try DatasetCase.fetchAll(db), try LabelFile.fetchAll(db)) }
        let known = Dictionary(grouping: files, by: \.path).compactMapValues(\.first)
        for f in files {
            let path = absolutePath(f.path)
            guard let data = FileManager.default.contents(atPath: path) else {
                report.problems.append("\(f.path) is indexed but missing.")
                continue
            }
            if hashes && SHA256.hex(of: data) != f.sha256 { report.problems.append("\(f.path) has changed since it was indexed.") }
        }
        for c in cases {
            for path in [c.image, c.maskPath, c.boxesPath, c.referencePath].compactMap({ $0 })
            where known[path]?.caseID != c.id {
                report.problems.append("Case \(c.id) points at \(path), which is not one of its indexed files.")
            }
        }
        let casesRoot = absolutePath(Self.casesFolder)
        let enumerator = FileManager.default.enumerator(atPath: casesRoot)
        while let relative = enumerator?.nextObject() as? String {
            let path = "\(Self.casesFolder)/\(relative)"
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: absolutePath(path), isDirectory: &isFolder)
            if !exists || isFolder.boolValue || known[path] != nil { continue }
            report.leftovers.append(path)
        }
        report.leftovers.sort()
        if sweep {
            for path in report.leftovers {
                let modified = (try? FileManager.default.attributesOfItem(atPath: absolutePath(path)))?[.modificationDate] as? Date
                if let modified, Date().timeIntervalSince(modified) > 3600 { unlink(absolutePath(path)) }
            }
        }
        return report
    }
}
