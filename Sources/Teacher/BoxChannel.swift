import Volumes

/// The teacher's second input channel: 1 inside the axial box of each annotated slice, 0 elsewhere,
/// drawn straight onto a crop's grid (resampled space) so it lines up with the CT channel voxel for voxel.
///
/// A crop voxel at grid index g maps to the original index `g · scale`; it takes the box of the
/// nearest original slice and lies inside when its in-plane position falls within the box's voxels
/// (their edges at ±0.5). Output: `region.size.count` floats in Volume order (i fastest).
public func boxChannel(_ boxes: ObjectBoxes, region: CropRegion) -> [Float] {
    let s = region.size, scale = region.grid.scale, start = region.start
    var out = [Float](repeating: 0, count: s.count)
    for c in 0..<s.k {
        let k = Int((Double(start.z + c) * scale.z).rounded())
        guard let box = boxes.bySlice[k] else { continue }
        // In-plane index ranges of the crop that fall inside the box.
        func range(_ lo: Int, _ hi: Int, _ first: Int, _ f: Double, _ n: Int) -> Range<Int> {
            let a = Int(((Double(lo) - 0.5) / f - Double(first)).rounded(.up))
            let b = Int(((Double(hi) + 0.5) / f - Double(first)).rounded(.down))
            let from = max(a, 0), to = min(b + 1, n)
            return from < to ? from..<to : 0..<0
        }
        let xs = range(box.xMin, box.xMax, start.x, scale.x, s.i)
        let ys = range(box.yMin, box.yMax, start.y, scale.y, s.j)
        guard !xs.isEmpty else { continue }
        for b in ys {
            let row = s.i * (b + s.j * c)
            for a in xs { out[row + a] = 1 }
        }
    }
    return out
}
