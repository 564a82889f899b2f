import Volumes

/// The classical baseline teacher (`--method threshold`): no learning, only what the HU values and
/// the boxes say. Per object: interpolate its boxes over skipped slices, threshold the CT inside them
/// at a level found by Otsu's method on the boxed voxels (so solid tumours and ground glass both
/// separate from lung), keep the largest 26-connected component, and fill holes slice by slice.
public enum ThresholdTeacher {
    /// Otsu's level is kept within these HU: below −750 it would take in lung, above −300 it would
    /// cut a solid tumour's partial-volume rim.
    public static let levelRange: ClosedRange<Float> = -750 ... -300

    /// A 0/1 mask on `image`'s grid (stored as uint8): the union over objects of their segmentations.
    /// Boxes (or parts of boxes) outside the image are ignored.
    public static func predict(image: Volume, boxes: [Box]) -> Volume {
        var mask = image.sameGrid(filledWith: 0, storedType: "uint8")
        let s = image.size
        let inside = interpolateBoxes(boxes).compactMap { b -> Box? in
            guard b.slice >= 0, b.slice < s.k, b.xMax >= 0, b.yMax >= 0, b.xMin < s.i, b.yMin < s.j else { return nil }
            return Box(slice: b.slice, xMin: max(b.xMin, 0), yMin: max(b.yMin, 0),
                       xMax: min(b.xMax, s.i - 1), yMax: min(b.yMax, s.j - 1), object: b.object)
        }
        for object in Set(inside.map(\.object)).sorted() {
            segment(image, inside.filter { $0.object == object }, into: &mask)
        }
        return mask
    }

    /// Segments one object from its (interpolated, in-bounds) boxes and ORs it into `mask`.
    static func segment(_ image: Volume, _ boxes: [Box], into mask: inout Volume) {
        guard !boxes.isEmpty else { return }
        let i0 = boxes.map(\.xMin).min()!, i1 = boxes.map(\.xMax).max()!
        let j0 = boxes.map(\.yMin).min()!, j1 = boxes.map(\.yMax).max()!
        let k0 = boxes.map(\.slice).min()!, k1 = boxes.map(\.slice).max()!
        var values: [Float] = []
        for b in boxes { for j in b.yMin...b.yMax { for i in b.xMin...b.xMax { values.append(image[i, j, b.slice]) } } }
        let level = min(max(otsuLevel(values), levelRange.lowerBound), levelRange.upperBound)

        // The candidate voxels, on a crop around the boxes.
        var crop = Volume(size: GridSize(i1 - i0 + 1, j1 - j0 + 1, k1 - k0 + 1), spacing: image.spacing)
        for b in boxes {
            for j in b.yMin...b.yMax { for i in b.xMin...b.xMax where image[i, j, b.slice] > level {
                crop[i - i0, j - j0, b.slice - k0] = 1
            } }
        }
        let comps = connectedComponents(of: crop)
        guard comps.count > 0 else { return }
        let largest = Int32(comps.voxelCounts.indices.max { comps.voxelCounts[$0] < comps.voxelCounts[$1] }! + 1)
        for v in crop.voxels.indices { crop.voxels[v] = comps.labels[v] == largest ? 1 : 0 }
        fillHolesPerSlice(&crop)
        for k in 0..<crop.size.k { for j in 0..<crop.size.j { for i in 0..<crop.size.i where crop[i, j, k] > 0.5 {
            mask[i + i0, j + j0, k + k0] = 1
        } } }
    }

    /// Otsu's threshold (HU) of `values`, on a 256-bin histogram of −1024…400 HU.
    static func otsuLevel(_ values: [Float]) -> Float {
        let lo: Float = -1024, hi: Float = 400, bins = 256
        var hist = [Double](repeating: 0, count: bins)
        for v in values {
            hist[min(max(Int((v - lo) / (hi - lo) * Float(bins)), 0), bins - 1)] += 1
        }
        let total = hist.reduce(0, +)
        guard total > 0 else { return levelRange.upperBound }
        let sumAll = hist.enumerated().reduce(0.0) { $0 + Double($1.offset) * $1.element }
        var wB = 0.0, sumB = 0.0, best = -1.0, bestBin = bins / 2
        for t in 0..<bins {
            wB += hist[t]; sumB += Double(t) * hist[t]
            let wF = total - wB
            guard wB > 0, wF > 0 else { continue }
            let mB = sumB / wB, mF = (sumAll - sumB) / wF
            let between = wB * wF * (mB - mF) * (mB - mF)
            if between > best { best = between; bestBin = t }
        }
        return lo + (Float(bestBin) + 1) / Float(bins) * (hi - lo)
    }

    /// Fills, on each axial slice, the background regions that do not reach the slice's edge.
    static func fillHolesPerSlice(_ m: inout Volume) {
        let ni = m.size.i, nj = m.size.j
        var reached = [Bool](repeating: false, count: ni * nj)
        var stack: [Int] = []
        for k in 0..<m.size.k {
            for p in reached.indices { reached[p] = false }
            let base = k * ni * nj
            for j in 0..<nj { for i in 0..<ni where i == 0 || j == 0 || i == ni - 1 || j == nj - 1 {
                let p = i + ni * j
                if m.voxels[base + p] < 0.5 && !reached[p] { reached[p] = true; stack.append(p) }
            } }
            while let p = stack.popLast() {
                let i = p % ni, j = p / ni
                for (a, b) in [(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)] where a >= 0 && b >= 0 && a < ni && b < nj {
                    let q = a + ni * b
                    if !reached[q] && m.voxels[base + q] < 0.5 { reached[q] = true; stack.append(q) }
                }
            }
            for p in reached.indices where !reached[p] { m.voxels[base + p] = 1 }
        }
    }
}
