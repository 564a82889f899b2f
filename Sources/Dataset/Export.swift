import Foundation
import GRDB
import Volumes

/// The layouts `export` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// nnU-Net v2 raw: `imagesTr/ID_0000.nii.gz`, `labelsTr/ID.nii.gz`, `dataset.json`.
    case nnunet
    /// Medical Segmentation Decathlon: `imagesTr/ID.nii.gz`, `labelsTr/ID.nii.gz`, `dataset.json` with a training list.
    case msd
    /// MONAI: `images/`, `labels/` and `datalist.json` (training / validation / testing from the split).
    case monai
    /// Boxes: `boxes.csv` (all cases), `json/ID.json` and `voc/ID/slice_KKKK.xml`.
    case boxes
}

/// The supervision level of an exported case.
public enum Supervision: String, CaseIterable, Sendable, Comparable {
    case strong, pseudo, weak
    public static func < (a: Supervision, b: Supervision) -> Bool { a.rawValue < b.rawValue }
}

/// What an export wrote.
public struct ExportResult: Sendable {
    public var folder: String
    public var cases: Int
    /// SHA-256 of `manifest.json`, which lists every exported file with its own SHA-256: equal dataset
    /// states give equal hashes.
    public var manifestSHA256: String
}

extension DatasetStore {
    /// Exports a snapshot of the dataset to `out` (which must not exist, or be empty). The export is built
    /// in a hidden sibling folder and renamed into place, so `out` is either absent or complete.
    /// Images and labels are copied byte for byte; JSON has sorted keys; nothing depends on the time, so
    /// the same dataset state always gives byte-identical files.
    /// `include` picks cases by supervision: `strong` (expert masks), `pseudo` (accepted proposals only),
    /// `weak` (boxes; only for the `boxes` format).
    public func export(_ format: ExportFormat, to out: String, include: Set<Supervision>) throws -> ExportResult {
        if format != .boxes && include.contains(.weak) {
            throw TutorError("Weak cases have no mask; export them with --format boxes.")
        }
        let target = Self.absolute(out)
        let fm = FileManager.default
        if fm.fileExists(atPath: target) {
            guard let contents = try? fm.contentsOfDirectory(atPath: target), contents.isEmpty else {
                throw TutorError("The export folder \(out) already exists and is not empty; choose a new one.")
            }
        }
        let snapshot = try exportSnapshot(include: include, boxesOnly: format == .boxes)
        let staging = ((target as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(".\((target as NSString).lastPathComponent).partial-\(getpid())")
        try? fm.removeItem(atPath: staging)
        do {
            let writer = ExportWriter(store: self, folder: staging, name: try name(), snapshot: snapshot)
            let hash = try writer.write(format, include: include)
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.moveItem(atPath: staging, toPath: target)
            return ExportResult(folder: target, cases: snapshot.count, manifestSHA256: hash)
        } catch {
            try? fm.removeItem(atPath: staging)
            if let e = error as? TutorError { throw e }
            throw TutorError("Cannot write the export to \(out): \(error.localizedDescription)")
        }
    }

    /// One exported case as read in a single read transaction.
    struct ExportCase {
        var row: DatasetCase
        var supervision: Supervision
        var image: LabelFile
        var mask: LabelFile?
        var boxes: LabelFile?
        var acceptedBy: AuditEvent?
        var subset: String?
    }

    private func exportSnapshot(include: Set<Supervision>, boxesOnly: Bool) throws -> [ExportCase] {
        try pool.read { db in
            let files = Dictionary(grouping: try LabelFile.fetchAll(db), by: \.path).compactMapValues(\.first)
            let subsets = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT caseID, subset FROM splits")
                .map { ($0["caseID"] as String, $0["subset"] as String) })
            var result: [ExportCase] = []
            for c in try DatasetCase.order(Column("id")).fetchAll(db) {
                let level: Supervision = c.state == .strong ? .strong : c.state == .accepted ? .pseudo : .weak
                guard include.contains(level), let image = files[c.image] else { continue }
                var e = ExportCase(row: c, supervision: level, image: image, mask: c.maskPath.flatMap { files[$0] },
                                   boxes: c.boxesPath.flatMap { files[$0] }, subset: subsets[c.id])
                if boxesOnly ? e.boxes == nil : e.mask == nil { continue }
                if level == .pseudo {
                    e.acceptedBy = try AuditEvent.filter(Column("caseID") == c.id && Column("action") == "accept")
                        .order(Column("seq").desc).fetchOne(db)
                }
                result.append(e)
            }
            return result
        }
    }
}

/// Writes one export into a staging folder; returns the manifest hash.
struct ExportWriter {
    let store: DatasetStore
    let folder: String
    let name: String
    let snapshot: [DatasetStore.ExportCase]

