import Foundation
import Student
import Teacher
import Volumes

/// The student that review priorities are computed with (`tutor dataset prioritise`, `tutor pseudo-label
/// --prioritise`) and checked against (`tutor review`): given weights, else the bundled ensemble.
struct StudentPredictor {
    let urls: [URL]
    /// FNV-1a 64 of the weights file, as `StudentNetwork.weightsHash` records it; for an ensemble,
    /// FNV-1a 64 of its files' hashes joined by commas.
    let hash: String

    init(_ weights: String?) throws {
        urls = weights.map { [URL(fileURLWithPath: $0)] } ?? BundledStudent.weights
        guard !urls.isEmpty else {
            throw TutorError("no student weights found: pass --student FILE (train one with `tutor student train`).")
        }
        let hashes = try urls.map { url -> String in
            guard let data = try? Data(contentsOf: url) else {
                throw TutorError("cannot read student weights \(url.path): the file is missing or unreadable.")
            }
            return fnv1a64(data)
        }
        hash = hashes.count == 1 ? hashes[0] : fnv1a64(Data(hashes.joined(separator: ",").utf8))
    }

    /// The hash of the student priorities should come from, or nil when none is given and none is bundled
    /// (then a priority from any student counts as current).
    static func expectedHash(_ weights: String?) throws -> String? {
        weights == nil && BundledStudent.weights.isEmpty ? nil : try StudentPredictor(weights).hash
    }

    /// A fresh student for one worker: CT in HU → 0/1 tumour mask, as `tutor segment` makes it by default.
    func makePredictor() throws -> (Volume) throws -> Volume {
        let segmenter = Segmenter(students: try urls.map { try StudentNetwork(contentsOf: $0) })
        return { ct in try segmenter.segment(ct: ct) }
    }
}
