/// How a value is taken between voxel centres.
public enum Interpolation: Sendable {
    /// Trilinear: for images and probability maps.
    case trilinear
    /// Nearest voxel: for label masks, whose values must stay 0/1.
    case nearest
}

/// For every index along one output axis, the source voxels and weight to interpolate between.
/// Built once per axis: resampling by axis-aligned index maps is separable.
struct AxisTaps {
    var lo: [Int], hi: [Int], weight: [Float], inside: [Bool]

    /// `point(t)` gives output index t's position in source index units, or nil when it lies outside
    /// the source. Positions are clamped to the edge voxels (−0.5 and n − 0.5 sample the edge).
    init(count: Int, sourceCount n: Int, _ interpolation: Interpolation, point: (Int) -> Double?) {
        lo = [Int](repeating: 0, count: count); hi = lo
        weight = [Float](repeating: 0, count: count); inside = [Bool](repeating: false, count: count)
        for t in 0..<count {
            guard let x = point(t) else { continue }
            inside[t] = true
            switch interpolation {
            case .nearest:
                lo[t] = min(max(Int((x + 0.5).rounded(.down)), 0), n - 1); hi[t] = lo[t]
            case .trilinear:
                let f = x.rounded(.down)
                lo[t] = min(max(Int(f), 0), n - 1); hi[t] = min(max(Int(f) + 1, 0), n - 1)
                weight[t] = x < 0 ? 0 : Float(x - f)
            }
        }
    }
}

/// What sampling does to values: each source value is clamped to `lower…upper` before it is
/// interpolated, and the interpolated value v is stored as `(v − shift) · gain`. So a clip and a
/// z-score ride along with a crop (interpolation commutes with the affine part, not the clamp,
/// which is why the clamp comes first) and no clipped or z-scored copy of a scan is ever made.
struct ValueMap: Sendable {
    var lower = -Float.infinity, upper = Float.infinity
    var shift: Float = 0, gain: Float = 1
    static let identity = ValueMap()
}

/// Samples `source` (size `from`) on a grid of size `to`, one axis map per axis, through `map`;
/// voxels whose point lies outside the source get `outside` (as is). Output slices run in parallel.
func sampleSeparable(_ source: [Float], from: GridSize, to: GridSize,
                     x: AxisTaps, y: AxisTaps, z: AxisTaps, outside: Float, map: ValueMap = .identity) -> [Float] {
    let nx = to.i, ny = to.j
    let lower = map.lower, upper = map.upper, shift = map.shift, gain = map.gain
    @inline(__always) func clamped(_ v: Float) -> Float { min(max(v, lower), upper) }
    return [Float](unsafeUninitializedCapacity: to.count) { out, initialised in
        let out = out
        source.withUnsafeBufferPointer { src in
            Parallel.forEachChunk(to.k, minimumChunk: 1) { slices in
                for c in slices {
                    for b in 0..<ny {
                        let row = out.baseAddress! + nx * (b + ny * c)
                        guard z.inside[c] && y.inside[b] else { row.update(repeating: outside, count: nx); continue }
                        let wz = z.weight[c], wy = y.weight[b]
                        let p00 = src.baseAddress! + from.i * (y.lo[b] + from.j * z.lo[c])
                        let p10 = src.baseAddress! + from.i * (y.hi[b] + from.j * z.lo[c])
                        let p01 = src.baseAddress! + from.i * (y.lo[b] + from.j * z.hi[c])
                        let p11 = src.baseAddress! + from.i * (y.hi[b] + from.j * z.hi[c])
                        let w00 = (1 - wy) * (1 - wz), w10 = wy * (1 - wz), w01 = (1 - wy) * wz, w11 = wy * wz
                        for a in 0..<nx {
                            guard x.inside[a] else { row[a] = outside; continue }
                            let i0 = x.lo[a], i1 = x.hi[a], wx = x.weight[a]
                            let v0 = w00 * clamped(p00[i0]) + w10 * clamped(p10[i0]) + w01 * clamped(p01[i0]) + w11 * clamped(p11[i0])
                            let v1 = w00 * clamped(p00[i1]) + w10 * clamped(p10[i1]) + w01 * clamped(p01[i1]) + w11 * clamped(p11[i1])
                            row[a] = (v0 + wx * (v1 - v0) - shift) * gain
                        }
                    }
                }
            }
        }
        initialised = to.count
    }
}
