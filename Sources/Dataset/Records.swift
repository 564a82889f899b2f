import Foundation
import GRDB
import Volumes

/// Where a case stands in review. `rejected` behaves like `weak` (new boxes, a new proposal) but
/// keeps the reviewer's reason visible until the next proposal.
public enum CaseState: String, Codable, CaseIterable, Sendable, DatabaseValueConvertible {
    case weak, proposed, accepted, rejected, strong
}

/// One case: a CT image and what is known of its tumours. Paths are relative to the dataset folder.
public struct DatasetCase: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cases"
    public var id: String
    /// The patient the scan belongs to (the case ID when unknown); splits never divide a patient.
    public var patient: String
    public var state: CaseState
    /// The image, e.g. `cases/lung_001/image.nii.gz`, a byte-for-byte copy of the imported file.
    public var image: String
    public var imageSHA256: String
    public var sizeI: Int, sizeJ: Int, sizeK: Int
    /// Voxel spacing in mm along i, j, k.
    public var spacingX: Double, spacingY: Double, spacingZ: Double
    /// Tumour volume in millilitres: from the current mask, else estimated from the boxes; nil if unknown.
    public var tumourML: Double?
    /// The current mask: the expert label (strong), the proposal under review (proposed), or the
    /// accepted proposal (accepted); nil for weak and rejected cases.
    public var maskPath: String?
    /// The latest box file and its revision (1, 2, …), if any.
    public var boxesPath: String?
    public var boxRevision: Int?
    /// An expert mask kept for evaluation only (cases imported with `--boxes-from-label`); never exported as a label.
    public var referencePath: String?
    /// The reviewer's reason, for rejected cases.
    public var reason: String?
    public var updatedAt: String
    public var updatedBy: String

    public var size: GridSize { GridSize(sizeI, sizeJ, sizeK) }
    public var spacing: SIMD3<Double> { SIMD3(spacingX, spacingY, spacingZ) }
}

/// One stored file version of a case (an image, a box revision, a label, a proposal). Never overwritten.
public struct LabelFile: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "files"
    public var caseID: String
    /// `image`, `boxes`, `label` (expert mask), `proposal` (teacher mask) or `reference`.
    public var kind: String
    public var revision: Int
    public var path: String
    public var sha256: String
    public var createdAt: String
    public var createdBy: String
    /// For proposals: the hash of the teacher weights and the box revision they were made from.
    public var weightsHash: String?
    public var boxRevision: Int?
}

/// One line of the audit log: who changed what, when, and from which weights and boxes.
public struct AuditEvent: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "events"
    public var seq: Int64?
    /// The case, or "" for a change to the whole dataset (a split).
    public var caseID: String
    public var at: String
    public var user: String
    /// `import`, `boxes`, `label`, `propose`, `accept`, `reject`, `lock-recovered`, `split`.
    public var action: String
    public var fromState: CaseState?
    public var toState: CaseState?
    public var path: String?
    public var weightsHash: String?
    public var boxRevision: Int?
    public var note: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { seq = inserted.rowID }

    /// One line for a person: `2026-11-26T14:03:00Z alice propose weak→proposed cases/a/proposal.r1.nii.gz …`.
    public var line: String {
        var s = "\(at)  \(caseID.isEmpty ? "(dataset)" : caseID)  \(user)  \(action)"
        if let f = fromState, let t = toState, f != t { s += "  \(f.rawValue)→\(t.rawValue)" }
        if let p = path { s += "  \(p)" }
        if let b = boxRevision { s += "  boxes r\(b)" }
        if let w = weightsHash { s += "  weights \(w)" }
        if let n = note { s += "  (\(n))" }
        return s
    }
}

/// A case being edited: who holds it, from which process on which machine, since when.
public struct CaseLock: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "locks"
    public var caseID: String
    public var user: String
    public var pid: Int32
    public var host: String
    public var at: String
}

/// Case counts per state, and per annotator (the user of each case's latest change) per state.
public struct DatasetStatus: Codable, Sendable, Equatable {
    public var name: String
    public var cases = 0, strong = 0, weak = 0, proposed = 0, accepted = 0, rejected = 0
    public var annotators: [String: [String: Int]] = [:]
}
