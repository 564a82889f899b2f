import Foundation
import GRDB
import Volumes

// Every change to a case goes through `change`: the new file is staged (written in full and fsynced)
// before the index is touched; then one IMMEDIATE transaction checks the case's lock and state, gives
// the staged file its versioned name (never replacing a file), and records the case row, the file
// row and the audit event. If the transaction fails, the published file is removed again.

extension DatasetStore {
    /// Saves a new box revision (1, 2, …) for a case, in any state; returns the revision.
    @discardableResult
    public func saveBoxes(_ id: String, _ boxes: BoxFile, user: String) throws -> Int {
        var file = boxes
        let current = try self.case(id)
        try file.checkInside(current.size, source: "The boxes for case \(id)")
        file.image = (current.image as NSString).lastPathComponent
        let staged = try AtomicFile.stage(file.jsonData(), near: absolutePath(current.image))
        return try change(id, user: user, action: "boxes", staged: staged, kind: "boxes", ending: ".json") { c, f in
            c.boxesPath = f.path
            c.boxRevision = f.revision
            if c.maskPath == nil { c.tumourML = Self.tumourML(boxes: file.boxes, spacing: c.spacing) }
        }.revision
    }

    /// Stores a teacher's mask for review: the case becomes `proposed`. Refused for strong cases.
    /// `weightsHash` names the teacher weights and `boxRevision` the boxes it was made from.
    @discardableResult
    public func saveProposal(_ id: String, mask: Volume, weightsHash: String, boxRevision: Int?,
                             user: String) throws -> Int {
        let staged = try stageMask(id, mask)
        return try change(id, user: user, action: "propose", staged: staged, kind: "proposal", ending: ".nii.gz",
                          weightsHash: weightsHash, boxRevision: boxRevision) { c, f in
            guard c.state != .strong else {
                throw TutorError("Case \(c.id) has an expert label; a teacher proposal would not replace it.")
            }
            c.state = .proposed
            c.maskPath = f.path
            c.reason = nil
            c.tumourML = Self.tumourML(mask: mask)
        }.revision
    }

    /// Stores an expert mask drawn by hand: the case becomes `strong`.
    @discardableResult
    public func saveLabel(_ id: String, mask: Volume, user: String) throws -> Int {
        let staged = try stageMask(id, mask)
        return try change(id, user: user, action: "label", staged: staged, kind: "label", ending: ".nii.gz") { c, f in
            c.state = .strong
            c.maskPath = f.path
            c.reason = nil
            c.tumourML = Self.tumourML(mask: mask)
        }.revision
    }

    /// A reviewer accepts the proposal under review: it becomes the case's pseudo-strong label.
    public func accept(_ id: String, user: String) throws {
        try change(id, user: user, action: "accept") { c, _ in
            guard c.state == .proposed else {
                throw TutorError("Case \(c.id) is \(c.state.rawValue), not proposed; there is no proposal to accept.")
            }
            c.state = .accepted
        }
    }

    /// A reviewer rejects a proposal (or revokes an accepted one): the case goes back to weak
    /// (state `rejected`, with the reason); the proposal file stays on disk in the history.
    public func reject(_ id: String, reason: String, user: String) throws {
        try change(id, user: user, action: "reject", note: reason) { c, _ in
            guard c.state == .proposed || c.state == .accepted else {
                throw TutorError("Case \(c.id) is \(c.state.rawValue); only proposed or accepted cases can be rejected.")
            }
            c.state = .rejected
            c.maskPath = nil
            c.reason = reason
        }
    }

    // MARK: The one way to change a case

    /// Applies `edit` to case `id` in one transaction, publishing `staged` (if any) as
    /// `cases/ID/KIND.rN ENDING` with the next free revision N. Returns the file row (or a blank one).
    @discardableResult
    func change(_ id: String, user: String, action: String, note: String? = nil,
                staged: AtomicFile.Staged? = nil, kind: String = "", ending: String = "",
                weightsHash: String? = nil, boxRevision: Int? = nil,
                edit: (inout DatasetCase, LabelFile) throws -> Void) throws -> LabelFile {
        let now = Self.timestamp()
        var file = LabelFile(caseID: id, kind: kind, revision: 0, path: "", sha256: staged?.sha256 ?? "", createdAt: now,
                             createdBy: user, weightsHash: weightsHash, boxRevision: boxRevision)
        var published = false
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    var c = try Self.fetchCase(db, id)
                    try checkLock(db, id)
                    let before = c.state
                    if let staged {
                        file.revision = try Int.fetchOne(db, sql: "SELECT MAX(revision) FROM files WHERE caseID = ? AND kind = ?",
                                                         arguments: [id, kind]) ?? 0
                        repeat {   // a file left by a writer killed before its commit keeps its name; skip past it
                            file.revision += 1
                            file.path = "\(Self.caseFolder(id))/\(kind).r\(file.revision)\(ending)"
                        } while try !AtomicFile.publish(staged, as: absolutePath(file.path))
                        published = true
                        try file.insert(db)
                    }
                    try edit(&c, file)
                    c.updatedAt = now
                    c.updatedBy = user
                    try c.update(db)
                    var event = AuditEvent(caseID: id, at: now, user: user, action: action, fromState: before,
                                           toState: c.state, path: staged == nil ? c.maskPath : file.path,
                                           weightsHash: weightsHash,
                                           boxRevision: boxRevision ?? (kind == "boxes" ? file.revision : nil), note: note)
                    try event.insert(db)
                    return .commit
                }
            }
        } catch {
            if published { unlink(absolutePath(file.path)) } else if let staged { AtomicFile.discard(staged) }
            throw error
        }
        return file
    }

    /// Writes a mask as uint8 NIfTI to a hidden temporary file in the case's folder, fsynced and hashed.
    func stageMask(_ id: String, _ mask: Volume) throws -> AtomicFile.Staged {
        let c = try self.case(id)
        guard mask.size == c.size else {
            throw TutorError("The mask for case \(id) is \(mask.size) but its image is \(c.size).")
        }
        var m = mask
        m.storedType = "uint8"
        let folder = absolutePath(Self.caseFolder(id))
        let temp = (folder as NSString).appendingPathComponent("\(AtomicFile.tempPrefix)\(getpid())-\(UUID().uuidString.prefix(8))-mask.nii.gz")
        try NIfTI.write(m, to: temp)
        return try AtomicFile.stage(written: temp)
    }

    /// Tumour volume in ml of a mask (voxels > 0.5).
    static func tumourML(mask: Volume) -> Double {
        let voxels = mask.voxels.reduce(0) { $0 + ($1 > 0.5 ? 1 : 0) }
        return Double(voxels) * mask.spacing.x * mask.spacing.y * mask.spacing.z / 1000
    }

    /// A rough tumour volume in ml from boxes: the summed box areas times the slice thickness (an upper bound).
    static func tumourML(boxes: [Box], spacing: SIMD3<Double>) -> Double? {
        guard !boxes.isEmpty else { return nil }
        let voxels = boxes.reduce(0) { $0 + ($1.xMax - $1.xMin + 1) * ($1.yMax - $1.yMin + 1) }
        return Double(voxels) * spacing.x * spacing.y * spacing.z / 1000
    }
}
