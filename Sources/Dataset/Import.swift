import Foundation
import GRDB
import Volumes

/// One case to import: source files outside the dataset, copied in byte for byte.
public struct CaseImport: Sendable, Equatable {
    public var id: String
    /// The CT image (`.nii` or `.nii.gz`).
    public var image: String
    /// An expert mask on the image's grid: the case becomes strong (or weak, with `boxesFromLabel`).
    public var label: String?
    /// A box file (JSON, CSV, VOC XML or a folder of VOC files): the case becomes weak with these boxes.
    public var boxes: String?
    /// The patient; the case ID when nil.
    public var patient: String?
    /// Derive per-slice boxes from `label` and make the case weak; the label is kept as a reference
    /// for evaluation only (how the paper builds weak sets from strong ones).
    public var boxesFromLabel: Bool

    public init(id: String, image: String, label: String? = nil, boxes: String? = nil,
                patient: String? = nil, boxesFromLabel: Bool = false) {
        self.id = id; self.image = image; self.label = label; self.boxes = boxes
        self.patient = patient; self.boxesFromLabel = boxesFromLabel
    }
}

extension DatasetStore {
    /// Imports cases. Every case is checked first (ID, duplicates, files, label grid, boxes inside the
    /// image); if any fails, nothing is written. Then each case is copied in and indexed atomically.
    @discardableResult
    public func importCases(_ items: [CaseImport], user: String) throws -> [DatasetCase] {
        var seen = Set<String>()
        for item in items {
            try validateCaseID(item.id)
            guard seen.insert(item.id).inserted else { throw TutorError("The case ID \"\(item.id)\" appears twice in this import.") }
        }
        let existing = try pool.read { db in try Set(String.fetchAll(db, sql: "SELECT id FROM cases")) }
        if let dup = items.first(where: { existing.contains($0.id) }) {
            throw TutorError("The dataset already has a case \"\(dup.id)\"; nothing was imported.")
        }
        let prepared = try items.map(prepare)
        return try prepared.map { try commit($0, user: user) }
    }

    /// What the checks learnt about a case, so that the copy step need not read the volumes again.
    struct PreparedImport {
        var item: CaseImport
        var row: DatasetCase
        var imageEnding: String
        var labelEnding: String?
        var boxes: BoxFile?
    }

    private func prepare(_ item: CaseImport) throws -> PreparedImport {
        guard item.label == nil || item.boxes == nil else {
            throw TutorError("Case \(item.id): give a label or a box file, not both.")
        }
        guard !item.boxesFromLabel || item.label != nil else {
            throw TutorError("Case \(item.id): deriving boxes from the label needs a label.")
        }
        if let p = item.patient { try validatePatientID(p) }
        let imageEnding = try niftiEnding(item.image)
        let image = try NIfTI.read(item.image)
        var row = DatasetCase(id: item.id, patient: item.patient ?? item.id, state: .weak,
                              image: "\(Self.caseFolder(item.id))/image\(imageEnding)", imageSHA256: "",
                              sizeI: image.size.i, sizeJ: image.size.j, sizeK: image.size.k,
                              spacingX: image.spacing.x, spacingY: image.spacing.y, spacingZ: image.spacing.z,
                              updatedAt: "", updatedBy: "")
        var prepared = PreparedImport(item: item, row: row, imageEnding: imageEnding)
        if let labelPath = item.label {
            prepared.labelEnding = try niftiEnding(labelPath)
            let label = try NIfTI.read(labelPath)
            try checkSameGrid(label, labelPath, image, item.image)
            row.tumourML = Self.tumourML(mask: label)
            if item.boxesFromLabel {
                prepared.boxes = BoxFile(image: "", boxes: axialBoxes(of: label))
            } else {
                row.state = .strong
            }
        }
        if let boxesPath = item.boxes {
            let file = try BoxFile.load(anyFormat: boxesPath)
            try file.checkInside(image.size, source: boxesPath)
            prepared.boxes = file
            row.tumourML = Self.tumourML(boxes: file.boxes, spacing: image.spacing)
        }
        prepared.row = row
        return prepared
    }

