import Volumes

/// Closes every axial slice of a 0/1 mask by its convex hull: each voxel whose centre lies inside
/// the convex polygon spanned by the slice's foreground voxel centres becomes 1.
func fillConvexHullPerSlice(_ m: inout Volume) {
    let s = m.size
    for k in 0..<s.k {
        // Per row, the leftmost and rightmost foreground voxel: the hull of these is the slice's hull.
        var points: [SIMD2<Double>] = []
        for j in 0..<s.j {
            var first = -1, last = -1
            for i in 0..<s.i where m[i, j, k] > 0.5 {
                if first < 0 { first = i }
                last = i
            }
            if first >= 0 {
                points.append(SIMD2(Double(first), Double(j)))
                if last != first { points.append(SIMD2(Double(last), Double(j))) }
            }
        }
        let hull = convexHull(points)
        guard hull.count >= 3 else { continue }
        for j in 0..<s.j {
            guard let (x0, x1) = rowSpan(hull, y: Double(j)) else { continue }
            let from = max(0, Int((x0 - 1e-9).rounded(.up))), to = min(s.i - 1, Int((x1 + 1e-9).rounded(.down)))
            if from <= to { for i in from...to { m[i, j, k] = 1 } }
        }
    }
}

/// Andrew's monotone chain: the hull's vertices, counter-clockwise, collinear points dropped.
func convexHull(_ points: [SIMD2<Double>]) -> [SIMD2<Double>] {
    let p = points.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
    guard p.count >= 3 else { return p }
    func cross(_ o: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
        (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
    }
    var lower: [SIMD2<Double>] = [], upper: [SIMD2<Double>] = []
    for q in p {
        while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], q) <= 0 { lower.removeLast() }
        lower.append(q)
    }
    for q in p.reversed() {
        while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], q) <= 0 { upper.removeLast() }
        upper.append(q)
    }
    return Array(lower.dropLast() + upper.dropLast())
}

/// Where the horizontal line at `y` crosses a convex polygon: its x interval, or nil when it misses.
func rowSpan(_ hull: [SIMD2<Double>], y: Double) -> (Double, Double)? {
    var lo = Double.infinity, hi = -Double.infinity
    for n in hull.indices {
        let a = hull[n], b = hull[(n + 1) % hull.count]
        if a.y == y { lo = min(lo, a.x); hi = max(hi, a.x) }
        guard (a.y - y) * (b.y - y) < 0 else { continue }
        let x = a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y)
        lo = min(lo, x); hi = max(hi, x)
    }
    return lo <= hi ? (lo, hi) : nil
}
