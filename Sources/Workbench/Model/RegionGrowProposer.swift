import Volumes

/// A stand-in teacher until the threshold teacher lands: on each boxed slice, the voxels inside
/// the box that are denser than `thresholdHU` and connected (4-neighbours) to the densest voxel
/// near the box centre. Slices without a box get nothing.
public struct RegionGrowProposer: Proposer {
    public var thresholdHU: Float
    public var name: String { "region grow" }
    public init(thresholdHU: Float = -400) { self.thresholdHU = thresholdHU }

    public func propose(image: Volume, boxes: [Box], progress: @Sendable (Double) -> Void,
                        isCancelled: @Sendable () -> Bool) throws -> Volume? {
        var mask = image.sameGrid(filledWith: 0)
        let nx = image.size.i
        for (n, box) in boxes.enumerated() {
            if isCancelled() { return nil }
            guard box.slice >= 0, box.slice < image.size.k else { continue }
            let x0 = max(box.xMin, 0), x1 = min(box.xMax, nx - 1)
            let y0 = max(box.yMin, 0), y1 = min(box.yMax, image.size.j - 1)
            guard x0 <= x1, y0 <= y1 else { continue }
            // Seed: the densest voxel in the middle third of the box.
            var seed = ((x0 + x1) / 2, (y0 + y1) / 2)
            let mx = max((x1 - x0) / 3, 0), my = max((y1 - y0) / 3, 0)
            for j in (seed.1 - my)...(seed.1 + my) { for i in (seed.0 - mx)...(seed.0 + mx)
                where image[i, j, box.slice] > image[seed.0, seed.1, box.slice] { seed = (i, j) } }
            guard image[seed.0, seed.1, box.slice] > thresholdHU else { continue }
            var stack = [seed]
            mask[seed.0, seed.1, box.slice] = 1
            while let (i, j) = stack.popLast() {
                for (a, b) in [(i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)]
                where a >= x0 && a <= x1 && b >= y0 && b <= y1 && mask[a, b, box.slice] == 0 && image[a, b, box.slice] > thresholdHU {
                    mask[a, b, box.slice] = 1
                    stack.append((a, b))
                }
            }
            progress(Double(n + 1) / Double(boxes.count))
        }
        return mask
    }
}
