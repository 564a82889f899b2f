import Foundation
import Volumes

/// A straight tapered cylinder: vessels, airways, ribs, great vessels and spicules are chains of these.
/// Radii and positions in mm (the phantom frame of `ChestAnatomy`). A tube with a `wall` paints its
/// outer `wall` mm with `value` and the lumen inside with `lumen` (airways: air; ribs: marrow).
struct Tube {
    var a: SIMD3<Double>, b: SIMD3<Double>
    var radiusA: Double, radiusB: Double
    var value: Float
    var wall: Double = 0
    var lumen: Float = 0
    /// The tissues this tube may paint over (a bit set of `Tissue` raw values).
    var paints: UInt16
    /// Whether its cover counts towards the tumour label (`FineGrid.label`; spicules).
    var marksLabel = false

    static func mask(_ tissues: Tissue...) -> UInt16 { tissues.reduce(0) { $0 | (1 << $1.rawValue) } }
}

/// The fine grid the phantom is drawn on before slices are averaged: `ni × nj` pixels of `pixel` mm,
/// `nk` planes `dz` mm apart, the first at height `z0` (mm, the anatomy frame). Voxel centres lie at
/// u = i·pixel, v = j·pixel, z = z0 + k·dz.
struct FineGrid {
    var ni: Int, nj: Int, nk: Int
    var pixel: Double, dz: Double, z0: Double
    var hu: [Float]
    var tissue: [UInt8]
    /// How much of each fine voxel a tumour covers, 0…255 (the largest of the tumours and spicules
    /// painted there): thick slices average it over their sub-planes before it is thresholded at half,
    /// as their HU values average the tissues (`thickSlices`).
    var label: [UInt8]

    init(ni: Int, nj: Int, nk: Int, pixel: Double, dz: Double, z0: Double) {
        self.ni = ni; self.nj = nj; self.nk = nk; self.pixel = pixel; self.dz = dz; self.z0 = z0
        hu = [Float](repeating: HU.air, count: ni * nj * nk)
        tissue = [UInt8](repeating: 0, count: ni * nj * nk)
        label = tissue
    }

    /// The scan's slices, each the mean of `sub` consecutive sub-planes (nk must be a multiple):
    /// HU values averaged, the label 1 where the tumours fill at least half of the voxel (its mean
    /// cover, the same mean its HU value is, so the label's edge is the HU values' half-way edge at
    /// every slice thickness), and whether any sub-plane holds more than air.
    func thickSlices(_ sub: Int) -> (hu: [Float], label: [Float], inside: [Bool]) {
        let plane = ni * nj, slices = nk / sub
        var hu = [Float](repeating: 0, count: plane * slices)
        var cover = [Float](repeating: 0, count: plane * slices)
        var inside = [Bool](repeating: false, count: plane * slices)
        let air = Tissue.air.rawValue
        for k in 0..<slices {
            for s in 0..<sub {
                let from = (k * sub + s) * plane, to = k * plane
                for p in 0..<plane {
                    hu[to + p] += self.hu[from + p]
                    cover[to + p] += Float(label[from + p])
                    if tissue[from + p] != air { inside[to + p] = true }
                }
            }
        }
        let scale = 1 / Float(sub), half = Float(255) / 2 * Float(sub)
        for idx in hu.indices {
            hu[idx] *= scale
            cover[idx] = cover[idx] >= half ? 1 : 0
        }
        return (hu, cover, inside)
    }

    /// Paints a tube with an antialiased edge: coverage = clamp((r − d)/pixel + ½, 0, 1) blends the
    /// tube's value over what lies there, which is the in-plane partial-volume effect.
    mutating func paint(_ t: Tube) {
        let rMax = max(t.radiusA, t.radiusB) + pixel
        let lo = SIMD3(min(t.a.x, t.b.x), min(t.a.y, t.b.y), min(t.a.z, t.b.z)) - rMax
        let hi = SIMD3(max(t.a.x, t.b.x), max(t.a.y, t.b.y), max(t.a.z, t.b.z)) + rMax
        let i0 = max(Int(lo.x / pixel), 0), i1 = min(Int(hi.x / pixel) + 1, ni - 1)
        let j0 = max(Int(lo.y / pixel), 0), j1 = min(Int(hi.y / pixel) + 1, nj - 1)
        let k0 = max(Int((lo.z - z0) / dz), 0), k1 = min(Int((hi.z - z0) / dz) + 1, nk - 1)
        guard i0 <= i1, j0 <= j1, k0 <= k1 else { return }
        let d = t.b - t.a, len2 = max((d * d).sum(), 1e-9)
        let inv = Float(1 / pixel)
        hu.withUnsafeMutableBufferPointer { hu in
            tissue.withUnsafeMutableBufferPointer { tissue in label.withUnsafeMutableBufferPointer { label in
                for k in k0...k1 {
                    let z = z0 + Double(k) * dz
                    for j in j0...j1 {
                        let v = Double(j) * pixel
                        for i in i0...i1 {
                            let idx = i + ni * (j + nj * k)
                            guard t.paints & (1 << UInt16(tissue[idx])) != 0 else { continue }
                            let p = SIMD3(Double(i) * pixel, v, z) - t.a
                            let s = min(max((p * d).sum() / len2, 0), 1)
                            let q = p - s * d
                            let dist = (q * q).sum().squareRoot()
                            let r = t.radiusA + s * (t.radiusB - t.radiusA)
                            let cover = min(max(Float(r - dist) * inv + 0.5, 0), 1)
                            guard cover > 0 else { continue }
                            var value = hu[idx] + cover * (t.value - hu[idx])
                            if t.wall > 0 {
                                let inner = min(max(Float(r - t.wall - dist) * inv + 0.5, 0), 1)
                                value += inner * (t.lumen - value)
                            }
                            hu[idx] = value
                            if t.marksLabel { label[idx] = max(label[idx], coverByte(cover)) }
                        }
                    }
                }
            } }
        }
    }

    /// Fills every voxel's base tissue from the anatomy, planes spread over the cores.
    mutating func fill(from anatomy: ChestAnatomy) {
        let (ni, nj, nk, pixel, dz, z0) = (ni, nj, nk, pixel, dz, z0)
        hu.withUnsafeMutableBufferPointer { hu in
            tissue.withUnsafeMutableBufferPointer { tissue in
                let (huBase, tissueBase) = (hu.baseAddress!, tissue.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: nk) { k in
                    let z = z0 + Double(k) * dz
                    for j in 0..<nj {
                        let v = Double(j) * pixel
                        for i in 0..<ni {
                            let (t, h) = anatomy.classify(Double(i) * pixel, v, z)
                            let idx = i + ni * (j + nj * k)
                            huBase[idx] = h; tissueBase[idx] = t.rawValue
                        }
                    }
                }
            }
        }
    }
}

/// A coverage 0…1 as the byte `FineGrid.label` keeps (0…255, rounded).
@inline(__always) func coverByte(_ cover: Float) -> UInt8 { UInt8((cover * 255).rounded()) }
