import Volumes

/// Box interpolation: an annotator may box only every second or third slice of a tumour; the slices
/// between two boxed slices of the same object get boxes whose corners move linearly from one key
/// box to the next (rounded to the nearest voxel). Several boxes on one slice for one object merge
/// into the box around them all. The result is sorted by object, then slice; key boxes are kept as they are.
public func interpolateBoxes(_ boxes: [Box]) -> [Box] {
    var result: [Box] = []
    for object in Set(boxes.map(\.object)).sorted() {
        var keys: [Int: Box] = [:]
        for b in boxes where b.object == object {
            if let old = keys[b.slice] {
                keys[b.slice] = Box(slice: b.slice, xMin: min(old.xMin, b.xMin), yMin: min(old.yMin, b.yMin),
                                    xMax: max(old.xMax, b.xMax), yMax: max(old.yMax, b.yMax), object: object)
            } else {
                keys[b.slice] = b
            }
        }
        let slices = keys.keys.sorted()
        for (n, k0) in slices.enumerated() {
            let a = keys[k0]!
            result.append(a)
            guard n + 1 < slices.count else { continue }
            let k1 = slices[n + 1], b = keys[k1]!
            for k in stride(from: k0 + 1, to: k1, by: 1) {
                let t = Double(k - k0) / Double(k1 - k0)
                func mix(_ p: Int, _ q: Int) -> Int { Int((Double(p) + t * Double(q - p)).rounded()) }
                result.append(Box(slice: k, xMin: mix(a.xMin, b.xMin), yMin: mix(a.yMin, b.yMin),
                                  xMax: mix(a.xMax, b.xMax), yMax: mix(a.yMax, b.yMax), object: object))
            }
        }
    }
    return result
}
