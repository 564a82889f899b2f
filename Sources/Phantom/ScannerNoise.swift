import Volumes

/// What the scanner adds after the anatomy: a little in-plane blur (the reconstruction kernel's
/// point spread) and correlated noise. Real CT noise is strongly correlated between neighbouring
/// pixels (lung1 air: 0.65 at one pixel, 0.08 at two); white noise smoothed by [1 2 1]/4 along both
/// in-plane axes has 0.67 and 0.17.
enum ScannerNoise {
    /// Blurs each axial slice of `v` (i fastest, then j; `nk` slices) with [1 2 1]/4 along i and j.
    static func blurInPlane(_ v: inout [Float], ni: Int, nj: Int, nk: Int) {
        var row = [Float](repeating: 0, count: max(ni, nj))
        v.withUnsafeMutableBufferPointer { p in
            for k in 0..<nk {
                let base = k * ni * nj
                for j in 0..<nj {
                    let o = base + j * ni
                    for i in 0..<ni { row[i] = p[o + i] }
                    for i in 1..<(ni - 1) { p[o + i] = 0.25 * (row[i - 1] + 2 * row[i] + row[i + 1]) }
                }
                for i in 0..<ni {
                    for j in 0..<nj { row[j] = p[base + j * ni + i] }
                    for j in 1..<(nj - 1) { p[base + j * ni + i] = 0.25 * (row[j - 1] + 2 * row[j] + row[j + 1]) }
                }
            }
        }
    }

    /// Adds correlated noise of standard deviation `std` HU inside the patient (`inside[v]` true) and
    /// `airStd` outside, where reconstructions of air are nearly flat.
    static func add(to v: inout [Float], inside: [Bool], std: Double, airStd: Double,
                    ni: Int, nj: Int, nk: Int, rng: inout SeededGenerator) {
        // A sum of four uniforms is close enough to Gaussian here and four times cheaper than Box–Muller.
        var noise = (0..<v.count).map { _ -> Float in
            let a = rng.next(), b = rng.next()
            let u = Float(a & 0xFFFF_FFFF) + Float(a >> 32) + Float(b & 0xFFFF_FFFF) + Float(b >> 32)
            return (u / 4_294_967_296 - 2) * 1.7320508
        }
        blurInPlane(&noise, ni: ni, nj: nj, nk: nk)
        // The [1 2 1]/4 blur along two axes leaves (6/16)² of the variance: undo that.
        let gain = Float(1 / 0.375), s = Float(std) * gain, sa = Float(airStd) * gain
        for idx in v.indices { v[idx] += noise[idx] * (inside[idx] ? s : sa) }
    }
}
