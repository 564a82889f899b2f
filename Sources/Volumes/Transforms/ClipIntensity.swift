/// Clips voxel values to `[lower, upper]` (HU for CT). Shape and grid unchanged.
public struct ClipIntensity: Sendable {
    public var lower: Float, upper: Float
    /// The paper's window: [−1024, 1000] HU.
    public init(lower: Float = -1024, upper: Float = 1000) { self.lower = lower; self.upper = upper }

    public func callAsFunction(_ v: Volume) -> Volume {
        var out = v
        apply(to: &out)
        return out
    }

    /// Clips `v` in place (no copy of its voxels).
    public func apply(to v: inout Volume) {
        let lo = lower, hi = upper
        v.voxels.withUnsafeMutableBufferPointer { p in
            let p = p
            Parallel.forEachChunk(p.count, minimumChunk: 1 << 16) { r in
                for n in r { p[n] = min(max(p[n], lo), hi) }
            }
        }
        v.storedType = "float32"
    }
}
