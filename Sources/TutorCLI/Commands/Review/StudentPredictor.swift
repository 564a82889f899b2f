import Foundation
import Student
import Teacher
import Volumes

/// The student that review priorities are computed with (`tutor dataset prioritise`, `tutor pseudo-label
/// --prioritise`) and checked against (`tutor review`): given weights, else the bundled student.
struct StudentPredictor {
    let url: URL
    /// FNV-1a 64 of the weights file, as `StudentNetwork.weightsHash` records it.
    let hash: String

    init(_ weights: String?) throws {
        if let weights {
            url = URL(fileURLWithPath: weights)
        } else if let bundled = BundledStudent.weights {
            url = bundled
        } else {
            throw TutorError("no student weights found: pass --student FILE (train one with `tutor student train`).")
        }
        guard let data = try? Data(contentsOf: url) else {
            throw TutorError("cannot read student weights \(url.path): the file is missing or unreadable.")
        }
        hash = fnv1a64(data)
    }

    /// The hash of the student priorities should come from, or nil when none is given and none is bundled
    /// (then a priority from any student counts as current).
    static func expectedHash(_ weights: String?) throws -> String? {
        weights == nil && BundledStudent.weights == nil ? nil : try StudentPredictor(weights).hash
    }

    /// A fresh student for one worker: CT in HU → 0/1 tumour mask, as `tutor segment` makes it by default.
    func makePredictor() throws -> (Volume) throws -> Volume {
        let segmenter = Segmenter(student: try StudentNetwork(contentsOf: url))
        return { ct in try segmenter.segment(ct: ct) }
    }
}
