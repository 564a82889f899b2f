import Foundation
import Volumes

/// The tubular parts of a chest, built around one `ChestAnatomy`: great vessels and airways in the
/// mediastinum, bronchovascular trees that branch from each hilum and taper into the lung, pulmonary
/// veins, ribs, clavicles and scapulae. Lists come in painting order.
struct ChestTubes {
    var mediastinal: [Tube] = []
    /// Pulmonary arteries and veins; tumours may be placed against the thicker ones.
    var vessels: [Tube] = []
    var airways: [Tube] = []
    var bones: [Tube] = []

    static let soft = Tube.mask(.lung, .mediastinum)

    /// `lobarVessels` adds `LobarVessels`, drawn last so that a series without them is unchanged.
    init(_ anat: ChestAnatomy, topZ: Double, lobarVessels: Bool = false, rng: inout SeededGenerator) {
        let uc = anat.uc
        let vTrachea = anat.spineV - anat.spineR - 20
        let cz = anat.carinaZ
        let top = topZ + 20, bottom = -150.0
        let greatVessels = Tube.mask(.mediastinum, .lung, .heart)
        func vessel(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ ra: Double, _ rb: Double) -> Tube {
            Tube(a: a, b: b, radiusA: ra, radiusB: rb, value: HU.blood, paints: greatVessels)
        }
        // Aorta: ascending from the heart, arch over the left bronchus, descending left of the spine.
        let aortaR = rng.uniform(12...15)
        let asc0 = SIMD3(uc - 6, anat.heart.y - 6, anat.heart.z + anat.heartRadii.z * 0.5)
        let asc1 = SIMD3(uc - 10, vTrachea - 24, cz + 28)
        let arch = SIMD3(uc + 2, vTrachea - 8, cz + 40)
        let desc0 = SIMD3(uc + anat.spineR + 8, anat.spineV - anat.spineR - 4, cz + 30)
        mediastinal += [vessel(asc0, asc1, aortaR, aortaR), vessel(asc1, arch, aortaR, aortaR * 0.92),
                        vessel(arch, desc0, aortaR * 0.92, aortaR * 0.85),
                        vessel(desc0, SIMD3(desc0.x, desc0.y, bottom), aortaR * 0.85, aortaR * 0.8)]
        // Arch branches up to the neck, superior vena cava, pulmonary trunk and arteries.
        for (du, r) in [(-4.0, 6.0), (6.0, 4.5), (14.0, 5.0)] {
            mediastinal.append(vessel(arch + SIMD3(du, 0, 0), SIMD3(uc + du * 2.2, vTrachea - 12, top), r, r))
        }
        mediastinal.append(vessel(SIMD3(uc - 30, vTrachea - 14, top), SIMD3(uc - 26, vTrachea - 16, anat.heart.z + 28), 9, 10))
        let trunk = SIMD3(uc + 14, vTrachea - 30, cz - 28)
        mediastinal.append(vessel(SIMD3(uc + 10, anat.heart.y - 20, anat.heart.z + 20), trunk, 13, 12))
        let hilumR = SIMD3(uc - 40, vTrachea + 8, cz - 22), hilumL = SIMD3(uc + 44, vTrachea + 12, cz - 30)
        mediastinal += [vessel(trunk, hilumR, 11, 9), vessel(trunk, hilumL, 11, 9)]
        // Oesophagus, collapsed, with a trace of air now and then.
        let oesophagus = Tube(a: SIMD3(uc + 8, vTrachea + 14, top), b: SIMD3(uc + 10, anat.spineV - anat.spineR - 8, bottom),
                              radiusA: 7, radiusB: 7, value: HU.muscle, wall: rng.unit() < 0.4 ? 5.5 : 0,
                              lumen: HU.air, paints: ChestTubes.soft)
        mediastinal.append(oesophagus)

        // Airways: trachea and main bronchi (air with a soft-tissue wall).
        func airway(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ r: Double) -> Tube {
            Tube(a: a, b: b, radiusA: r, radiusB: r * 0.95, value: 30, wall: max(0.6, r * 0.16),
                 lumen: HU.air, paints: ChestTubes.soft | Tube.mask(.wall))
        }
        let carina = SIMD3(uc + 1, vTrachea, cz)
        let tracheaR = rng.uniform(8...10.5)
        airways += [airway(SIMD3(uc + 1, vTrachea - 2, top), carina, tracheaR),
                    airway(carina, hilumR + SIMD3(0, 10, 2), tracheaR * 0.72),
                    airway(carina, hilumL + SIMD3(0, 10, 4), tracheaR * 0.62)]

        // Bronchovascular trees from each hilum towards points spread through that lung (segmental
        // arteries with their bronchi); veins from the left atrium the same way.
        let grower = TreeGrower(anatomy: anat)
        func targets(_ right: Bool, _ count: Int) -> [SIMD3<Double>] {
            anat.lungPoints(right: right, z: anat.domeZ.1 - 20 ... anat.apexZ - 10, count: count, rng: &rng)
        }
        for (hilum, right) in [(hilumR, true), (hilumL, false)] {
            for t in targets(right, 10) {
                grower.grow(from: hilum, direction: simd_normalize(t - hilum), radius: rng.uniform(3.2...4.2),
                            generation: 0, withAirway: true, into: &self, rng: &rng)
            }
        }
        let atrium = SIMD3(anat.heart.x - 10, anat.heart.y + anat.heartRadii.y * 0.55, anat.heart.z + 12)
        let veinRoots = [atrium + SIMD3(-32, 4, 0), atrium + SIMD3(32, 4, 0)]   // right, left
        for (right, start) in zip([true, false], veinRoots) {
            mediastinal.append(vessel(atrium, start, 7, 6.5))
            for t in targets(right, 7) {
                grower.grow(from: start, direction: simd_normalize(t - start), radius: rng.uniform(3...3.8),
                            generation: 0, withAirway: false, into: &self, rng: &rng)
            }
        }
        bones = ChestTubes.skeleton(anat, rng: &rng)
        if lobarVessels {
            LobarVessels(anatomy: anat).add(to: &self, hila: [hilumR, hilumL], veinRoots: veinRoots, rng: &rng)
        }
    }

