/// Z-score normalisation over the whole volume: (x − mean) / std, with the population std.
/// A constant volume (std 0) is only shifted. Shape and grid unchanged; values become unitless.
public struct ZScore: Sendable {
    public init() {}

    public func callAsFunction(_ v: Volume) -> Volume { apply(v, using: VoxelStatistics(v.voxels)) }

    /// Normalises `v` with statistics computed elsewhere (e.g. cached for many crops of one image).
    public func apply(_ v: consuming Volume, using s: VoxelStatistics) -> Volume {
        var out = v
        let mean = Float(s.mean), scale = Float(s.standardDeviation > 0 ? 1 / s.standardDeviation : 1)
        out.voxels.withUnsafeMutableBufferPointer { p in
            let p = p
            Parallel.forEachChunk(p.count, minimumChunk: 1 << 16) { r in
                for n in r { p[n] = (p[n] - mean) * scale }
            }
        }
        out.storedType = "float32"
        return out
    }
}
