/// Summary statistics of a volume's voxels, computed in Double on all cores.
public struct VoxelStatistics: Sendable, Equatable {
    public var minimum: Float, maximum: Float
    /// Mean and population standard deviation (numpy's default `std`).
    public var mean: Double, standardDeviation: Double

    /// The statistics of `values`, each first clamped to `range` (those of a clipped image,
    /// without making it); NaN voxels are skipped. All zero for an empty or all-NaN input.
    public init(_ values: [Float], clampedTo range: ClosedRange<Float> = -Float.infinity...Float.infinity) {
        let lower = range.lowerBound, upper = range.upperBound
        struct Part { var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, squares = 0.0, n = 0 }
        let chunks = 64
        var parts = [Part](repeating: Part(), count: chunks)
        values.withUnsafeBufferPointer { v in
            parts.withUnsafeMutableBufferPointer { p in
                let p = p
                Parallel.forEachChunk(chunks, minimumChunk: 1) { range in
                    for c in range {
                        var part = Part()
                        for raw in v[(v.count * c / chunks)..<(v.count * (c + 1) / chunks)] where !raw.isNaN {
                            let x = min(max(raw, lower), upper)
                            part.lo = min(part.lo, x); part.hi = max(part.hi, x)
                            part.sum += Double(x); part.squares += Double(x) * Double(x); part.n += 1
                        }
                        p[c] = part
                    }
                }
            }
        }
        let n = parts.reduce(0) { $0 + $1.n }
        guard n > 0 else { minimum = 0; maximum = 0; mean = 0; standardDeviation = 0; return }
        minimum = parts.map(\.lo).min()!
        maximum = parts.map(\.hi).max()!
        mean = parts.reduce(0) { $0 + $1.sum } / Double(n)
        let meanSquare = parts.reduce(0) { $0 + $1.squares } / Double(n)
        standardDeviation = max(0, meanSquare - mean * mean).squareRoot()
    }
}