    /// Ribs (cortex over marrow, cartilage at the front), clavicles and scapulae.
    static func skeleton(_ anat: ChestAnatomy, rng: inout SeededGenerator) -> [Tube] {
        var tubes: [Tube] = []
        let wall = Tube.mask(.wall)
        /// A point at depth `depth` mm inside the cavity's edge (negative: outside it) along angle θ.
        func onCavity(_ theta: Double, _ depth: Double) -> (Double, Double) {
            let c = cos(theta), s = sin(theta)
            let r = 1 / anat.norm(c, s, anat.cavityA, anat.cavityAnt, anat.cavityPost, flatBack: false) - depth
            return (anat.uc + c * r, anat.cavityV + s * r)
        }
        let spacing = (anat.apexZ - 10) / 11.5
        for rib in 0..<12 {
            let z0 = anat.apexZ - 8 - Double(rib) * spacing
            let drop = rng.uniform(70...110) * (rib < 2 ? 0.5 : 1)
            let reach = rib >= 10 ? 0.55 : 1.0          // floating ribs stop at the side
            let r = rib < 2 ? 3.5 : rng.uniform(4.2...5.2)
            for side in [-1.0, 1.0] {
                var previous: SIMD3<Double>? = nil
                for step in 0...20 {
                    let s = Double(step) / 20 * reach
                    let theta = Double.pi / 2 - side * (0.3 + s * (Double.pi - 0.75))
                    let (u, v) = onCavity(theta, -6)
                    // Ribs fall fastest along the side, as they curve from the spine to the front.
                    let p = SIMD3(u, v, z0 - drop * (s - sin(2 * .pi * s) / (2 * .pi)))
                    if let q = previous {
                        let cartilage = s > 0.82 && reach == 1
                        tubes.append(Tube(a: q, b: p, radiusA: r, radiusB: r, value: cartilage ? HU.cartilage : HU.corticalBone,
                                          wall: cartilage ? 0 : 1.3, lumen: HU.marrow, paints: wall))
                    }
                    previous = p
                }
            }
        }
        for side in [-1.0, 1.0] {
            let (u0, v0) = onCavity(-Double.pi / 2 + side * 0.25, -14)
            let (u1, v1) = onCavity(-Double.pi / 2 + side * 1.1, -16)
            tubes.append(Tube(a: SIMD3(u0, v0, anat.apexZ - 12), b: SIMD3(u1, v1, anat.apexZ + 12), radiusA: 7, radiusB: 6,
                              value: HU.corticalBone, wall: 2, lumen: HU.marrow, paints: wall))
            var z = anat.apexZ - 25
            while z > anat.apexZ - 130 {
                let (ua, va) = onCavity(Double.pi / 2 - side * 0.55, -16)
                let (ub, vb) = onCavity(Double.pi / 2 - side * 1.15, -14)
                tubes.append(Tube(a: SIMD3(ua, va, z), b: SIMD3(ub, vb, z - 8), radiusA: 2.2, radiusB: 2.6,
                                  value: HU.corticalBone * 0.8, wall: 0.9, lumen: HU.marrow, paints: wall))
                z -= 3
            }
        }
        return tubes
    }
}