    func write(_ format: ExportFormat, include: Set<Supervision>) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var entries: [[String: Any]] = []
        switch format {
        case .nnunet, .msd, .monai:
            let ending = try commonEnding()
            let (images, labels) = format == .monai ? ("images", "labels") : ("imagesTr", "labelsTr")
            var list: [(subset: String?, image: String, label: String)] = []
            for c in snapshot {
                let image = "\(images)/\(c.row.id)\(format == .nnunet ? "_0000" : "")\(ending)"
                let label = "\(labels)/\(c.row.id)\(ending)"
                var entry = caseEntry(c)
                entry["files"] = ["image": try copy(c.image, to: image), "label": try copy(c.mask!, to: label)]
                entries.append(entry)
                list.append((c.subset, image, label))
            }
            try writeIndex(format, ending: ending, list: list)
        case .boxes:
            var csv = "case," + BoxFile.csvColumns.joined(separator: ",") + "\n"
            for c in snapshot {
                let file = try BoxFile.load(json: store.absolutePath(c.boxes!.path))
                var entry = caseEntry(c)
                var files: [String: Any] = ["json": try copy(c.boxes!, to: "json/\(c.row.id).json")]
                for line in String(decoding: file.csvData(), as: UTF8.self).split(separator: "\n").dropFirst() {
                    csv += "\(c.row.id),\(line)\n"
                }
                var voc: [[String: String]] = []
                for doc in file.vocDocuments(size: c.row.size) {
                    voc.append(try writeFile(doc.data, to: "voc/\(c.row.id)/\(doc.name)"))
                }
                files["voc"] = voc
                entry["files"] = files
                entries.append(entry)
            }
            _ = try writeFile(Data(csv.utf8), to: "boxes.csv")
        }
        let manifest: [String: Any] = ["dataset": name, "format": format.rawValue,
                                       "include": include.sorted().map(\.rawValue), "cases": entries]
        let data = try Self.json(manifest)
        _ = try writeFile(data, to: "manifest.json")
        let hash = SHA256.hex(of: data)
        _ = try writeFile(Data("\(hash)  manifest.json\n".utf8), to: "manifest.sha256")
        return hash
    }

    /// The supervision level and provenance of a case, for the manifest.
    private func caseEntry(_ c: DatasetStore.ExportCase) -> [String: Any] {
        var entry: [String: Any] = ["id": c.row.id, "patient": c.row.patient,
                                    "supervision": c.supervision == .pseudo ? "pseudo-strong" : c.supervision.rawValue]
        if let s = c.subset { entry["subset"] = s }
        func provenance(_ f: LabelFile) -> [String: Any] {
            var p: [String: Any] = ["kind": f.kind, "revision": f.revision, "source": f.path,
                                    "created_by": f.createdBy, "created_at": f.createdAt]
            if let w = f.weightsHash { p["weights_hash"] = w }
            if let b = f.boxRevision { p["box_revision"] = b }
            return p
        }
        if c.supervision != .weak, let m = c.mask { entry["label"] = provenance(m) }
        if let b = c.boxes { entry["boxes"] = provenance(b) }
        if let a = c.acceptedBy { entry["accepted"] = ["by": a.user, "at": a.at] }
        return entry
    }

    /// nnU-Net needs one file ending; images and masks keep the bytes (and so the ending) they were stored with.
    private func commonEnding() throws -> String {
        var endings: [String: String] = [:]
        for c in snapshot {
            for f in [c.image, c.mask].compactMap({ $0 }) { endings[try niftiEnding(f.path)] = f.path }
        }
        guard endings.count <= 1 else {
            let examples = endings.values.sorted().joined(separator: " and ")
            throw TutorError("The exported files mix .nii and .nii.gz (\(examples)); this format needs one file ending.")
        }
        return endings.keys.first ?? ".nii.gz"
    }

    private func writeIndex(_ format: ExportFormat, ending: String,
                            list: [(subset: String?, image: String, label: String)]) throws {
        switch format {
        case .nnunet:
            let index: [String: Any] = ["name": name, "channel_names": ["0": "CT"], "labels": ["background": 0, "tumour": 1],
                                        "numTraining": list.count, "file_ending": ending]
            _ = try writeFile(try Self.json(index), to: "dataset.json")
        case .msd:
            let index: [String: Any] = [
                "name": name, "description": "Lung tumour segmentation exported by tutor", "tensorImageSize": "3D",
                "modality": ["0": "CT"], "labels": ["0": "background", "1": "tumour"],
                "numTraining": list.count, "numTest": 0, "test": [String](),
                "training": list.map { ["image": "./\($0.image)", "label": "./\($0.label)"] }]
            _ = try writeFile(try Self.json(index), to: "dataset.json")
        case .monai:
            var index: [String: [[String: String]]] = ["training": [], "validation": [], "testing": []]
            let keys = ["train": "training", "val": "validation", "test": "testing"]
            for e in list { index[keys[e.subset ?? "train"] ?? "training"]!.append(["image": e.image, "label": e.label]) }
            _ = try writeFile(try Self.json(index), to: "datalist.json")
        case .boxes:
            break
        }
    }

    /// Copies a stored file byte for byte, checking it still has the hash the index recorded.
    private func copy(_ file: LabelFile, to relative: String) throws -> [String: String] {
        let path = prepare(relative)
        let staged = try AtomicFile.stage(copyOf: store.absolutePath(file.path), near: path)
        guard staged.sha256 == file.sha256 else {
            AtomicFile.discard(staged)
            throw TutorError("The file \(file.path) in the dataset has changed since it was indexed; run `tutor dataset check`.")
        }
        try AtomicFile.replace(path, with: staged)
        return ["path": relative, "sha256": staged.sha256]
    }

    private func writeFile(_ data: Data, to relative: String) throws -> [String: String] {
        let path = prepare(relative)
        let staged = try AtomicFile.stage(data, near: path)
        try AtomicFile.replace(path, with: staged)
        return ["path": relative, "sha256": staged.sha256]
    }

    private func prepare(_ relative: String) -> String {
        let path = (folder as NSString).appendingPathComponent(relative)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        return path
    }

    /// Pretty JSON with sorted keys and a final newline: the same value always gives the same bytes.
    static func json(_ value: Any) throws -> Data {
        var data = try JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0A)
        return data
    }
}
