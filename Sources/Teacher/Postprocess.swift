import Volumes

/// From the teacher's probabilities to a tumour mask, on the original grid:
/// threshold → keep only voxels the boxes support (inside the tumour's box on an annotated slice)
/// → keep the largest connected object → fill holes slice by slice.
///
/// With `hu` (the CT in HU on the same grid) the edge is refined at the scan's own resolution:
/// the network sees the 1 × 1 × 1.5 mm crop, which blurs the boundary of a small tumour on a
/// 0.6 mm scan, while the HU values are sharp. A voxel the network calls tumour (p > threshold) is
/// kept only where it is also denser than the box's Otsu level (as the threshold teacher computes
/// it), unless the network is sure (p > `sure`) — so ground glass the network recognises stays.
///
/// Works on the sub-block `lower…upper` (original voxel indices, inclusive) only, since the
/// tumour cannot leave its boxes; the result is OR-ed into `mask` (so several tumours add up).
///
/// The refinement also grows the kept object into neighbouring voxels that are dense (above the
/// level) and that the network does not rule out (p > `grow`): on real CT the network, trained on
/// phantoms, tends to stop short of a tumour's true edge, where the HU values still say tumour.
public struct Postprocess: Sendable {
    public var threshold: Float
    public var sure: Float
    /// Probability above which a dense voxel next to the object joins it; nil: no growing.
    public var grow: Float?
    public init(threshold: Float = 0.5, sure: Float = 0.9, grow: Float? = 0.3) {
        self.threshold = threshold; self.sure = sure; self.grow = grow
    }

    /// "P,SURE,GROW" (GROW "-" without growing), as `tutor teacher evaluate --fusion` takes it.
    public var text: String {
        func f(_ x: Float) -> String { String(format: "%g", x) }
        return "\(f(threshold)),\(f(sure)),\(grow.map(f) ?? "-")"
    }

    /// The rule written as `text` writes it; anything else is refused in one sentence.
    public init(text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        let unit: (String) -> Float? = { Float($0).flatMap { (0...1).contains($0) ? $0 : nil } }
        guard parts.count == 3, let p = unit(parts[0]), let sure = unit(parts[1]),
              parts[2] == "-" || unit(parts[2]) != nil else {
            throw TutorError("a fusion rule is P,SURE,GROW with each a number from 0 to 1 (GROW may be - for no growing), not '\(text)'.")
        }
        self.init(threshold: p, sure: sure, grow: parts[2] == "-" ? nil : unit(parts[2]))
    }

    public func apply(probabilities p: Volume, boxes: ObjectBoxes?, lower: SIMD3<Int>, upper: SIMD3<Int>,
                      hu: Volume? = nil, into mask: inout Volume) {
        let lo = pointwiseMax(lower, .zero)
        let hi = pointwiseMin(upper, SIMD3(p.size.i - 1, p.size.j - 1, p.size.k - 1))
        guard lo.x <= hi.x, lo.y <= hi.y, lo.z <= hi.z else { return }
        let sub = GridSize(hi.x - lo.x + 1, hi.y - lo.y + 1, hi.z - lo.z + 1)
        var level = -Float.infinity
        if let hu, let boxes {
            var values: [Float] = []
            for box in boxes.boxes where box.slice >= lo.z && box.slice <= hi.z {
                for j in max(box.yMin, lo.y)...min(box.yMax, hi.y) { for i in max(box.xMin, lo.x)...min(box.xMax, hi.x) {
                    values.append(hu[i, j, box.slice])
                } }
            }
            level = min(max(ThresholdTeacher.otsuLevel(values), ThresholdTeacher.levelRange.lowerBound),
                        ThresholdTeacher.levelRange.upperBound)
        }
        var block = Volume(size: sub, spacing: p.spacing)
        for c in 0..<sub.k { for b in 0..<sub.j { for a in 0..<sub.i {
            let i = lo.x + a, j = lo.y + b, k = lo.z + c
            let inside = boxes?.contains(i, j, k) ?? true
            let q = p[i, j, k]
            if inside && q > threshold && (q > sure || (hu?[i, j, k] ?? .infinity) > level) { block[a, b, c] = 1 }
        } } }
        let objects = connectedComponents(of: block)
        guard objects.count > 0 else { return }
        let keep = Int32(objects.voxelCounts.indices.max { objects.voxelCounts[$0] < objects.voxelCounts[$1] }! + 1)
        for v in 0..<sub.count { block.voxels[v] = objects.labels[v] == keep ? 1 : 0 }
        if let grow, let hu {
            growDense(&block, lower: lo, probabilities: p, hu: hu, level: level, boxes: boxes, above: grow)
        }
        fillHolesPerSlice(&block)
        for c in 0..<sub.k { for b in 0..<sub.j { for a in 0..<sub.i where block[a, b, c] > 0 {
            mask[lo.x + a, lo.y + b, lo.z + c] = 1
        } } }
    }
}

/// Adds to `block` (a sub-block at `lower` of the original grid) every voxel 6-connected to it
/// through voxels inside the boxes with HU above `level` and probability above `above`.
func growDense(_ block: inout Volume, lower: SIMD3<Int>, probabilities p: Volume, hu: Volume, level: Float,
               boxes: ObjectBoxes?, above: Float) {
    let s = block.size
    var stack = (0..<s.count).filter { block.voxels[$0] > 0 }
    while let v = stack.popLast() {
        let a = v % s.i, b = (v / s.i) % s.j, c = v / (s.i * s.j)
        for (da, db, dc) in [(-1, 0, 0), (1, 0, 0), (0, -1, 0), (0, 1, 0), (0, 0, -1), (0, 0, 1)] {
            let na = a + da, nb = b + db, nc = c + dc
            guard na >= 0, na < s.i, nb >= 0, nb < s.j, nc >= 0, nc < s.k else { continue }
            let n = na + s.i * (nb + s.j * nc)
            guard block.voxels[n] == 0 else { continue }
            let i = lower.x + na, j = lower.y + nb, k = lower.z + nc
            guard boxes?.contains(i, j, k) ?? true, p[i, j, k] > above, hu[i, j, k] > level else { continue }
            block.voxels[n] = 1
            stack.append(n)
        }
    }
}

/// Fills, on each axial slice, the background regions not connected (4-neighbours) to the slice's border.
public func fillHolesPerSlice(_ m: inout Volume) {
    let s = m.size
    var outside = [Bool](repeating: false, count: s.i * s.j)
    var stack: [Int] = []
    for k in 0..<s.k {
        for n in outside.indices { outside[n] = false }
        let base = s.i * s.j * k
        func seed(_ i: Int, _ j: Int) {
            let n = i + s.i * j
            if !outside[n] && m.voxels[base + n] <= 0.5 { outside[n] = true; stack.append(n) }
        }
        for i in 0..<s.i { seed(i, 0); seed(i, s.j - 1) }
        for j in 0..<s.j { seed(0, j); seed(s.i - 1, j) }
        while let n = stack.popLast() {
            let i = n % s.i, j = n / s.i
            if i > 0 { seed(i - 1, j) }
            if i < s.i - 1 { seed(i + 1, j) }
            if j > 0 { seed(i, j - 1) }
            if j < s.j - 1 { seed(i, j + 1) }
        }
        for n in outside.indices where !outside[n] { m.voxels[base + n] = 1 }
    }
}
