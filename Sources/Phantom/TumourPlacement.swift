import Volumes

/// Chooses tumours for one chest: their number, size, shape, density and where they sit.
struct TumourPlacement {
    let anatomy: ChestAnatomy
    let vessels: [Tube]
    /// Tumour centres must leave their radius free of these heights (mm): the volume's z extent.
    let zRange: ClosedRange<Double>
    /// lung1-like tumours (`PhantomOptions.smallThick`): 8–20 mm, mostly solid, mostly against
    /// the wall, the mediastinum or a vessel.
    var smallThick = false

    /// 1 tumour (60 %), 2 (28 %) or 3 (12 %), apart from each other; lung1-like cases, being
    /// small, hold more: 1 (40 %), 2 (35 %) or 3 (25 %).
    func tumours(rng: inout SeededGenerator) -> [Tumour] {
        let u = rng.unit()
        let count = smallThick ? (u < 0.4 ? 1 : (u < 0.75 ? 2 : 3)) : (u < 0.6 ? 1 : (u < 0.88 ? 2 : 3))
        var result: [Tumour] = []
        for n in 0..<count {
            for _ in 0..<20 {
                guard let t = tumour(rng: &rng) else { continue }
                let clear = result.allSatisfy {
                    ((($0.centre - t.centre) * ($0.centre - t.centre)).sum()).squareRoot() > $0.reach + t.reach + 4
                }
                if clear { result.append(t); break }
            }
            if result.count < n { break }
        }
        return result
    }

    func tumour(rng: inout SeededGenerator) -> Tumour? {
        let s = rng.unit()
        let diameter = smallThick ? 8 + 12 * s
            : (s < 0.35 ? rng.uniform(5...15) : (s < 0.7 ? rng.uniform(15...35) : rng.uniform(35...70)))
        let radius = diameter / 2
        let shape = pick(Tumour.Shape.allCases, [0.35, 0.35, 0.3], &rng)
        let density = pick(Tumour.Density.allCases,
                           smallThick ? [0.7, 0.2, 0.1] : (diameter > 40 ? [0.8, 0.15, 0.05] : [0.55, 0.22, 0.23]), &rng)
        var place = pick(Tumour.Place.allCases, smallThick ? [0.2, 0.35, 0.15, 0.3] : [0.35, 0.3, 0.15, 0.2], &rng)
        var centre: SIMD3<Double>? = nil
        for _ in 0..<60 where centre == nil {
            centre = switch place {
            case .parenchyma: isolated(radius, &rng)
            case .chestWall: touching(radius, medial: false, &rng)
            case .mediastinum: touching(radius, medial: true, &rng)
            case .vessel: besideVessel(radius, &rng)
            }
        }
        if centre == nil { place = .chestWall; centre = touching(radius, medial: false, &rng) }
        guard let c = centre else { return nil }
        return Tumour(centre: c, radius: radius, shape: shape, density: density, place: place, rng: &rng)
    }

    private func pick<T>(_ items: [T], _ weights: [Double], _ rng: inout SeededGenerator) -> T {
        var u = rng.unit() * weights.reduce(0, +)
        for (item, w) in zip(items, weights) { u -= w; if u < 0 { return item } }
        return items[items.count - 1]
    }

    private func inLung(_ p: SIMD3<Double>) -> Bool { anatomy.isLung(p.x, p.y, p.z) }

    private func lungPoint(_ margin: Double, _ rng: inout SeededGenerator) -> SIMD3<Double>? {
        let a = anatomy
        guard zRange.upperBound - zRange.lowerBound > 2 * margin else { return nil }
        for _ in 0..<200 {
            let p = SIMD3(a.uc + rng.uniform(-a.cavityA...a.cavityA),
                          a.cavityV + rng.uniform(-a.cavityAnt...a.cavityPost),
                          rng.uniform((zRange.lowerBound + margin)...(zRange.upperBound - margin)))
            if inLung(p) { return p }
        }
        return nil
    }

    /// Surrounded by lung: the centre and 26 points at 1.2 radii around it all lie in the lung.
    private func isolated(_ r: Double, _ rng: inout SeededGenerator) -> SIMD3<Double>? {
        guard let p = lungPoint(r, &rng) else { return nil }
        for dk in -1...1 { for dj in -1...1 { for di in -1...1 where di != 0 || dj != 0 || dk != 0 {
            let d = simd_normalize(SIMD3(Double(di), Double(dj), Double(dk)))
            if !inLung(p + d * r * 1.2 + d * 2) { return nil }
        } } }
        return p
    }

    /// Against the chest wall (walking outwards) or the mediastinum (walking towards the midline):
    /// the centre sits 0.5–0.85 radii inside the lung's edge, so the tumour meets the pleura broadly.
    private func touching(_ r: Double, medial: Bool, _ rng: inout SeededGenerator) -> SIMD3<Double>? {
        guard let p = lungPoint(r * 0.5, &rng) else { return nil }
        let a = anatomy
        let dir = medial ? SIMD3(p.x < a.uc ? 1.0 : -1.0, 0, 0) : simd_normalize(SIMD3(p.x - a.uc, p.y - a.cavityV, 0))
        var b = p
        for _ in 0..<300 where inLung(b + dir) { b += dir }
        let beyond = a.classify(b.x + 2 * dir.x, b.y + 2 * dir.y, b.z).tissue
        let wanted: Set<Tissue> = medial ? [.mediastinum, .heart] : [.wall, .bone]
        guard wanted.contains(beyond) else { return nil }
        let c = b - dir * r * rng.uniform(0.5...0.85)
        return inLung(c) ? c : nil
    }

    /// Against a pulmonary vessel 1–4 mm thick, overlapping it a little.
    private func besideVessel(_ r: Double, _ rng: inout SeededGenerator) -> SIMD3<Double>? {
        let candidates = vessels.filter { $0.radiusA >= 1 && $0.radiusA <= 4 }
        guard !candidates.isEmpty else { return nil }
        let t = candidates[Int(rng.unit() * Double(candidates.count))]
        let m = (t.a + t.b) / 2
        guard zRange.contains(m.z - r), zRange.contains(m.z + r) else { return nil }
        let axis = simd_normalize(t.b - t.a)
        let perp = simd_normalize(simd_cross(axis, SIMD3(rng.normal(), rng.normal(), rng.normal())))
        let c = m + perp * (r + t.radiusA * 0.3)
        return inLung(c) ? c : nil
    }
}
