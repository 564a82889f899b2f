import Volumes

/// The axial boxes of one tumour (one `object` id), at most one per slice, in ORIGINAL voxel indices.
///
/// The teacher works one tumour at a time: each gets its own 128³ crop centred on its boxes.
public struct ObjectBoxes: Sendable, Equatable {
    public var object: Int
    public var bySlice: [Int: Box]

    public init(object: Int, boxes: [Box]) {
        self.object = object
        bySlice = Dictionary(boxes.map { ($0.slice, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Splits a box list by object, lowest object id first.
    public static func group(_ boxes: [Box]) -> [ObjectBoxes] {
        Dictionary(grouping: boxes, by: \.object).keys.sorted().map { id in
            ObjectBoxes(object: id, boxes: boxes.filter { $0.object == id })
        }
    }

    public var boxes: [Box] { bySlice.keys.sorted().map { bySlice[$0]! } }

    /// Smallest and largest voxel index covered by the boxes along i, j, k (inclusive).
    public var extent: (lower: SIMD3<Int>, upper: SIMD3<Int>) {
        var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
        for b in bySlice.values {
            lo = pointwiseMin(lo, SIMD3(b.xMin, b.yMin, b.slice))
            hi = pointwiseMax(hi, SIMD3(b.xMax, b.yMax, b.slice))
        }
        return (lo, hi)
    }

    /// The centre of the boxes' extent (original voxel indices): where the teacher's crop is centred.
    public var centre: SIMD3<Double> {
        let e = extent
        return (SIMD3<Double>(e.lower) + SIMD3<Double>(e.upper)) / 2
    }

    /// Whether original voxel (i, j, k) lies inside this tumour's box on slice k.
    @inline(__always) public func contains(_ i: Int, _ j: Int, _ k: Int) -> Bool {
        guard let b = bySlice[k] else { return false }
        return i >= b.xMin && i <= b.xMax && j >= b.yMin && j <= b.yMax
    }
}
