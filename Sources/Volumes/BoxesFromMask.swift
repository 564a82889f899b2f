/// Axial boxes of a mask, exactly as a perfect annotator would draw them: one box per slice per object,
/// the tight inclusive voxel bounds of that object's cross-section on that slice.
///
/// Objects are the mask's 26-connected components (see `connectedComponents`), numbered 1…n in storage
/// order (the object reaching the lowest slice first). Boxes come sorted by object, then slice.
public func axialBoxes(of mask: Volume, connectivity: Connectivity = .full) -> [Box] {
    let comps = connectedComponents(of: mask, connectivity: connectivity)
    let s = mask.size
    // bounds[(object - 1) * s.k + k] = (xMin, yMin, xMax, yMax) of that object on slice k.
    var bounds = [(Int, Int, Int, Int)?](repeating: nil, count: comps.count * s.k)
    for k in 0..<s.k { for j in 0..<s.j { for i in 0..<s.i {
        let label = Int(comps.labels[i + s.i * (j + s.j * k)])
        guard label > 0 else { continue }
        let slot = (label - 1) * s.k + k
        if let b = bounds[slot] {
            bounds[slot] = (min(b.0, i), min(b.1, j), max(b.2, i), max(b.3, j))
        } else {
            bounds[slot] = (i, j, i, j)
        }
    } } }
    var boxes: [Box] = []
    for object in 1...max(comps.count, 1) where comps.count > 0 {
        for k in 0..<s.k {
            guard let b = bounds[(object - 1) * s.k + k] else { continue }
            boxes.append(Box(slice: k, xMin: b.0, yMin: b.1, xMax: b.2, yMax: b.3, object: object))
        }
    }
    return boxes
}

/// How loosely a simulated human draws boxes (see `humanLikeBoxes`).
public struct AnnotatorStyle: Sendable, Equatable {
    /// Each side moves outwards by a uniform draw in 0…`maxGrowMM` millimetres, independently.
    public var maxGrowMM: Double
    /// The whole box then shifts by a uniform draw in ±`maxShiftMM` millimetres along x and y.
    public var maxShiftMM: Double
    /// Chance that an inner slice of an object gets no box (the first and last slice always keep theirs,
    /// so box interpolation can restore the skipped ones).
    public var skipProbability: Double

    public init(maxGrowMM: Double = 3, maxShiftMM: Double = 1, skipProbability: Double = 0.15) {
        self.maxGrowMM = maxGrowMM; self.maxShiftMM = maxShiftMM; self.skipProbability = skipProbability
    }
    /// Tight boxes, nothing skipped: `humanLikeBoxes` then returns its input unchanged.
    public static let exact = AnnotatorStyle(maxGrowMM: 0, maxShiftMM: 0, skipProbability: 0)
}

/// Boxes as a real annotator would draw them from the tight ones: a little loose, a little off, and now
/// and then a slice left out. Millimetres become voxels through `spacing` (x, y in mm); results stay
/// inside a grid of `size` and always contain at least one voxel.
public func humanLikeBoxes(_ boxes: [Box], spacing: SIMD3<Double>, size: GridSize,
                           style: AnnotatorStyle = AnnotatorStyle(),
                           using rng: inout SeededGenerator) -> [Box] {
    let extremes = Dictionary(grouping: boxes, by: \.object).mapValues { group in
        (group.map(\.slice).min()!, group.map(\.slice).max()!)
    }
    func voxels(_ mm: Double, _ step: Double) -> Int { Int((mm / step).rounded()) }
    var result: [Box] = []
    for box in boxes {
        let (first, last) = extremes[box.object]!
        let inner = box.slice != first && box.slice != last
        if inner && rng.unit() < style.skipProbability { continue }
        let grow = (0..<4).map { _ in rng.uniform(0...style.maxGrowMM) }
        let dx = rng.uniform(-style.maxShiftMM...style.maxShiftMM)
        let dy = rng.uniform(-style.maxShiftMM...style.maxShiftMM)
        let x0 = box.xMin - voxels(grow[0], spacing.x) + voxels(dx, spacing.x)
        let x1 = box.xMax + voxels(grow[1], spacing.x) + voxels(dx, spacing.x)
        let y0 = box.yMin - voxels(grow[2], spacing.y) + voxels(dy, spacing.y)
        let y1 = box.yMax + voxels(grow[3], spacing.y) + voxels(dy, spacing.y)
        func clamp(_ v: Int, _ n: Int) -> Int { min(max(v, 0), n - 1) }
        result.append(Box(slice: box.slice, xMin: clamp(x0, size.i), yMin: clamp(y0, size.j),
                          xMax: clamp(x1, size.i), yMax: clamp(y1, size.j), object: box.object))
    }
    return result
}
