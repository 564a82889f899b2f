import Volumes

/// How people really draw boxes, for training the box-guided teacher to be robust to it: boxes
/// grown by up to `maxGrowMM` per side and shifted by up to `maxShiftMM`, some inner slices left out
/// (then restored by `interpolateBoxes`, as at prediction time), now and then the first or last
/// slice of the tumour not boxed at all. `exactShare` of the draws keep the tight boxes.
public struct BoxAugmentation: Sendable {
    public var maxGrowMM = 4.0
    public var maxShiftMM = 2.0
    public var skipProbability = 0.3
    public var dropEndProbability = 0.15
    public var exactShare = 0.1
    public init() {}

    public func callAsFunction(_ boxes: ObjectBoxes, spacing: SIMD3<Double>, size: GridSize,
                               using rng: inout SeededGenerator) -> ObjectBoxes {
        if rng.unit() < exactShare { return boxes }
        let style = AnnotatorStyle(maxGrowMM: rng.uniform(0...maxGrowMM), maxShiftMM: rng.uniform(0...maxShiftMM),
                                   skipProbability: rng.uniform(0...skipProbability))
        var drawn = humanLikeBoxes(boxes.boxes, spacing: spacing, size: size, style: style, using: &rng)
        if drawn.count > 2 && rng.unit() < dropEndProbability {
            drawn.remove(at: rng.unit() < 0.5 ? 0 : drawn.count - 1)
        }
        return ObjectBoxes(object: boxes.object, boxes: interpolateBoxes(drawn))
    }
}
