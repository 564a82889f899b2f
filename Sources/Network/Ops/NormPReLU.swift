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

    /// y = PReLU(γ·x̂ + β) with x̂ = (x − mean)·rstd. Without `y`, x itself becomes the
    /// activation (inference, and training wherever the backward can recover x̂ from y). With
    /// `y`, x is kept as it is for the backward, which recomputes x̂ from x, mean and rstd
    /// (storing x̂ instead would cost a third memory stream per voxel, 8 % of a training pass).
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
        backward(dy: dy, channels: channels, spatial: n, gamma: gamma, beta: beta, slope: slope, rstd: rstd,
                 dGamma: dGamma, dBeta: dBeta, dSlope: dSlope) { c in
            FromInput(x: input + c * n, mean: mean[c], rstd: rstd[c], gamma: gamma[c], beta: beta[c])
        }
    }

    /// `backward` from the activation y instead of the norm's input: z = γx̂ + β is y where y > 0
    /// and y / slope elsewhere, and x̂ = (z − β) / γ (in-place activated normalisation, as
    /// InPlace-ABN does it). So a training pass needs to keep only y, which the next layer reads
    /// anyway, and not the conv's output too. Only for layers where `recoverable` holds.
    static func backward<T: NetScalar>(
        dy: UnsafeMutablePointer<T>, y output: UnsafePointer<T>, channels: Int, spatial n: Int,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, slope: UnsafePointer<T>, rstd: UnsafePointer<T>,
        dGamma: UnsafeMutablePointer<T>, dBeta: UnsafeMutablePointer<T>, dSlope: UnsafeMutablePointer<T>
    ) {
        backward(dy: dy, channels: channels, spatial: n, gamma: gamma, beta: beta, slope: slope, rstd: rstd,
                 dGamma: dGamma, dBeta: dBeta, dSlope: dSlope) { c in
            FromOutput(y: output + c * n, inverseSlope: 1 / slope[c], inverseGamma: 1 / gamma[c], beta: beta[c])
        }
    }

    /// Whether every channel's norm input can be recovered from its activation: the PReLU keeps
    /// z's sign (slope > 0) and neither division blows rounding up (slope and |γ| ≥ 1e-3).
    static func recoverable<T: NetScalar>(gamma: UnsafePointer<T>, slope: UnsafePointer<T>, channels: Int) -> Bool {
        let least = T(1e-3)
        return (0..<channels).allSatisfy { slope[$0] >= least && abs(gamma[$0]) >= least }
    }

    private static func backward<T: NetScalar, Source: NormSource>(
        dy: UnsafeMutablePointer<T>, channels: Int, spatial n: Int,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, slope: UnsafePointer<T>, rstd: UnsafePointer<T>,
        dGamma: UnsafeMutablePointer<T>, dBeta: UnsafeMutablePointer<T>, dSlope: UnsafeMutablePointer<T>,
        source: (Int) -> Source
    ) where Source.T == T {
        Engine.forEachTile(channels) { c, _ in
            let d = dy + c * n, src = source(c)
            let g = gamma[c], a = slope[c]
            let va = SIMD8(repeating: a)
            // dz = ∂loss/∂z (z = γx̂ + β, before the PReLU) and its sums, a chunk at a time in
            // the working precision, then in Double.
            var sdz = 0.0, sdzx = 0.0, sda = 0.0
            var i = 0
            while i < n {
                let end = min(n, i + chunk)
                var vdz = SIMD8<T>(), vdzx = SIMD8<T>(), vda = SIMD8<T>()
                var j = i
                while j + 8 <= end {
                    let (x, z) = src.at8(j), dv = load8(d + j)
                    let dz = T.selectNegative(z, va * dv, dv)
                    vdz += dz; vdzx += dz * x; vda += T.selectNegative(z, dv * z, .zero)
                    j += 8
                }
                var cdz = vdz.sum(), cdzx = vdzx.sum(), cda = vda.sum()
                while j < end {
                    let (x, z) = src.at(j)
                    let dz = z > 0 ? d[j] : a * d[j]
                    cdz += dz; cdzx += dz * x; cda += z > 0 ? 0 : d[j] * z
                    j += 1
                }
                sdz += Double(cdz); sdzx += Double(cdzx); sda += Double(cda)
                i = end
            }
            dGamma[c] += T(sdzx); dBeta[c] += T(sdz); dSlope[c] += T(sda)
            let meanDz = T(sdz / Double(n)), meanDzx = T(sdzx / Double(n))
            let k = rstd[c] * g
            let vk = SIMD8(repeating: k), vmdz = SIMD8(repeating: meanDz), vmdzx = SIMD8(repeating: meanDzx)
            var j = 0
            while j + 8 <= n {
                let (x, z) = src.at8(j), dv = load8(d + j)
                let dz = T.selectNegative(z, va * dv, dv)
                store8(vk * (dz - vmdz - x * vmdzx), d + j)
                j += 8
            }
            while j < n {
                let (x, z) = src.at(j)
                let dz = z > 0 ? d[j] : a * d[j]
                d[j] = k * (dz - meanDz - x * meanDzx)
                j += 1
            }
        }
    }
}

/// Where the norm's backward reads x̂ and z = γx̂ + β of one channel, eight voxels or one at a time.
private protocol NormSource {
    associatedtype T: NetScalar
    func at8(_ j: Int) -> (xhat: SIMD8<T>, z: SIMD8<T>)
    func at(_ j: Int) -> (xhat: T, z: T)
}

/// From the norm's input x: x̂ = (x − mean)·rstd.
private struct FromInput<T: NetScalar>: NormSource {
    let x: UnsafePointer<T>, mean: T, rstd: T, gamma: T, beta: T
    @inline(__always) func at8(_ j: Int) -> (xhat: SIMD8<T>, z: SIMD8<T>) {
        let h = (load8(x + j) - SIMD8(repeating: mean)) * SIMD8(repeating: rstd)
        return (h, h * SIMD8(repeating: gamma) + SIMD8(repeating: beta))
    }
    @inline(__always) func at(_ j: Int) -> (xhat: T, z: T) {
        let h = (x[j] - mean) * rstd
        return (h, gamma * h + beta)
    }
}

/// From the activation y (slope > 0): z = y where y > 0, else y / slope; x̂ = (z − β) / γ.
private struct FromOutput<T: NetScalar>: NormSource {
    let y: UnsafePointer<T>, inverseSlope: T, inverseGamma: T, beta: T
    @inline(__always) func at8(_ j: Int) -> (xhat: SIMD8<T>, z: SIMD8<T>) {
        let v = load8(y + j)
        let z = T.selectNegative(v, v * SIMD8(repeating: inverseSlope), v)
        return ((z - SIMD8(repeating: beta)) * SIMD8(repeating: inverseGamma), z)
    }
    @inline(__always) func at(_ j: Int) -> (xhat: T, z: T) {
        let z = y[j] > 0 ? y[j] : y[j] * inverseSlope
        return ((z - beta) * inverseGamma, z)
    }
}
