import Volumes

/// Binary morphology with a ball of `radiusMM` millimetres (an ellipsoid in voxels, from the spacing).
/// Work happens on the foreground's bounding block plus a margin, so small tumours in a large CT are cheap.
public struct BallMorphology: Sendable {
    public var radiusMM: Double
    public init(radiusMM: Double) { self.radiusMM = radiusMM }

    /// Opening (removes specks and spurs thinner than the ball) then closing (fills gaps and dents
    /// narrower than the ball): the `--radius` smoothing of `tutor segment`. Radius 0 changes nothing.
    public func smooth(_ mask: Volume) -> Volume {
        guard radiusMM > 0 else { return mask }
        let offsets = ball(mask.spacing)
        let r = offsets.reduce(SIMD3<Int>.zero) { pointwiseMax($0, SIMD3(abs($1.x), abs($1.y), abs($1.z))) }
        guard let (lo, hi) = bounds(mask) else { return mask }
        let margin = 2 &* r &+ 2
        let from = pointwiseMax(lo &- margin, .zero)
        let to = pointwiseMin(hi &+ margin, mask.size.last)
        var b = extract(mask, from, to)
        b = erode(dilate(dilate(erode(b, offsets), offsets), offsets), offsets)
        var out = mask
        insert(b, into: &out, at: from)
        return out
    }

    /// Voxel offsets inside the ellipsoid of radius `radiusMM` for voxels of `spacing` mm.
    func ball(_ spacing: SIMD3<Double>) -> [SIMD3<Int>] {
        let r = SIMD3<Int>(Int(radiusMM / spacing.x), Int(radiusMM / spacing.y), Int(radiusMM / spacing.z))
        var out: [SIMD3<Int>] = []
        for c in -r.z...r.z { for b in -r.y...r.y { for a in -r.x...r.x {
            let d = SIMD3<Double>(Double(a), Double(b), Double(c)) * spacing
            if (d * d).sum() <= radiusMM * radiusMM + 1e-9 { out.append(SIMD3(a, b, c)) }
        } } }
        return out
    }

    /// Dilation: every voxel within the ball of a foreground voxel becomes foreground. Flat
    /// indices rather than `Volume`'s subscript, which is not inlined across modules and cost a
    /// quarter of `tutor segment --radius 2`.
    func dilate(_ m: Volume, _ offsets: [SIMD3<Int>]) -> Volume {
        var out = m
        let s = m.size, plane = s.i * s.j
        m.voxels.withUnsafeBufferPointer { src in
            out.voxels.withUnsafeMutableBufferPointer { dst in
                for v in 0..<s.count where src[v] > 0.5 {
                    let a = v % s.i, b = (v / s.i) % s.j, c = v / plane
                    for o in offsets {
                        let x = a + o.x, y = b + o.y, z = c + o.z
                        if x >= 0, x < s.i, y >= 0, y < s.j, z >= 0, z < s.k { dst[x + s.i * y + plane * z] = 1 }
                    }
                }
            }
        }
        return out
    }

    /// Erosion: a foreground voxel stays when the whole ball around it is foreground; voxels beyond
    /// the block count as background. Only foreground voxels are visited, and each stops at the
    /// first background neighbour, so the cost follows the mask, not the block (erosion as the
    /// dilated complement visited every background voxel of the CT: 6 s of `--radius 2` on lung1).
    func erode(_ m: Volume, _ offsets: [SIMD3<Int>]) -> Volume {
        var out = m
        let s = m.size, plane = s.i * s.j
        m.voxels.withUnsafeBufferPointer { src in
            out.voxels.withUnsafeMutableBufferPointer { dst in
                for v in 0..<s.count {
                    guard src[v] > 0.5 else { dst[v] = 0; continue }
                    let a = v % s.i, b = (v / s.i) % s.j, c = v / plane
                    let kept = offsets.allSatisfy { o in
                        let x = a + o.x, y = b + o.y, z = c + o.z
                        return x >= 0 && x < s.i && y >= 0 && y < s.j && z >= 0 && z < s.k && src[x + s.i * y + plane * z] > 0.5
                    }
                    dst[v] = kept ? 1 : 0
                }
            }
        }
        return out
    }
}

/// Inclusive voxel bounds of a mask's foreground, or nil when it is empty.
func bounds(_ m: Volume) -> (SIMD3<Int>, SIMD3<Int>)? {
    var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
    let s = m.size
    for v in m.voxels.indices where m.voxels[v] > 0.5 {
        let p = SIMD3<Int>(v % s.i, (v / s.i) % s.j, v / (s.i * s.j))
        lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p)
    }
    return lo.x == .max ? nil : (lo, hi)
}

/// The block lo…hi (inclusive) of a volume.
func extract(_ v: Volume, _ lo: SIMD3<Int>, _ hi: SIMD3<Int>) -> Volume {
    let size = GridSize(hi.x - lo.x + 1, hi.y - lo.y + 1, hi.z - lo.z + 1)
    var out = Volume(size: size, spacing: v.spacing)
    for c in 0..<size.k { for b in 0..<size.j { for a in 0..<size.i {
        out[a, b, c] = v[lo.x + a, lo.y + b, lo.z + c]
    } } }
    return out
}

/// Writes `block` into `v` with its voxel (0,0,0) at `lo`.
func insert(_ block: Volume, into v: inout Volume, at lo: SIMD3<Int>) {
    let size = block.size
    for c in 0..<size.k { for b in 0..<size.j { for a in 0..<size.i {
        v[lo.x + a, lo.y + b, lo.z + c] = block[a, b, c]
    } } }
}
