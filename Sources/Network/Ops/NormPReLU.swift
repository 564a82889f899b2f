/// InstanceNorm3d (affine, eps 1e-5, biased variance over the spatial axes of each channel)
/// followed by PReLU (one slope per channel), fused: one pass for the statistics, one for
/// normalise + scale + shift + activation.
///
/// Shapes: x [C, N] (N = A·B·C'), gamma/beta/slope [C]; mean and rstd [C] (the channel mean and
/// 1/√(var + eps), kept for backward).
enum NormPReLU {
    static let eps = 1e-5
    /// Values summed in the working precision before the sum moves to Double.
    static let chunk = 4096

    /// y = PReLU(γ·x̂ + β) with x̂ = (x − mean)·rstd. Training gives `y` and keeps x as it is
    /// for backward, which recomputes x̂ from x, mean and rstd (storing x̂ instead would cost a
    /// third memory stream per voxel, 8 % of a training pass); inference gives no `y`, and x
    /// itself becomes the activation.
    static func forward<T: NetScalar>(
        x: UnsafeMutablePointer<T>, channels: Int, spatial n: Int,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, slope: UnsafePointer<T>,
        y: UnsafeMutablePointer<T>?, mean meanOut: UnsafeMutablePointer<T>, rstd: UnsafeMutablePointer<T>
    ) {
        Engine.forEachTile(channels) { c, _ in
            let p = x + c * n
            // Sums are shifted by the first value (robust variance) and gathered in Double.
            let shift = p[0]
            var s = 0.0, ss = 0.0
            var i = 0
            let lanesShift = SIMD8<T>(repeating: shift)
            while i < n {
                let end = min(n, i + 4096), vectorEnd = i + (end - i) / 8 * 8
                var vs = SIMD8<T>(), vss = SIMD8<T>()
                var j = i
                while j < vectorEnd { let v = load8(p + j) - lanesShift; vs += v; vss += v * v; j += 8 }
                var cs = vs.sum(), css = vss.sum()
                while j < end { let v = p[j] - shift; cs += v; css += v * v; j += 1 }
                s += Double(cs); ss += Double(css)
                i = end
            }
            let meanShifted = s / Double(n)
            let variance = max(0, ss / Double(n) - meanShifted * meanShifted)
            let mean = T(meanShifted) + shift
            let r = T(1 / (variance + eps).squareRoot())
            rstd[c] = r
            meanOut[c] = mean
            let g = gamma[c], b = beta[c], a = slope[c]
            let va = SIMD8(repeating: a)
            let q = y.map { $0 + c * n } ?? p
            let scale = g * r, offset = b - mean * g * r
            let vs = SIMD8(repeating: scale), vo = SIMD8(repeating: offset)
            var j = 0
            while j + 8 <= n { store8(prelu(load8(p + j) * vs + vo, va), q + j); j += 8 }
            while j < n { q[j] = prelu(p[j] * scale + offset, a); j += 1 }
        }
    }

    /// PReLU without branches: the sign of z is random, and a branch per voxel mispredicts half
    /// the time (it made the norm's backward 14 % of a training step).
    @inline(__always) static func prelu<T: NetScalar>(_ z: SIMD8<T>, _ a: SIMD8<T>) -> SIMD8<T> {
        T.selectNegative(z, a * z, z)
    }
    @inline(__always) static func prelu<T: NetScalar>(_ z: T, _ a: T) -> T { z > 0 ? z : a * z }

    /// In place: dy (the gradient of y) becomes dx, the gradient of the norm's input x (the
    /// forward pass's, with its mean and rstd); dGamma, dBeta, dSlope += this sample's parameter
    /// gradients.
    static func backward<T: NetScalar>(
        dy: UnsafeMutablePointer<T>, x input: UnsafePointer<T>, channels: Int, spatial n: Int,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, slope: UnsafePointer<T>,
        mean: UnsafePointer<T>, rstd: UnsafePointer<T>,
        dGamma: UnsafeMutablePointer<T>, dBeta: UnsafeMutablePointer<T>, dSlope: UnsafeMutablePointer<T>
    ) {
        Engine.forEachTile(channels) { c, _ in
            let d = dy + c * n, xs = input + c * n
            let m = mean[c], r = rstd[c]
            let vm = SIMD8(repeating: m), vr = SIMD8(repeating: r)
            @inline(__always) func xhat8(_ j: Int) -> SIMD8<T> { (load8(xs + j) - vm) * vr }
            @inline(__always) func xhat(_ j: Int) -> T { (xs[j] - m) * r }
            let g = gamma[c], b = beta[c], a = slope[c]
            let vg = SIMD8(repeating: g), vb = SIMD8(repeating: b), va = SIMD8(repeating: a)
            // dz = ∂loss/∂z (z = γx̂ + β, before the PReLU) and its sums, a chunk at a time in
            // the working precision, then in Double.
            var sdz = 0.0, sdzx = 0.0, sda = 0.0
            var i = 0
            while i < n {
                let end = min(n, i + chunk)
                var vdz = SIMD8<T>(), vdzx = SIMD8<T>(), vda = SIMD8<T>()
                var j = i
                while j + 8 <= end {
                    let x = xhat8(j), dv = load8(d + j)
                    let z = vg * x + vb
                    let dz = T.selectNegative(z, va * dv, dv)
                    vdz += dz; vdzx += dz * x; vda += T.selectNegative(z, dv * z, .zero)
                    j += 8
                }
                var cdz = vdz.sum(), cdzx = vdzx.sum(), cda = vda.sum()
                while j < end {
                    let x = xhat(j), z = g * x + b
                    let dz = z > 0 ? d[j] : a * d[j]
                    cdz += dz; cdzx += dz * x; cda += z > 0 ? 0 : d[j] * z
                    j += 1
                }
                sdz += Double(cdz); sdzx += Double(cdzx); sda += Double(cda)
                i = end
            }
            dGamma[c] += T(sdzx); dBeta[c] += T(sdz); dSlope[c] += T(sda)
            let meanDz = T(sdz / Double(n)), meanDzx = T(sdzx / Double(n))
            let k = r * g
            let vk = SIMD8(repeating: k), vmdz = SIMD8(repeating: meanDz), vmdzx = SIMD8(repeating: meanDzx)
            var j = 0
            while j + 8 <= n {
                let x = xhat8(j), dv = load8(d + j)
                let dz = T.selectNegative(vg * x + vb, va * dv, dv)
                store8(vk * (dz - vmdz - x * vmdzx), d + j)
                j += 8
            }
            while j < n {
                let x = xhat(j), z = g * x + b
                let dz = z > 0 ? d[j] : a * d[j]
                d[j] = k * (dz - meanDz - x * meanDzx)
                j += 1
            }
        }
    }
}
