import Foundation
import Volumes

/// One synthetic patient's chest as analytic shapes in a millimetre frame: `u` runs along the image's
/// i axis (towards the patient's left), `v` along j (towards the back), `z` upwards (superior), with
/// z = 0 at the lowest point of the lungs (the costophrenic recess). Tubular structures (vessels,
/// airways, ribs) are not here: see `ChestTubes`.
struct ChestAnatomy {
    // Body: a superellipse centred at (uc, vc), half-width a, half-depth bAnt (front) / bPost (back).
    var uc: Double, vc: Double, a: Double, bAnt: Double, bPost: Double
    var fat: Double, muscleAnt: Double, muscleLat: Double, musclePost: Double
    // Thoracic cavity: a superellipse inside the body wall.
    var cavityA: Double, cavityAnt: Double, cavityPost: Double, cavityV: Double
    // Lungs: apex height, apex dome centre offset, diaphragm domes (right, left).
    var apexZ: Double, taperZ: Double, apexU: Double, apexRadius: Double
    var domeZ: (Double, Double), domeU: (Double, Double), domeDrop: Double
    /// Lobulations of the diaphragm (none unless asked for): round humps on the domes.
    var humps: [DiaphragmHump] = []
    // Heart: ellipsoid centre, radii, in-plane rotation (cosine and sine of its angle).
    var heart: SIMD3<Double>, heartRadii: SIMD3<Double>, heartCos: Double, heartSin: Double
    // Fissures: oblique (both lungs) as z = zOblique + slope · (v − vOblique + ½(|u − uc| − 60)), horizontal (right) at zHorizontal.
    var zOblique: (Double, Double), vOblique: Double, slope: Double, zHorizontal: Double
    // Spine: vertebral body centre v and radius; disc period and phase (mm).
    var spineV: Double, spineR: Double, discPeriod: Double, discPhase: Double
    var carinaZ: Double
    var tableV: Double
    // Attenuation of this patient.
    var lungHU: Float, fatHU: Float, muscleHU: Float
    var field: SmoothField
    /// Fine mottling of the parenchyma: vessels and lobules below the scanner's resolution.
    var texture: SmoothField

    /// A patient whose body is `width` mm across (its field of view is `fov` mm, a little wider).
    init(width: Double, fieldOfView fov: Double, lobulatedDiaphragm: Bool = false, rng: inout SeededGenerator) {
        a = width / 2
        bPost = a * rng.uniform(0.62...0.74); bAnt = bPost * rng.uniform(0.9...1.0)
        uc = fov / 2 + rng.uniform(-8...8)
        vc = min(fov * 0.88 - bPost, fov - bPost - 30)
        vc = max(vc, bAnt + 8)
        fat = rng.uniform(3...16)
        muscleAnt = rng.uniform(7...14); muscleLat = rng.uniform(6...11); musclePost = rng.uniform(6...12)
        let rib = rng.uniform(6...8)
        cavityA = a - fat - muscleLat - rib
        cavityAnt = bAnt - fat - muscleAnt - rib
        cavityPost = (bPost - fat - musclePost - rib) * 1.05
        cavityV = vc
        apexZ = rng.uniform(225...265); taperZ = apexZ - rng.uniform(60...80)
        apexU = cavityA * rng.uniform(0.42...0.5); apexRadius = cavityA * 0.62
        let right = rng.uniform(40...60)
        domeZ = (right, right - rng.uniform(5...20))
        domeU = (uc - cavityA * 0.45, uc + cavityA * 0.48)
        domeDrop = rng.uniform(35...55)
        heartRadii = SIMD3(rng.uniform(50...62), rng.uniform(42...52), rng.uniform(48...58))
        heart = SIMD3(uc + rng.uniform(14...26), vc - cavityAnt * 0.35, domeZ.1 + heartRadii.z * 0.55)
        let angle = rng.uniform(0.45...0.75)
        heartCos = cos(angle); heartSin = sin(angle)
        spineR = rng.uniform(15...19)
        spineV = vc + cavityPost - spineR * 0.9
        discPeriod = rng.uniform(24...30); discPhase = rng.uniform(0...30)
        carinaZ = apexZ - rng.uniform(95...115)
        tableV = vc + bPost + rng.uniform(1...4)
        lungHU = HU.lung + Float(rng.uniform(-25...25))
        fatHU = HU.fat + Float(rng.uniform(-15...15))
        muscleHU = HU.muscle + Float(rng.uniform(-10...10))
        zOblique = (carinaZ - rng.uniform(20...40), carinaZ - rng.uniform(25...45))
        vOblique = vc + rng.uniform(-10...10); slope = rng.uniform(1.0...1.6)
        zHorizontal = carinaZ - rng.uniform(25...40)
        field = SmoothField(extent: SIMD3(fov, fov, 400), cell: 18, rng: &rng)
        texture = SmoothField(extent: SIMD3(fov, fov, 400), cell: 2.2, rng: &rng)
        // Drawn last, so that a series without them is the same as before they existed.
        if lobulatedDiaphragm { humps = DiaphragmHump.draw(for: self, rng: &rng) }
    }

