import Volumes

/// From the teacher's probabilities to a tumour mask, on the original grid:
/// threshold → keep only voxels the boxes support (inside the tumour's box on an annotated slice)
/// → keep the largest connected object → fill holes slice by slice.
///
/// With `hu` (the CT in HU on the same grid) the edge is refined at the scan's own resolution:
/// the network sees the 1 × 1 × 1.5 mm crop, which blurs the boundary of a small tumour on a
/// 0.6 mm scan, while the HU values are sharp. First the network's mask (p > threshold) is compared
/// with the voxels denser than the box's Otsu level (the threshold teacher's): when the two describe
/// different objects (DSC below `agreement`: ground glass whose Otsu level splits off the solid
/// core, a tumour merged with the wall), the HU values would cut away what the network rightly
/// found, and the network's mask stands alone. When they agree, a voxel the network calls tumour is
/// kept only where it is also dense, unless the network is sure (p > `sure`; the default 1 never
/// overrides the HU values), and the kept object grows into neighbouring voxels that are dense and
/// that the network does not rule out (p > `grow`): on real CT the network, trained on phantoms,
/// tends to misplace a tumour's edge by a voxel, where the HU values are exact.
///
/// Works on the sub-block `lower…upper` (original voxel indices, inclusive) only, since the
/// tumour cannot leave its boxes; the result is OR-ed into `mask` (so several tumours add up).
/// The probabilities may cover just a block of the grid (`TeacherCrop.paste(_:region:block:_:)`):
/// their voxel (0, 0, 0) is the original voxel `origin`.
///
/// The default rule was chosen on phantoms of a tuning series (Docs/teacher.md).
public struct Postprocess: Sendable {
    public var threshold: Float
    public var sure: Float
    /// Probability above which a dense voxel next to the object joins it; nil: no growing.
    public var grow: Float?
    /// The DSC (inside the boxes) between the network's mask and the dense voxels below which the
    /// HU values are not used; nil: they always are.
    public var agreement: Float?
    public init(threshold: Float = 0.5, sure: Float = 1, grow: Float? = 0.3, agreement: Float? = 0.75) {
        self.threshold = threshold; self.sure = sure; self.grow = grow; self.agreement = agreement
    }

    /// "P,SURE,GROW[,AGREE]" (GROW "-" without growing), as `tutor teacher evaluate --fusion` takes it.
    public var text: String {
        func f(_ x: Float) -> String { String(format: "%g", x) }
        return "\(f(threshold)),\(f(sure)),\(grow.map(f) ?? "-")" + (agreement.map { "," + f($0) } ?? "")
    }

    /// The rule written as `text` writes it; anything else is refused in one sentence.
    public init(text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        let unit: (String) -> Float? = { Float($0).flatMap { (0...1).contains($0) ? $0 : nil } }
        guard parts.count == 3 || parts.count == 4, let p = unit(parts[0]), let sure = unit(parts[1]),
              parts[2] == "-" || unit(parts[2]) != nil, parts.count == 3 || unit(parts[3]) != nil else {
            throw TutorError("a fusion rule is P,SURE,GROW or P,SURE,GROW,AGREE with each a number from 0 to 1 (GROW may be - for no growing), not '\(text)'.")
        }
        self.init(threshold: p, sure: sure, grow: parts[2] == "-" ? nil : unit(parts[2]),
                  agreement: parts.count == 4 ? unit(parts[3]) : nil)
    }

