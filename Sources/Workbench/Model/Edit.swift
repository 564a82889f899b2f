import Volumes

/// One undoable change. Box edits keep the whole (small) box list; mask edits keep only the
/// rectangle of the one slice they touched, so a brush dab costs the undo history a few hundred
/// bytes, not a slice (256 KB at 512 × 512) or the volume.
public enum Edit: Equatable, Sendable {
    case boxes(before: [Box], after: [Box])
    /// A change to `patch` of axial slice `slice` of the mask; `before`/`after` hold its voxels (i fastest).
    case maskPatch(slice: Int, patch: SlicePatch, before: [UInt8], after: [UInt8])
    /// The mask appeared from nothing (the first brush stroke on a case without a proposal).
    case maskCreated
}

/// A rectangle of one axial slice: columns `i`, rows `j` (voxel indices).
public struct SlicePatch: Equatable, Sendable {
    public var i: ClosedRange<Int>, j: ClosedRange<Int>
    public var count: Int { i.count * j.count }
}

/// Summary figures of a mask for the status line, kept per slice so that an edit of one slice
/// refigures that slice only (a brush dab on a 600-slice scan would otherwise read the whole mask).
public struct MaskStats: Equatable, Sendable {
    /// Volume of the mask in millilitres.
    public var millilitres: Double { Double(counts.reduce(0, +)) * voxelML }
    /// The longest in-plane distance (mm) between two mask voxel centres on any axial slice.
    public var maxAxialDiameter: Double { diameters.max() ?? 0 }

    /// Mask voxels and the longest axial distance, per slice.
    private var counts: [Int], diameters: [Double]
    private let voxelML: Double

    public init(mask: BinaryMask) {
        let s = mask.spacing
        voxelML = s.x * s.y * s.z / 1000
        counts = [Int](repeating: 0, count: mask.size.k)
        diameters = [Double](repeating: 0, count: mask.size.k)
        for k in 0..<mask.size.k { update(slice: k, of: mask) }
    }

    /// Refigures slice `k` of `mask`.
    public mutating func update(slice k: Int, of mask: BinaryMask) {
        let nx = mask.size.i, ny = mask.size.j
        var count = 0
        var points: [(Int, Int)] = []
        mask.voxels.withUnsafeBufferPointer { v in
            let base = k * nx * ny
            for j in 0..<ny {
                let row = base + j * nx
                // Only the first and last voxel of each run matter for the hull.
                var first = -1, last = -1
                for i in 0..<nx where v[row + i] != 0 {
                    count += 1
                    if first < 0 { first = i }
                    last = i
                }
                if first >= 0 { points.append((first, j)); if last != first { points.append((last, j)) } }
            }
        }
        counts[k] = count
        diameters[k] = points.count > 1 ? MaskStats.diameter(of: MaskStats.hull(points), spacing: mask.spacing) : 0
    }

    /// Convex hull (Andrew's monotone chain) of voxel positions.
    static func hull(_ input: [(Int, Int)]) -> [(Int, Int)] {
        let p = input.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        func cross(_ o: (Int, Int), _ a: (Int, Int), _ b: (Int, Int)) -> Int {
            (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
        }
        var lower: [(Int, Int)] = [], upper: [(Int, Int)] = []
        for q in p {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
            lower.append(q)
        }
        for q in p.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
            upper.append(q)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    static func diameter(of hull: [(Int, Int)], spacing s: SIMD3<Double>) -> Double {
        var best = 0.0
        for a in 0..<hull.count {
            for b in (a + 1)..<max(a + 1, hull.count) {
                let dx = Double(hull[a].0 - hull[b].0) * s.x, dy = Double(hull[a].1 - hull[b].1) * s.y
                best = max(best, (dx * dx + dy * dy).squareRoot())
            }
        }
        return best
    }
}