    /// "Radius" of (du, dv) for half-axes a (across) and bAnt/bPost (front/back): < 1 inside.
    /// An ellipse in front; behind, a quartic superellipse for the body (backs lie flat on the table)
    /// and a cubic one for the cavity (the lungs curve round behind, either side of the spine).
    @inline(__always) func norm(_ du: Double, _ dv: Double, _ a: Double, _ bAnt: Double, _ bPost: Double,
                                flatBack: Bool = true) -> Double {
        let x = abs(du) / a
        if dv < 0 { let y = dv / bAnt; return (x * x + y * y).squareRoot() }
        if !flatBack { let y = dv / bPost; return cbrt(x * x * x + y * y * y) }
        let y = dv / bPost, x2 = x * x, y2 = y * y
        return (x2 * x2 + y2 * y2).squareRoot().squareRoot()
    }

    /// Half-widths of the mediastinum to the patient's right and left at depth v and height z.
    @inline(__always) func mediastinum(_ v: Double, _ z: Double) -> (right: Double, left: Double) {
        let front = cavityV - cavityAnt, back = spineV - spineR
        let t = min(max((v - front) / max(back - front, 1), 0), 1)   // 0 at the sternum, 1 at the spine
        let wobble = 4 * Double(field(v, z + 200, 30))
        if v > back { return (spineR + 3 + wobble, spineR + 12 + wobble) }   // around the spine, aorta on the left
        let right = 5 + 15 * sin(t * .pi) + wobble
        let left = 6 + 20 * t * t + wobble
        return (right, left)
    }

    /// Height of the diaphragm under (u, v): lung lies above it, the abdomen below.
    @inline(__always) func diaphragm(_ u: Double, _ v: Double) -> Double {
        let rightSide = u < uc
        let top = rightSide ? domeZ.0 : domeZ.1, cu = rightSide ? domeU.0 : domeU.1
        let du = (u - cu) / (cavityA * 0.55), dv = (v - (vc - cavityAnt * 0.1)) / (cavityPost * 1.1)
        var z = top - domeDrop * (du * du + dv * dv)
        for h in humps { z += h.rise(u, v) }
        return z
    }

    /// `count` random points of the right or left lung at heights within `z` (mm), fewer if the
    /// lung hardly reaches there: where branches of the vessel trees head.
    func lungPoints(right: Bool, z: ClosedRange<Double>, count: Int, rng: inout SeededGenerator) -> [SIMD3<Double>] {
        var points: [SIMD3<Double>] = []
        var tries = 0
        while points.count < count && tries < 10_000 {
            tries += 1
            let p = SIMD3(uc + (right ? -1 : 1) * rng.uniform(10...cavityA), cavityV + rng.uniform(-cavityAnt...cavityPost),
                          rng.uniform(z))
            if isLung(p.x, p.y, p.z) { points.append(p) }
        }
        return points
    }

    /// True inside either lung (parenchyma, before vessels, airways and tumours are painted).
    @inline(__always) func isLung(_ u: Double, _ v: Double, _ z: Double) -> Bool {
        classify(u, v, z).tissue == .lung
    }