/// Grows a branching tree of tapering vessels (optionally with a bronchus beside each branch) that
/// stays inside the lung: a branch that would leave it is shortened, and one too short is dropped.
struct TreeGrower {
    let anatomy: ChestAnatomy
    let minRadius = 0.35, airwayMinRadius = 1.1

    func grow(from p: SIMD3<Double>, direction dir: SIMD3<Double>, radius r: Double, generation: Int,
              withAirway: Bool, into tubes: inout ChestTubes, rng: inout SeededGenerator) {
        guard r >= minRadius, generation < 24 else { return }
        let length = r * rng.uniform(4...7) + 4
        var end = p + dir * length
        var dir = dir
        if generation >= 2 {
            // A branch heading out of the lung turns back in, as vessels follow the lung's shape.
            var tries = 0
            while !anatomy.isLung(end.x, end.y, end.z) && tries < 6 {
                dir = simd_normalize(dir + SIMD3(rng.normal(), rng.normal(), rng.normal()) * 0.7)
                end = p + dir * length * (1 - 0.12 * Double(tries))
                tries += 1
            }
            guard anatomy.isLung(end.x, end.y, end.z) else { return }
        }
        let taper = r * 0.94
        tubes.vessels.append(Tube(a: p, b: end, radiusA: r, radiusB: taper, value: HU.blood, paints: ChestTubes.soft))
        let bronchus = withAirway && r >= airwayMinRadius
        if bronchus {
            let side = simd_normalize(simd_cross(dir, SIMD3(0.3, 0.5, 0.8)))
            let offset = side * (r * 1.9 + 0.6)
            tubes.airways.append(Tube(a: p + offset, b: end + offset, radiusA: r * 0.95, radiusB: taper * 0.95, value: 30,
                                      wall: max(0.5, r * 0.2), lumen: HU.air, paints: ChestTubes.soft))
        }
        // Two children (Murray-like radii), turned to either side of a random plane through the parent.
        var perp = simd_normalize(simd_cross(dir, SIMD3(rng.uniform(-1...1), rng.uniform(-1...1), rng.uniform(-1...1))))
        if !perp.x.isFinite { perp = SIMD3(1, 0, 0) }
        let big = r * rng.uniform(0.8...0.9), small = r * rng.uniform(0.55...0.75)
        let a1 = rng.uniform(0.2...0.5), a2 = rng.uniform(0.5...1.0)
        let d1 = simd_normalize(dir * cos(a1) + perp * sin(a1)), d2 = simd_normalize(dir * cos(a2) - perp * sin(a2))
        grow(from: end, direction: d1, radius: big, generation: generation + 1, withAirway: bronchus, into: &tubes, rng: &rng)
        grow(from: end, direction: d2, radius: small, generation: generation + 1, withAirway: bronchus, into: &tubes, rng: &rng)
    }
}

@inline(__always) func simd_normalize(_ v: SIMD3<Double>) -> SIMD3<Double> { v / max((v * v).sum().squareRoot(), 1e-12) }
@inline(__always) func simd_cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
