import Foundation
import Volumes

/// One predicted mask file and the true mask file it is scored against.
public struct CasePair: Equatable, Sendable {
    public var name: String, prediction: String, truth: String
}

/// Finds which prediction goes with which truth for `tutor eval`.
///
/// Two files make one case. Two folders are matched by case name, where a case is either a file
/// `NAME.nii.gz` / `NAME.nii` / `NAME.nrrd` (case NAME) or a subfolder `NAME/` holding the mask: its only
/// volume other than `ct.*`/`image.*`, or else the one named as preferred (`label` for the truth;
/// `pred`, `prediction`, `proposal`, `mask`, then `label` for the prediction).
public enum CasePairing {
    static let truthNames = ["label", "mask", "seg"]
    static let predictionNames = ["pred", "prediction", "proposal", "mask", "label", "seg"]

    public static func pairs(prediction: String, truth: String) throws -> [CasePair] {
        let predIsDir = try kind(prediction, "prediction"), truthIsDir = try kind(truth, "truth")
        switch (predIsDir, truthIsDir) {
        case (false, false):
            return [CasePair(name: caseName(ofFile: truth), prediction: prediction, truth: truth)]
        case (true, true):
            let preds = try cases(in: prediction, preferring: predictionNames)
            let truths = try cases(in: truth, preferring: truthNames)
            guard !truths.isEmpty else { throw TutorError("\(truth) holds no mask files (.nii, .nii.gz, .nrrd) or case folders.") }
            let missing = truths.keys.filter { preds[$0] == nil }.sorted()
            guard missing.isEmpty else {
                let shown = missing.prefix(3).joined(separator: ", ") + (missing.count > 3 ? " and \(missing.count - 3) more" : "")
                throw TutorError("\(prediction) has no prediction for \(shown) of \(truth).")
            }
            return truths.keys.sorted().map { CasePair(name: $0, prediction: preds[$0]!, truth: truths[$0]!) }
        default:
            throw TutorError("--pred and --truth must both be files or both be folders (\(prediction), \(truth)).")
        }
    }

    /// Whether `path` is a folder; throws when it does not exist.
    private static func kind(_ path: String, _ role: String) throws -> Bool {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TutorError("the \(role) \(path) does not exist.")
        }
        return isDir.boolValue
    }

    static func isVolume(_ name: String) -> Bool {
        name.hasSuffix(".nii.gz") || name.hasSuffix(".nii") || name.hasSuffix(".nrrd")
    }

    static func stem(_ name: String) -> String {
        for ext in [".nii.gz", ".nii", ".nrrd"] where name.hasSuffix(ext) { return String(name.dropLast(ext.count)) }
        return name
    }

    /// The case a lone file stands for: its stem, or its folder's name when the stem is generic.
    static func caseName(ofFile path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let s = stem(url.lastPathComponent)
        return (truthNames + predictionNames).contains(s) ? url.deletingLastPathComponent().lastPathComponent : s
    }

    /// Case name → mask path for the cases in `dir`.
    static func cases(in dir: String, preferring preferred: [String]) throws -> [String: String] {
        let fm = FileManager.default
        let entries = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
        var result: [String: String] = [:]
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let path = (dir as NSString).appendingPathComponent(entry)
            var isDir: ObjCBool = false
            fm.fileExists(atPath: path, isDirectory: &isDir)
            if !isDir.boolValue {
                if isVolume(entry) { result[stem(entry)] = path }
                continue
            }
            let inner = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter {
                isVolume($0) && !["ct", "image"].contains(stem($0))
            }
            if inner.count == 1 { result[entry] = (path as NSString).appendingPathComponent(inner[0]); continue }
            if let name = preferred.lazy.compactMap({ p in inner.first { stem($0) == p } }).first {
                result[entry] = (path as NSString).appendingPathComponent(name)
            } else if inner.count > 1 {
                throw TutorError("\(path) holds several masks (\(inner.sorted().joined(separator: ", "))); name the one to score \(preferred[0]).nii.gz.")
            }
        }
        return result
    }
}