    /// The tissue and its attenuation (HU) at a point.
    func classify(_ u: Double, _ v: Double, _ z: Double) -> (tissue: Tissue, hu: Float) {
        let du = u - uc, dv = v - vc
        let plain = norm(du, dv, a, bAnt, bPost)
        // The outline wobbles by at most 3.5 %: far enough outside, skip the field.
        let f = plain > 1.04 ? 0 : Double(field(u, v, z))
        let rho = plain * (1 + 0.035 * f)
        if rho >= 1 {
            if abs(du) < a * 0.8 {
                let curve = tableV + 6 - 0.0015 * du * du
                if v > curve && v < curve + 2.5 { return (.table, 60) }
            }
            return (.air, HU.air)
        }
        let r = (du * du + dv * dv).squareRoot()
        let depth = r * (1 / max(rho, 1e-6) - 1)   // mm from the skin, along the ray from the centre
        if depth < 1.8 { return (.wall, HU.skin) }
        let fatHere = fat * (1 + 0.35 * f) * (dv > 0 ? 1.1 : 1)
        if depth < fatHere { return (.wall, fatHU + 8 * Float(f)) }
        if let bone = spine(du, v, z) { return (.bone, bone) }
        if let sternum = sternum(du, v, z) { return (.bone, sternum) }
        let rc = norm(du, v - cavityV, cavityA, cavityAnt, cavityPost, flatBack: false)
        if rc >= 1 { return (.wall, muscleHU + 6 * Float(f)) }
        return cavity(u, v, z, f)
    }

    /// Inside the thoracic cavity: abdomen below the diaphragm, heart, mediastinum, lungs.
    private func cavity(_ u: Double, _ v: Double, _ z: Double, _ f: Double) -> (tissue: Tissue, hu: Float) {
        if z < diaphragm(u, v) {
            return (.abdomen, u < uc ? HU.liver + 4 * Float(f) : HU.spleen + 4 * Float(f))
        }
        let h = heartDistance(u, v, z)
        if h < 1 { return (.heart, HU.blood + 4 * Float(f)) }
        if h < 1.1 { return (.mediastinum, fatHU) }
        let med = mediastinum(v, z)
        if u > uc - med.right && u < uc + med.left { return (.mediastinum, fatHU + 10 * Float(f)) }
        if z > taperZ {
            let au = u < uc ? uc - apexU : uc + apexU
            let t = (z - taperZ) / (apexZ - taperZ)
            let allowed = apexRadius * (max(0, 1 - t * t)).squareRoot()
            let d = ((u - au) * (u - au) + (v - cavityV - 10) * (v - cavityV - 10)).squareRoot()
            if d > allowed { return (.wall, muscleHU) }
        }
        // Dependent lung is denser: about +40 HU from front to back, plus patchiness and fine mottling.
        let back = Float((v - (cavityV - cavityAnt)) / (cavityAnt + cavityPost)) - 0.5
        let hu = lungHU + 36 * back + 12 * Float(f) + 14 * texture(u, v, z) + fissure(u, v, z, f)
        return (.lung, hu)
    }

    /// Extra attenuation (HU) of the fissures at a point of lung: thin, slightly denser surfaces
    /// between the lobes, bent a little by the slow field.
    @inline(__always) private func fissure(_ u: Double, _ v: Double, _ z: Double, _ f: Double) -> Float {
        let right = u < uc
        // In an axial slice the oblique fissure runs from the hilum forwards and out to the side wall.
        let lateral = 0.5 * (abs(u - uc) - 60)
        let zf = (right ? zOblique.0 : zOblique.1) + slope * (v - vOblique + lateral) + 6 * f
        let oblique = abs(z - zf) / (1 + 1.25 * slope * slope).squareRoot()
        var d = oblique
        // The horizontal fissure of the right lung lies in front of the oblique one.
        if right && z > zf { d = min(d, abs(z - zHorizontal - 4 * f) * 0.6) }
        return d < 0.9 ? Float(130 * (1 - d / 0.9)) : 0
    }

