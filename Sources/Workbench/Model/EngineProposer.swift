import Teacher
import Volumes

/// The teacher's `ProposalEngine` (the network teacher when weights exist, else the threshold
/// baseline) as a `Proposer`. It runs one tumour at a time, so progress moves and a newer request
/// stops it between tumours. The engine caches the image's normalisation between calls; the
/// session's runner calls it from one serial queue only.
public final class EngineProposer: Proposer, @unchecked Sendable {
    public let engine: ProposalEngine
    public var name: String { engine.label == "threshold" ? "threshold teacher" : "teacher (\(engine.label))" }

    public init(engine: ProposalEngine) { self.engine = engine }

    public func propose(image: Volume, boxes: [Box], progress: @Sendable (Double) -> Void,
                        isCancelled: @Sendable () -> Bool) throws -> BinaryMask? {
        let objects = Set(boxes.map(\.object)).sorted()
        var mask = BinaryMask(emptyOn: image)
        for (n, object) in objects.enumerated() {
            if isCancelled() { return nil }
            progress(Double(n) / Double(objects.count))
            try engine.propose(image: image, boxes: boxes.filter { $0.object == object }, onto: &mask)
        }
        progress(1)
        // An annotator looks at a proposal for seconds to minutes: hold no network memory meanwhile.
        engine.releaseBuffers()
        return isCancelled() ? nil : mask
    }
}
