import Foundation
import Teacher
import Volumes

/// Which lung. In NIfTI's RAS+ world the patient's left lies towards larger x.
public enum LungSide: String, Sendable, CaseIterable {
    case right, left
}

/// One lung found in a CT, on the CT's own grid.
public struct Lung: Sendable {
    public var side: LungSide
    /// 0/1 on the CT's grid: the lung's air with every axial slice closed by its convex hull,
    /// so vessels, airways and tumours touching the wall lie inside.
    public var mask: BinaryMask
    /// Inclusive voxel bounds of `mask` along i, j, k.
    public var lower: SIMD3<Int>, upper: SIMD3<Int>
    /// Volume (mL) of the lung's air with its holes filled slice by slice (before the hull).
    public var volumeML: Double
}

/// A classical lung segmentation standing in for the paper's `lungmask` tool:
/// air below `airThresholdHU` → minus the air outside the body (connected to the slice border)
/// → 3D connected components → the two largest that are big enough, or the largest split at its
/// narrowest column when both lungs touch → holes filled and each slice closed by its convex hull.
public struct LungSegmentation: Sendable {
    public var airThresholdHU: Float = -320
    /// Air inside the body smaller than this (mL) is never a lung (bowel gas, the trachea alone).
    public var minimumML: Double = 80
    public init() {}

    /// The lungs of `ct` (HU), right first; throws when no air region inside the body is large enough.
    public func callAsFunction(_ ct: Volume, name: String = "the CT") throws -> [Lung] {
        let air = insideAir(ct)
        let comps = connectedComponents(of: air)
        let voxelML = ct.spacing.x * ct.spacing.y * ct.spacing.z / 1000
        let bySize = comps.voxelCounts.indices.sorted { comps.voxelCounts[$0] > comps.voxelCounts[$1] }
            .filter { Double(comps.voxelCounts[$0]) * voxelML >= minimumML }
        guard let first = bySize.first else {
            throw TutorError("\(name): no lung found (no air region inside the body of at least \(Int(minimumML)) mL below \(Int(airThresholdHU)) HU).")
        }
        var parts: [[Int]] = []   // voxel indices of each lung
        let firstVoxels = voxels(of: Int32(first + 1), in: comps)
        if bySize.count > 1, comps.voxelCounts[bySize[1]] * 5 >= comps.voxelCounts[first] {
            parts = [firstVoxels, voxels(of: Int32(bySize[1] + 1), in: comps)]
        } else {
            parts = splitAtNarrowestColumn(firstVoxels, size: ct.size)
        }
        var lungs = parts.map { lung(from: $0, ct: ct, voxelML: voxelML) }
        let worldX = parts.map { idx -> Double in
            let centre = idx.reduce(SIMD3<Double>.zero) { $0 + position($1, ct.size) } / Double(max(idx.count, 1))
            return ct.affine.apply(centre).x
        }
        if lungs.count == 2 {
            let leftIndex = worldX[0] > worldX[1] ? 0 : 1
            lungs[leftIndex].side = .left; lungs[1 - leftIndex].side = .right
            if leftIndex == 0 { lungs.swapAt(0, 1) }
        }
        return lungs
    }

    /// 1 where the CT is air and that air is not connected (4-neighbours, per axial slice) to the slice border.
    func insideAir(_ ct: Volume) -> Volume {
        let s = ct.size, plane = s.i * s.j
        var out = ct.sameGrid(storedType: "uint8")
        let threshold = airThresholdHU
        ct.voxels.withUnsafeBufferPointer { src in
            out.voxels.withUnsafeMutableBufferPointer { dst in
                let src = src, dst = dst
                DispatchQueue.concurrentPerform(iterations: s.k) { k in
                    let base = plane * k
                    var outside = [Bool](repeating: false, count: plane)
                    var stack: [Int] = []
                    func seed(_ n: Int) {
                        if !outside[n] && src[base + n] < threshold { outside[n] = true; stack.append(n) }
                    }
                    for i in 0..<s.i { seed(i); seed(i + s.i * (s.j - 1)) }
                    for j in 0..<s.j { seed(s.i * j); seed(s.i - 1 + s.i * j) }
                    while let n = stack.popLast() {
                        let i = n % s.i, j = n / s.i
                        if i > 0 { seed(n - 1) }
                        if i < s.i - 1 { seed(n + 1) }
                        if j > 0 { seed(n - s.i) }
                        if j < s.j - 1 { seed(n + s.i) }
                    }
                    for n in 0..<plane where src[base + n] < threshold && !outside[n] { dst[base + n] = 1 }
                }
            }
        }
        return out
    }