    /// Ellipsoid "radius" of the heart at a point: < 1 inside.
    @inline(__always) func heartDistance(_ u: Double, _ v: Double, _ z: Double) -> Double {
        let du = u - heart.x, dv = v - heart.y, dz = z - heart.z
        let c = heartCos, s = heartSin
        let x = (c * du + s * dv) / heartRadii.x, y = (-s * du + c * dv) / heartRadii.y
        return (x * x + y * y + dz * dz / (heartRadii.z * heartRadii.z)).squareRoot()
    }

    /// Vertebra at (du across the midline, v, z): body with cortex and discs, canal, arch, processes.
    @inline(__always) private func spine(_ du: Double, _ v: Double, _ z: Double) -> Float? {
        let dv = v - spineV
        if dv < -spineR - 1 { return nil }
        let body = (du * du + dv * dv).squareRoot()
        let inDisc = (z + discPhase).truncatingRemainder(dividingBy: discPeriod) < 6 && z > -200
        if body < spineR {
            if inDisc { return HU.disc }
            return body > spineR - 1.5 ? HU.corticalBone * 0.75 : HU.marrow
        }
        let cv = dv - spineR - 9   // spinal canal centre
        let canal = (du * du + cv * cv).squareRoot()
        if canal < 8 { return HU.csf }
        if inDisc { return nil }
        if canal < 13 { return HU.corticalBone * 0.6 }
        if abs(du) < 3.5 && cv > 0 && cv < 38 { return HU.corticalBone * 0.55 }   // spinous process
        if abs(cv) < 5 && abs(du) < 32 { return HU.corticalBone * 0.5 }          // transverse processes
        return nil
    }

    /// Sternum: a flat bone in the front wall, from the heart's middle up to the top of the thorax.
    @inline(__always) private func sternum(_ du: Double, _ v: Double, _ z: Double) -> Float? {
        guard z > heart.z - 20 else { return nil }
        let front = vc - bAnt + fat + muscleAnt * 0.4
        let x = du / 14, y = (v - front - 6) / 6
        let r = x * x + y * y
        guard r < 1 else { return nil }
        return r > 0.6 ? HU.corticalBone * 0.7 : HU.marrow
    }
}

/// A lobulation of the diaphragm: a round hump of `height` mm and `radius` mm on a dome. Real
/// diaphragms are seldom one smooth dome; a thick axial slice through the top of a hump shows a
/// round island of liver or spleen density, blurred at its edge and surrounded by lung, which
/// looks much like a nodule on that slice (lung1's lowest slices have several). Students trained
/// with humps were not better on lung1, whose false alarms are vessels (Docs/student.md), so
/// phantoms have them only when asked (`PhantomOptions.lobulatedDiaphragm`).
struct DiaphragmHump {
    var u: Double, v: Double, radius: Double, height: Double

    /// Rise (mm) of the diaphragm at (u, v): height · (1 − r²)² inside the radius, 0 outside,
    /// smooth at the rim.
    @inline(__always) func rise(_ pu: Double, _ pv: Double) -> Double {
        let du = pu - u, dv = pv - v
        let r2 = (du * du + dv * dv) / (radius * radius)
        guard r2 < 1 else { return 0 }
        let t = 1 - r2
        return height * t * t
    }

    /// One to four humps spread over both domes, mostly on the right (over the liver), where
    /// lobulation is commonest, anywhere from the dome's top to its back and sides.
    static func draw(for anatomy: ChestAnatomy, rng: inout SeededGenerator) -> [DiaphragmHump] {
        let count = 1 + Int(rng.unit() * 4)
        return (0..<count).map { _ in
            let right = rng.unit() < 0.65
            let cu = right ? anatomy.domeU.0 : anatomy.domeU.1
            return DiaphragmHump(u: cu + rng.uniform(-0.35...0.35) * anatomy.cavityA,
                                 v: anatomy.vc + rng.uniform(-0.3...0.6) * anatomy.cavityPost,
                                 radius: rng.uniform(14...32), height: rng.uniform(8...24))
        }
    }
}
