import Teacher
import Volumes

/// The classical teacher (`ThresholdTeacher`: Otsu level inside the interpolated boxes, largest
/// component, holes filled) as a `Proposer`. Runs one tumour at a time so that progress moves and
/// a newer request stops it between tumours.
public struct ThresholdProposer: Proposer {
    public var name: String { "threshold teacher" }
    public init() {}

    public func propose(image: Volume, boxes: [Box], progress: @Sendable (Double) -> Void,
                        isCancelled: @Sendable () -> Bool) throws -> Volume? {
        let objects = Set(boxes.map(\.object)).sorted()
        var mask = image.sameGrid(filledWith: 0, storedType: "uint8")
        for (n, object) in objects.enumerated() {
            if isCancelled() { return nil }
            progress(Double(n) / Double(objects.count))
            let part = ThresholdTeacher.predict(image: image, boxes: boxes.filter { $0.object == object })
            for v in part.voxels.indices where part.voxels[v] > 0.5 { mask.voxels[v] = 1 }
        }
        progress(1)
        return isCancelled() ? nil : mask
    }
}
