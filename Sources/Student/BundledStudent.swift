import Foundation
import Teacher
import Volumes

/// Where the student weights that ship with tutor live: next to the executable (SwiftPM resources),
/// or in the source tree for development builds. `TUTOR_STUDENT_WEIGHTS` overrides.
public enum BundledStudent {
    public static let fileName = "student-so.safetensors"

    public static var weights: URL? {
        BundledWeights.find(fileName, module: "Student", env: "TUTOR_STUDENT_WEIGHTS", source: #filePath)
    }

    /// The student for `tutor segment`: `weights` if given, else the bundled one.
    public static func load(_ weights: String?) throws -> StudentNetwork {
        if let weights { return try StudentNetwork(contentsOf: URL(fileURLWithPath: weights)) }
        guard let url = Self.weights else {
            throw TutorError("no student weights found: pass --weights FILE (train one with `tutor student train`).")
        }
        return try StudentNetwork(contentsOf: url)
    }
}