    public func apply<Mask: MarkableMask>(probabilities: Volume, origin: SIMD3<Int> = .zero, boxes: ObjectBoxes?,
                                          lower: SIMD3<Int>, upper: SIMD3<Int>, hu: Volume? = nil, into mask: inout Mask) {
        let p = PlacedBlock(volume: probabilities, origin: origin)
        let lo = pointwiseMax(lower, pointwiseMax(origin, .zero))
        let hi = pointwiseMin(pointwiseMin(upper, p.upper), mask.size.last)
        guard lo.x <= hi.x, lo.y <= hi.y, lo.z <= hi.z else { return }
        let sub = GridSize(hi.x - lo.x + 1, hi.y - lo.y + 1, hi.z - lo.z + 1)
        let edge = huEdge(probabilities: p, hu: hu, boxes: boxes, lower: lo, upper: hi)
        var block = Volume(size: sub, spacing: probabilities.spacing)
        for c in 0..<sub.k { for b in 0..<sub.j { for a in 0..<sub.i {
            let i = lo.x + a, j = lo.y + b, k = lo.z + c
            let inside = boxes?.contains(i, j, k) ?? true
            let q = p[i, j, k]
            let dense = edge.map { $0.hu[i, j, k] > $0.level } ?? true
            if inside && q > threshold && (q > sure || dense) { block[a, b, c] = 1 }
        } } }
        let objects = connectedComponents(of: block)
        guard objects.count > 0 else { return }
        let keep = Int32(objects.voxelCounts.indices.max { objects.voxelCounts[$0] < objects.voxelCounts[$1] }! + 1)
        for v in 0..<sub.count { block.voxels[v] = objects.labels[v] == keep ? 1 : 0 }
        if let grow, let edge {
            growDense(&block, lower: lo, probabilities: p, hu: edge.hu, level: edge.level, boxes: boxes, above: grow)
        }
        fillHolesPerSlice(&block)
        for c in 0..<sub.k { for b in 0..<sub.j { for a in 0..<sub.i where block[a, b, c] > 0 {
            mask.mark(lo.x + a, lo.y + b, lo.z + c)
        } } }
    }
}

extension Postprocess {
    /// The HU values and the boxes' Otsu level (clamped as the threshold teacher clamps it) when
    /// the edge refinement applies: CT and boxes given, and the dense voxels agreeing with the
    /// network's mask to at least `agreement`. nil: the network's mask stands alone.
    func huEdge(probabilities p: PlacedBlock, hu: Volume?, boxes: ObjectBoxes?, lower lo: SIMD3<Int>,
                upper hi: SIMD3<Int>) -> (hu: Volume, level: Float)? {
        guard let hu, let boxes else { return nil }
        var values: [Float] = []
        for box in boxes.boxes where box.slice >= lo.z && box.slice <= hi.z {
            for j in max(box.yMin, lo.y)...min(box.yMax, hi.y) { for i in max(box.xMin, lo.x)...min(box.xMax, hi.x) {
                values.append(hu[i, j, box.slice])
            } }
        }
        let level = min(max(ThresholdTeacher.otsuLevel(values), ThresholdTeacher.levelRange.lowerBound),
                        ThresholdTeacher.levelRange.upperBound)
        if let agreement, denseAgreement(p, hu: hu, level: level, boxes: boxes, lower: lo, upper: hi) < agreement {
            return nil
        }
        return (hu, level)
    }

    /// DSC, inside the boxes of the block `lo…hi`, between the network's mask (p > threshold) and
    /// the voxels denser than `level`; 1 when both are empty.
    func denseAgreement(_ p: PlacedBlock, hu: Volume, level: Float, boxes: ObjectBoxes?, lower lo: SIMD3<Int>,
                        upper hi: SIMD3<Int>) -> Float {
        var both = 0, net = 0, dense = 0
        for k in lo.z...hi.z { for j in lo.y...hi.y { for i in lo.x...hi.x where boxes?.contains(i, j, k) ?? true {
            let a = p[i, j, k] > threshold, b = hu[i, j, k] > level
            if a { net += 1 }
            if b { dense += 1 }
            if a && b { both += 1 }
        } } }
        return net + dense == 0 ? 1 : Float(2 * both) / Float(net + dense)
    }
}

/// Adds to `block` (a sub-block at `lower` of the original grid) every voxel 6-connected to it
/// through voxels inside the boxes with HU above `level` and probability above `above`.
func growDense(_ block: inout Volume, lower: SIMD3<Int>, probabilities p: PlacedBlock, hu: Volume, level: Float,
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

/// A block of values on the image's grid, read by original voxel indices: `volume`'s voxel
/// (0, 0, 0) is the original voxel `origin`.
struct PlacedBlock {
    let volume: Volume
    let origin: SIMD3<Int>
    /// The last original voxel the block covers.
    var upper: SIMD3<Int> { origin &+ volume.size.last }
    subscript(i: Int, j: Int, k: Int) -> Float { volume[i - origin.x, j - origin.y, k - origin.z] }
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
