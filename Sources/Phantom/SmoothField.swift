import Volumes

/// A smooth random field over the phantom's millimetre frame: random values on a coarse lattice,
/// trilinearly interpolated. Gives tissues their slow inhomogeneity and bends surfaces a little.
struct SmoothField {
    let cell: Double
    let n: (Int, Int, Int)
    let values: [Float]

    /// A field of amplitude about ±1 over a box of `extent` mm, one lattice point every `cell` mm.
    init(extent: SIMD3<Double>, cell: Double, rng: inout SeededGenerator) {
        self.cell = cell
        n = (Int(extent.x / cell) + 3, Int(extent.y / cell) + 3, Int(extent.z / cell) + 3)
        values = (0..<(n.0 * n.1 * n.2)).map { _ in Float(rng.uniform(-1...1)) }
    }

    /// The field at a point (mm, each coordinate ≥ 0; points past the lattice are clamped to it).
    @inline(__always) func callAsFunction(_ x: Double, _ y: Double, _ z: Double) -> Float {
        let fx = min(max(x / cell, 0), Double(n.0 - 2)), fy = min(max(y / cell, 0), Double(n.1 - 2))
        let fz = min(max(z / cell, 0), Double(n.2 - 2))
        let i = min(Int(fx), n.0 - 2), j = min(Int(fy), n.1 - 2), k = min(Int(fz), n.2 - 2)
        let a = Float(fx - Double(i)), b = Float(fy - Double(j)), c = Float(fz - Double(k))
        let base = i + n.0 * (j + n.1 * k), dj = n.0, dk = n.0 * n.1
        return values.withUnsafeBufferPointer { v in
            let x00 = v[base] + a * (v[base + 1] - v[base])
            let x10 = v[base + dj] + a * (v[base + dj + 1] - v[base + dj])
            let x01 = v[base + dk] + a * (v[base + dk + 1] - v[base + dk])
            let x11 = v[base + dj + dk] + a * (v[base + dj + dk + 1] - v[base + dj + dk])
            let y0 = x00 + b * (x10 - x00), y1 = x01 + b * (x11 - x01)
            return y0 + c * (y1 - y0)
        }
    }
}