    private func checkSameGrid(_ label: Volume, _ labelPath: String, _ image: Volume, _ imagePath: String) throws {
        guard label.size == image.size else {
            throw TutorError("The label \(labelPath) is \(label.size) but its image \(imagePath) is \(image.size).")
        }
        let close = zip(label.affine.m, image.affine.m).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) }
        guard close else {
            throw TutorError("The label \(labelPath) lies on a different grid (affine) from its image \(imagePath).")
        }
    }

    /// Copies one checked case in: files staged first, then one transaction publishes and indexes them.
    private func commit(_ p: PreparedImport, user: String) throws -> DatasetCase {
        let id = p.item.id
        let folder = absolutePath(Self.caseFolder(id))
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw TutorError("Cannot create the case folder \(folder).")
        }
        let now = Self.timestamp()
        let labelKind = p.item.boxesFromLabel ? "reference" : "label"
        var staged: [(kind: String, path: String, file: AtomicFile.Staged)] = []
        staged.append(("image", p.row.image, try AtomicFile.stage(copyOf: p.item.image, near: absolutePath(p.row.image))))
        if let source = p.item.label, let ending = p.labelEnding {
            let path = "\(Self.caseFolder(id))/\(labelKind)\(labelKind == "label" ? ".r1" : "")\(ending)"
            staged.append((labelKind, path, try AtomicFile.stage(copyOf: source, near: absolutePath(path))))
        }
        if var boxes = p.boxes {
            boxes.image = (p.row.image as NSString).lastPathComponent
            let path = "\(Self.caseFolder(id))/boxes.r1.json"
            staged.append(("boxes", path, try AtomicFile.stage(boxes.jsonData(), near: absolutePath(path))))
        }
        var row = p.row
        row.imageSHA256 = staged[0].file.sha256
        row.updatedAt = now
        row.updatedBy = user
        var published: [String] = []
        do {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    guard try DatasetCase.fetchOne(db, key: id) == nil else {
                        throw TutorError("The dataset already has a case \"\(id)\"; it was not imported again.")
                    }
                    for s in staged {
                        // The case is not indexed, so a file already there was left by a killed import.
                        unlink(absolutePath(s.path))
                        guard try AtomicFile.publish(s.file, as: absolutePath(s.path), syncFolder: false) else {
                            throw TutorError("Another process is writing \(s.path); try the import again.")
                        }
                        published.append(s.path)
                        switch s.kind {
                        case "label": row.maskPath = s.path
                        case "reference": row.referencePath = s.path
                        case "boxes": row.boxesPath = s.path; row.boxRevision = 1
                        default: break
                        }
                    }
                    AtomicFile.syncFolder(of: absolutePath(row.image))
                    try row.insert(db)
                    for s in staged {
                        try LabelFile(caseID: id, kind: s.kind, revision: 1, path: s.path, sha256: s.file.sha256,
                                      createdAt: now, createdBy: user).insert(db)
                    }
                    var event = AuditEvent(caseID: id, at: now, user: user, action: "import", toState: row.state,
                                           path: row.maskPath ?? row.boxesPath ?? row.image,
                                           boxRevision: row.boxRevision,
                                           note: p.item.boxesFromLabel ? "boxes derived from the label" : nil)
                    try event.insert(db)
                    return .commit
                }
            }
        } catch {
            for path in published { unlink(absolutePath(path)) }
            for s in staged { AtomicFile.discard(s.file) }
            throw error
        }
        return row
    }

    /// The cases of a Medical Segmentation Decathlon task folder (`dataset.json` with a `training` list
    /// of `{"image": "./imagesTr/X.nii.gz", "label": "./labelsTr/X.nii.gz"}`); case IDs are the file names.
    public static func msdTask(_ folder: String, boxesFromLabel: Bool = false) throws -> [CaseImport] {
        let manifest = (folder as NSString).appendingPathComponent("dataset.json")
        guard let data = FileManager.default.contents(atPath: manifest) else {
            throw TutorError("The MSD task \(folder) has no dataset.json.")
        }
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let training = json["training"] as? [[String: Any]] else {
            throw TutorError("\(manifest) is not an MSD dataset.json (no \"training\" list).")
        }
        return try training.map { entry in
            guard let image = entry["image"] as? String else {
                throw TutorError("\(manifest) has a training entry without an \"image\".")
            }
            let label = entry["label"] as? String
            return CaseImport(id: stripNiftiEnding(image), image: try resolveInside(folder, image, source: manifest),
                              label: try label.map { try resolveInside(folder, $0, source: manifest) },
                              boxesFromLabel: boxesFromLabel && label != nil)
        }
    }

    /// The cases of a folder of pairs: `images/ID.nii.gz`, with `labels/ID.nii.gz` (strong) or
    /// `boxes/ID.json|.csv` (weak) when present. Case IDs are the image file names.
    /// A folder of case folders as `tutor phantom` writes them (`NAME/ct.nii.gz`, with `label.nii.gz`
    /// and/or `boxes.json`): the folder name is the case ID. Nil when the folder holds none.
    static func caseFolders(_ folder: String, boxesFromLabel: Bool) throws -> [CaseImport]? {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: folder) else {
            throw TutorError("The folder \(folder) cannot be read.")
        }
        let cases = names.filter { !$0.hasPrefix(".") }.sorted().compactMap { name -> CaseImport? in
            let dir = (folder as NSString).appendingPathComponent(name)
            func file(_ f: String) -> String? {
                let path = (dir as NSString).appendingPathComponent(f)
                return fm.fileExists(atPath: path) ? path : nil
            }
            guard let image = file("ct.nii.gz") else { return nil }
            let label = file("label.nii.gz")
            return CaseImport(id: name, image: image, label: label, boxes: label == nil ? file("boxes.json") : nil,
                              boxesFromLabel: boxesFromLabel && label != nil)
        }
        return cases.isEmpty ? nil : cases
    }

    public static func imageLabelPairs(_ folder: String, boxesFromLabel: Bool = false) throws -> [CaseImport] {
        let fm = FileManager.default
        let images = (folder as NSString).appendingPathComponent("images")
        guard let names = try? fm.contentsOfDirectory(atPath: images) else {
            if let cases = try caseFolders(folder, boxesFromLabel: boxesFromLabel) { return cases }
            throw TutorError("The folder \(folder) has no images/ folder of image/label pairs, nor case folders with a ct.nii.gz.")
        }
        return names.filter { !$0.hasPrefix(".") && (try? niftiEnding($0)) != nil }.sorted().map { name in
            let id = stripNiftiEnding(name)
            func sibling(_ sub: String, _ endings: [String]) -> String? {
                endings.map { (folder as NSString).appendingPathComponent("\(sub)/\(id)\($0)") }.first(where: fm.fileExists)
            }
            let label = sibling("labels", [".nii.gz", ".nii"])
            return CaseImport(id: id, image: (images as NSString).appendingPathComponent(name), label: label,
                              boxes: label == nil ? sibling("boxes", [".json", ".csv"]) : nil,
                              boxesFromLabel: boxesFromLabel && label != nil)
        }
    }
}
