import Foundation
import Volumes

/// The big vessels of the lower lobes: from each hilum a lobar (interlobar) pulmonary artery that
/// runs down and back into the lower lobe, and from each side of the left atrium an inferior
/// pulmonary vein that runs back and out into it; each is 9–13 mm across where it starts and ends
/// in three or four basal segmental trees.
///
/// Why: the trees of `ChestTubes` start at 6–8 mm and thin within a few centimetres, while a real
/// chest keeps vessels of about a centimetre well into the lower lobes. Cut obliquely on 3–5 mm
/// slices those look like round, solid nodules, and they were every false alarm of the students
/// trained without them on lung1 (Docs/student.md).
struct LobarVessels {
    let anatomy: ChestAnatomy

    /// Appends the arteries and veins to `tubes.vessels`. `hila` are the two hilar points (right
    /// first), `veinRoots` the points beside the atrium where the existing veins start (right first).
    func add(to tubes: inout ChestTubes, hila: [SIMD3<Double>], veinRoots: [SIMD3<Double>],
             rng: inout SeededGenerator) {
        let grower = TreeGrower(anatomy: anatomy)
        for (side, hilum) in zip([-1.0, 1.0], hila) {
            let r0 = rng.uniform(4.5...6.5)
            let mid = inLung(hilum + SIMD3(side * rng.uniform(6...14), rng.uniform(8...16), -rng.uniform(22...32)), from: hilum)
            let end = inLung(mid + SIMD3(side * rng.uniform(4...12), rng.uniform(6...14), -rng.uniform(22...32)), from: mid)
            tubes.vessels += [vessel(hilum, mid, r0, r0 * 0.9), vessel(mid, end, r0 * 0.9, r0 * 0.8)]
            // The superior segmental artery leaves backwards at the middle; the basal ones fan out at the end.
            let superior = inLung(mid + SIMD3(side * 8, 30, 2), from: mid)
            grower.grow(from: mid, direction: simd_normalize(superior - mid), radius: rng.uniform(2.8...3.6),
                        generation: 1, withAirway: true, into: &tubes, rng: &rng)
            for target in lowerLobeTargets(side: side, below: end.z + 10, count: Int(rng.uniform(3...4.99)), rng: &rng) {
                grower.grow(from: end, direction: simd_normalize(target - end), radius: rng.uniform(3.2...4.2),
                            generation: 1, withAirway: true, into: &tubes, rng: &rng)
            }
        }
        for (side, root) in zip([-1.0, 1.0], veinRoots) {
            let r0 = rng.uniform(4.5...6)
            let start = root + SIMD3(0, 6, -rng.uniform(10...18))
            let end = inLung(start + SIMD3(side * rng.uniform(18...30), rng.uniform(14...24), -rng.uniform(4...14)), from: start)
            tubes.vessels.append(vessel(start, end, r0, r0 * 0.85))
            for target in lowerLobeTargets(side: side, below: end.z + 15, count: 3, rng: &rng) {
                grower.grow(from: end, direction: simd_normalize(target - end), radius: rng.uniform(3...3.8),
                            generation: 1, withAirway: false, into: &tubes, rng: &rng)
            }
        }
    }

    private func vessel(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ ra: Double, _ rb: Double) -> Tube {
        Tube(a: a, b: b, radiusA: ra, radiusB: rb, value: HU.blood, paints: ChestTubes.soft)
    }

    /// `p`, or the first point halfway back towards `from` that lies in the lung (`from` if none),
    /// so a trunk never runs into the chest wall or below the diaphragm.
    private func inLung(_ p: SIMD3<Double>, from: SIMD3<Double>) -> SIMD3<Double> {
        var q = p
        for _ in 0..<6 {
            if anatomy.isLung(q.x, q.y, q.z) { return q }
            q = (q + from) / 2
        }
        return from
    }

    /// Up to `count` points of one lung (`side` −1: right, +1: left) lower than `below` mm.
    private func lowerLobeTargets(side: Double, below: Double, count: Int, rng: inout SeededGenerator) -> [SIMD3<Double>] {
        let a = anatomy
        return a.lungPoints(right: side < 0, z: min(a.domeZ.0, a.domeZ.1) - 20 ... max(below, a.domeZ.1), count: count, rng: &rng)
    }
}
