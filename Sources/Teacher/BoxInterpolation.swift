import Volumes

/// Fills the slices an annotator skipped: between two boxed slices of the same tumour, each skipped
/// slice gets the box whose corners are linearly interpolated (rounded to voxels) between its neighbours.
/// So one may box every second or third slice. Slices outside the first…last boxed slice stay empty.
public func interpolateBoxes(_ boxes: [Box]) -> [Box] {
    var result: [Box] = []
    for object in ObjectBoxes.group(boxes) {
        let keys = object.boxes
        result.append(contentsOf: keys)
        for (a, b) in zip(keys, keys.dropFirst()) where b.slice - a.slice > 1 {
            for k in (a.slice + 1)..<b.slice {
                let t = Double(k - a.slice) / Double(b.slice - a.slice)
                func mix(_ u: Int, _ v: Int) -> Int { Int((Double(u) + t * Double(v - u)).rounded()) }
                result.append(Box(slice: k, xMin: mix(a.xMin, b.xMin), yMin: mix(a.yMin, b.yMin),
                                  xMax: mix(a.xMax, b.xMax), yMax: mix(a.yMax, b.yMax), object: object.object))
            }
        }
    }
    return result.sorted { ($0.object, $0.slice) < ($1.object, $1.slice) }
}