    func voxels(of label: Int32, in comps: Components) -> [Int] {
        var out: [Int] = []
        for v in 0..<comps.labels.count where comps.labels[v] == label { out.append(v) }
        return out
    }

    /// Splits one air region holding both lungs at the image column (i) with the fewest voxels
    /// within the middle 40 % of its extent: where the lungs meet in front of the heart.
    func splitAtNarrowestColumn(_ idx: [Int], size s: GridSize) -> [[Int]] {
        var perColumn = [Int](repeating: 0, count: s.i)
        for v in idx { perColumn[v % s.i] += 1 }
        guard let lo = perColumn.firstIndex(where: { $0 > 0 }), let hi = perColumn.lastIndex(where: { $0 > 0 }),
              hi - lo >= 10 else { return [idx] }
        let from = lo + (hi - lo) * 3 / 10, to = lo + (hi - lo) * 7 / 10
        let cut = (from...to).min { perColumn[$0] < perColumn[$1] }!
        return [idx.filter { $0 % s.i < cut }, idx.filter { $0 % s.i >= cut }].filter { !$0.isEmpty }
    }

    /// The lung of voxels `idx`: filled and closed within its bounding block (no scan-sized float
    /// array on the way), then set into a byte mask of the scan.
    func lung(from idx: [Int], ct: Volume, voxelML: Double) -> Lung {
        let s = ct.size
        func point(_ v: Int) -> SIMD3<Int> { SIMD3(v % s.i, (v / s.i) % s.j, v / (s.i * s.j)) }
        var lo = SIMD3<Int>(repeating: .max), hi = SIMD3<Int>(repeating: .min)
        for v in idx { let p = point(v); lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        var block = Volume(size: GridSize(hi.x - lo.x + 1, hi.y - lo.y + 1, hi.z - lo.z + 1), spacing: ct.spacing)
        for v in idx { let p = point(v) &- lo; block[p.x, p.y, p.z] = 1 }
        fillHolesPerSlice(&block)
        let volume = Double(block.voxels.reduce(0) { $0 + Int($1) }) * voxelML
        fillConvexHullPerSlice(&block)
        var mask = BinaryMask(emptyOn: ct)
        let b = block.size
        for c in 0..<b.k { for r in 0..<b.j {   // row by row on flat indices, as in Segmenter
            let from = b.i * (r + b.j * c), to = lo.x + s.i * (lo.y + r + s.j * (lo.z + c))
            for a in 0..<b.i where block.voxels[from + a] > 0 { mask.voxels[to + a] = 1 }
        } }
        return Lung(side: .right, mask: mask, lower: lo, upper: hi, volumeML: volume)
    }
}

/// The lungs as one uint8 label map on `grid`'s grid: 1 where the right lung is, 2 the left.
public func labelMap(of lungs: [Lung], on grid: Volume) -> Volume {
    var out = grid.sameGrid(storedType: "uint8")
    for lung in lungs {
        let label: Float = lung.side == .right ? 1 : 2
        for v in out.voxels.indices where lung.mask.voxels[v] != 0 { out.voxels[v] = label }
    }
    return out
}

@inline(__always) func position(_ v: Int, _ s: GridSize) -> SIMD3<Double> {
    SIMD3(Double(v % s.i), Double((v / s.i) % s.j), Double(v / (s.i * s.j)))
}
