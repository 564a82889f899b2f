import Foundation
import Teacher
import Volumes

/// Where the student weights that ship with tutor live: next to the executable (SwiftPM resources),
/// or in the source tree for development builds. `TUTOR_STUDENT_WEIGHTS` overrides (one file).
///
/// The bundled student is an ensemble: `student-so.safetensors`, which also holds the options
/// `tutor student tune` chose for the whole ensemble, then `student-so-2.safetensors`,
/// `student-so-3.safetensors`, … for as long as they exist.
public enum BundledStudent {
    public static let fileName = "student-so.safetensors"

    /// The bundled ensemble's files, first one first; empty when none ships.
    public static var weights: [URL] {
        guard let first = BundledWeights.find(fileName, module: "Student", env: "TUTOR_STUDENT_WEIGHTS", source: #filePath) else {
            return []
        }
        if ProcessInfo.processInfo.environment["TUTOR_STUDENT_WEIGHTS"] != nil { return [first] }
        return ensemble(startingAt: first)
    }

    /// `first`, then the files beside it numbered from 2 (`student-so-2.safetensors`, …) up to the
    /// first number missing.
    static func ensemble(startingAt first: URL) -> [URL] {
        let stem = first.deletingPathExtension().lastPathComponent
        var all = [first]
        while true {
            let next = first.deletingLastPathComponent().appendingPathComponent("\(stem)-\(all.count + 1).safetensors")
            guard FileManager.default.fileExists(atPath: next.path) else { return all }
            all.append(next)
        }
    }

    /// The students for `tutor segment`: the files of `weights` if any are given, else the bundled ensemble.
    public static func load(_ weights: [String]) throws -> [StudentNetwork] {
        let urls = weights.isEmpty ? Self.weights : weights.map { URL(fileURLWithPath: $0) }
        guard !urls.isEmpty else {
            throw TutorError("no student weights found: pass --weights FILE (train one with `tutor student train`).")
        }
        return try urls.map { try StudentNetwork(contentsOf: $0) }
    }
}
