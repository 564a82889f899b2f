import Foundation
import Volumes

/// One synthetic lung tumour: a perturbed ellipsoid (lobes, spicules) of a given density, in mm.
struct Tumour {
    enum Shape: String, CaseIterable { case round, lobulated, spiculated }
    enum Density: String, CaseIterable { case solid, partSolid = "part-solid", groundGlass = "ground-glass" }
    enum Place: String, CaseIterable { case parenchyma, chestWall = "chest-wall", mediastinum, vessel }

    var centre: SIMD3<Double>
    /// Mean radius (mm): half the diameter.
    var radius: Double
    var shape: Shape, density: Density, place: Place
    /// Per-axis stretch of the ellipsoid.
    var stretch: SIMD3<Double>
    /// Radial bumps: r(dir) = radius · (1 + Σ amp · cos(freq · angle(dir, axis) + phase)).
    var bumps: [(axis: SIMD3<Double>, amp: Double, freq: Double, phase: Double)]
    var spicules: [Tube]
    /// Attenuation of the solid part and of the ground-glass part; the solid core's share of the radius.
    var solidHU: Float, glassHU: Float, core: Double

    init(centre: SIMD3<Double>, radius: Double, shape: Shape, density: Density, place: Place,
         rng: inout SeededGenerator) {
        self.centre = centre; self.radius = radius; self.shape = shape; self.density = density; self.place = place
        stretch = SIMD3(rng.uniform(0.85...1.15), rng.uniform(0.85...1.15), rng.uniform(0.8...1.2))
        func direction() -> SIMD3<Double> {
            simd_normalize(SIMD3(rng.normal(), rng.normal(), rng.normal()))
        }
        let (count, amp, freq): (Int, ClosedRange<Double>, ClosedRange<Double>) = switch shape {
        case .round: (2, 0.02...0.06, 1...2)
        case .lobulated: (5, 0.06...0.14, 2...4)
        case .spiculated: (4, 0.04...0.1, 2...5)
        }
        bumps = (0..<count).map { _ in (direction(), rng.uniform(amp), rng.uniform(freq), rng.uniform(0...(2 * .pi))) }
        spicules = []
        solidHU = Float(rng.uniform(15...50))
        glassHU = Float(rng.uniform(-650 ... -420))
        core = density == .partSolid ? rng.uniform(0.3...0.65) : (density == .solid ? 1 : 0)
        if shape == .spiculated {
            for _ in 0..<Int(rng.uniform(8...20)) {
                let d = direction()
                let start = centre + d * radius * 0.8
                let end = centre + d * radius * rng.uniform(1.3...1.9)
                spicules.append(Tube(a: start, b: end, radiusA: rng.uniform(0.7...1.3), radiusB: 0.25,
                                     value: density == .groundGlass ? glassHU : solidHU,
                                     paints: Tube.mask(.lung), marksLabel: true))
            }
        }
    }

    /// Outer radius (mm) along unit direction `dir`.
    @inline(__always) func surface(_ dir: SIMD3<Double>) -> Double {
        var f = 1.0
        for b in bumps { f += b.amp * cos(b.freq * acos(min(max((dir * b.axis).sum(), -1), 1)) * 2 + b.phase) }
        return radius * f
    }

    /// How far every part of the tumour reaches from its centre (mm).
    var reach: Double { radius * (spicules.isEmpty ? 1.5 : 2.0) * stretch.max() }

    /// Paints the tumour over lung (including its vessels, which it engulfs; ground glass lets them
    /// show through) and records its cover of each voxel in `grid.label`. Parts over the chest wall or
    /// mediastinum are left as they are: a tumour's edge there is the pleura, as a radiologist draws it.
    func paint(on grid: inout FineGrid) {
        let lungBit = Tissue.lung.rawValue
        let px = grid.pixel, inv = Float(1 / px)
        let lo = centre - reach, hi = centre + reach
        let i0 = max(Int(lo.x / px), 0), i1 = min(Int(hi.x / px) + 1, grid.ni - 1)
        let j0 = max(Int(lo.y / px), 0), j1 = min(Int(hi.y / px) + 1, grid.nj - 1)
        let k0 = max(Int((lo.z - grid.z0) / grid.dz), 0), k1 = min(Int((hi.z - grid.z0) / grid.dz) + 1, grid.nk - 1)
        guard i0 <= i1, j0 <= j1, k0 <= k1 else { return }
        for k in k0...k1 {
            let z = grid.z0 + Double(k) * grid.dz
            for j in j0...j1 {
                for i in i0...i1 {
                    let idx = i + grid.ni * (j + grid.nj * k)
                    guard grid.tissue[idx] == lungBit else { continue }
                    let q = (SIMD3(Double(i) * px, Double(j) * px, z) - centre) / stretch
                    let d = (q * q).sum().squareRoot()
                    let r = d > 1e-9 ? surface(q / d) : radius
                    let cover = min(max(Float(r - d) * inv + 0.5, 0), 1)
                    guard cover > 0 else { continue }
                    // Past the surface (cover under ½) a solid tumour's rim still mixes solid tissue
                    // with lung; only a ground-glass rim is ground glass.
                    let solid = core >= 1 || d < r * core
                    let value: Float = solid ? solidHU + Float(d / r) * 6 : glassHU
                    let old = grid.hu[idx]
                    // Ground glass is fainter than vessels, so vessels stay visible through it.
                    let target = solid ? value : max(old, value)
                    grid.hu[idx] = old + cover * (target - old)
                    grid.label[idx] = max(grid.label[idx], coverByte(cover))
                }
            }
        }
        for s in spicules { grid.paint(s) }
    }
}
