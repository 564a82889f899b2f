/// InstanceNorm3d (affine, eps 1e-5, biased variance over the spatial axes of each channel)
/// followed by PReLU (one slope per channel), fused: one pass for the statistics, one for
/// normalise + scale + shift + activation.
///
/// Shapes: x [C, N] (N = A·B·C'), gamma/beta/slope [C], rstd [C] (1/√(var + eps), kept for backward).
enum NormPReLU {
    static let eps = 1e-5
    /// Values summed in the working precision before the sum moves to Double.
    static let chunk = 4096

    /// In place: x becomes x̂ = (x − mean)·rstd when `y` is given (training: backward needs x̂)
    /// and y = PReLU(γ·x̂ + β); without `y`, x itself becomes the activation (inference).
    static func forward<T: NetScalar>(
        x: UnsafeMutablePointer<T>, channels: Int, spatial n: Int,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, slope: UnsafePointer<T>,
        y: UnsafeMutablePointer<T>?, rstd: UnsafeMutablePointer<T>
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
            let g = gamma[c], b = beta[c], a = slope[c]
            if let y {
                let q = y + c * n
                for j in 0..<n {
                    let xh = (p[j] - mean) * r
                    p[j] = xh
                    let z = g * xh + b
                    q[j] = z > 0 ? z : a * z
                }
            } else {
                let scale = g * r, offset = b - mean * g * r
                for j in 0..<n {
                    let z = p[j] * scale + offset
                    p[j] = z > 0 ? z : a * z
                }
            }
        }
    }

    /// In place: dy (the gradient of y) becomes dx, the gradient of the norm's input;
    /// dGamma, dBeta, dSlope += this sample's parameter gradients.
    static func backward<T: NetScalar>(
        dy: UnsafeMutablePointer<T>, xhat: UnsafePointer<T>, channels: Int, spatial n: Int,
        gamma: UnsafePointer<T>, beta: UnsafePointer<T>, slope: UnsafePointer<T>, rstd: UnsafePointer<T>,
        dGamma: UnsafeMutablePointer<T>, dBeta: UnsafeMutablePointer<T>, dSlope: UnsafeMutablePointer<T>
    ) {
        Engine.forEachTile(channels) { c, _ in
            let d = dy + c * n, xh = xhat + c * n
            let g = gamma[c], b = beta[c], a = slope[c]
            var sdz = 0.0, sdzx = 0.0, sda = 0.0
            // Per chunk: the elementwise terms into an L1-sized buffer (a loop the compiler turns
            // into vector selects), then their sums eight lanes at a time.
            withUnsafeTemporaryAllocation(of: T.self, capacity: 2 * chunk) { temp in
                let dzs = temp.baseAddress!, das = dzs + chunk
                var i = 0
                while i < n {
                    let m = min(n - i, chunk)
                    let x = xh + i, dv = d + i
                    for j in 0..<m {
                        let z = g * x[j] + b
                        dzs[j] = z > 0 ? dv[j] : a * dv[j]
                        das[j] = z > 0 ? 0 : dv[j] * z
                    }
                    var vdz = SIMD8<T>(), vdzx = SIMD8<T>(), vda = SIMD8<T>()
                    var j = 0
                    while j + 8 <= m {
                        let dz = load8(dzs + j)
                        vdz += dz; vdzx += dz * load8(x + j); vda += load8(das + j)
                        j += 8
                    }
                    var cdz = vdz.sum(), cdzx = vdzx.sum(), cda = vda.sum()
                    while j < m { cdz += dzs[j]; cdzx += dzs[j] * x[j]; cda += das[j]; j += 1 }
                    sdz += Double(cdz); sdzx += Double(cdzx); sda += Double(cda)
                    i += m
                }
            }
            dGamma[c] += T(sdzx); dBeta[c] += T(sdz); dSlope[c] += T(sda)
            let meanDz = T(sdz / Double(n)), meanDzx = T(sdzx / Double(n))
            let k = rstd[c] * g
            for j in 0..<n {
                let z = g * xh[j] + b
                let dz = z > 0 ? d[j] : a * d[j]
                d[j] = k * (dz - meanDz - xh[j] * meanDzx)
            }
        }
    }
}
