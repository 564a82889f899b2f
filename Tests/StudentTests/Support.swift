import Foundation
import XCTest
import TestSupport
import Volumes

/// A synthetic chest with known anatomy on a 2 × 2 × 4 mm grid (90 × 70 × 40 voxels, RAS+ so the
/// patient's left is at larger i): air (−1000 HU) around an elliptic body (40 HU), two ellipsoidal
/// lungs (−850 HU, semi-axes 28 × 40 × 60 mm, centres 38 mm either side of the midline), a vessel
/// (40 HU, 3 mm radius) running through the right lung, and spherical tumours (30 HU) of the given
/// centres (mm) and radii (mm). Returns the CT, the tumour mask and each lung's true mask (right, left).
struct SyntheticChest {
    static let size = GridSize(90, 70, 40)
    static let spacing = SIMD3<Double>(2, 2, 4)
    static let lungCentres = [SIMD3<Double>(90 - 38, 70, 80), SIMD3<Double>(90 + 38, 70, 80)]   // right, left (mm)
    static let lungAxes = SIMD3<Double>(28, 40, 60)

    var ct: Volume, label: Volume, lungs: [Volume]

    init(tumours: [(centre: SIMD3<Double>, radius: Double)], noise: UInt64 = 0, vessel: Bool = true) {
        let s = Self.size
        ct = Volume(size: s, spacing: Self.spacing, voxels: [Float](repeating: -1000, count: s.count), storedType: "int16")
        label = ct.sameGrid()
        lungs = [ct.sameGrid(), ct.sameGrid()]
        var rng = SeededGenerator(seed: noise + 1)
        for k in 0..<s.k { for j in 0..<s.j { for i in 0..<s.i {
            let p = SIMD3<Double>(Double(i), Double(j), Double(k)) * Self.spacing
            let body = pow((p.x - 90) / 84, 2) + pow((p.y - 70) / 62, 2) <= 1 && p.z >= 8 && p.z <= 148
            guard body else { continue }
            var hu: Float = 40
            for (n, c) in Self.lungCentres.enumerated() {
                let d = (p - c) / Self.lungAxes
                if (d * d).sum() <= 1 { hu = -850; lungs[n][i, j, k] = 1 }
            }
            let tube = SIMD2(p.x - Self.lungCentres[0].x, p.y - Self.lungCentres[0].y)
            if vessel && hu < 0 && (tube * tube).sum() <= 9 { hu = 40 }
            for t in tumours where ((p - t.centre) * (p - t.centre)).sum() <= t.radius * t.radius {
                hu = 30; label[i, j, k] = 1
            }
            ct[i, j, k] = hu + (noise > 0 ? Float(rng.normal() * 20) : 0)
        } } }
    }
}

