/// Which neighbours join two foreground voxels into one object.
public enum Connectivity: Sendable {
    /// Voxels sharing a face (6 neighbours).
    case faces
    /// Voxels sharing a face, an edge or a corner (26 neighbours). The default everywhere in tutor:
    /// with thick slices a tumour's cross-sections often touch only diagonally from slice to slice.
    case full

    var offsets: [(Int, Int, Int)] {
        var result: [(Int, Int, Int)] = []
        for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
            let n = abs(di) + abs(dj) + abs(dk)
            if n == 0 || (self == .faces && n > 1) { continue }
            result.append((di, dj, dk))
        } } }
        return result
    }
}

/// The connected objects of a mask: `labels[v]` is 0 for background, else the object number 1…count.
/// Objects are numbered in the order their first voxel appears in storage order (lowest slice first).
public struct Components: Sendable {
    public var size: GridSize
    public var labels: [Int32]
    public var count: Int
    /// `voxelCounts[n - 1]` is the number of voxels of object n.
    public var voxelCounts: [Int]
}

/// Labels the connected objects of `mask` (foreground = voxel > 0.5).
public func connectedComponents(of mask: Volume, connectivity: Connectivity = .full) -> Components {
    let s = mask.size
    var labels = [Int32](repeating: 0, count: s.count)
    var counts: [Int] = []
    let offsets = connectivity.offsets
    var stack: [Int] = []
    mask.voxels.withUnsafeBufferPointer { vox in
        for start in 0..<s.count where vox[start] > 0.5 && labels[start] == 0 {
            let label = Int32(counts.count + 1)
            var n = 0
            labels[start] = label
            stack.append(start)
            while let v = stack.popLast() {
                n += 1
                forEachNeighbour(of: v, in: s, offsets) { w in
                    if vox[w] > 0.5 && labels[w] == 0 { labels[w] = label; stack.append(w) }
                }
            }
            counts.append(n)
        }
    }
    return Components(size: s, labels: labels, count: counts.count, voxelCounts: counts)
}

/// Visits the connected objects of a 0/1 `mask` one at a time, in `connectedComponents`' order,
/// and clears those that `keep` (given the flat indices of an object's voxels) turns down. It holds
/// the largest object's indices and nothing scan-sized: `connectedComponents`' label array is four
/// bytes per voxel of the scan (168 MB for 512 × 512 × 160) where a filter needs none.
public func filterObjects(of mask: inout Volume, connectivity: Connectivity = .full, keep: ([Int]) -> Bool) {
    let s = mask.size, offsets = connectivity.offsets
    let seen: Float = 2   // a visited voxel, until the last pass turns it back into 1
    var object: [Int] = []
    mask.voxels.withUnsafeMutableBufferPointer { vox in
        for start in 0..<s.count where vox[start] > 0.5 && vox[start] != seen {
            object.removeAll(keepingCapacity: true)
            vox[start] = seen
            object.append(start)
            var next = 0
            while next < object.count {
                let v = object[next]; next += 1
                forEachNeighbour(of: v, in: s, offsets) { w in
                    if vox[w] > 0.5 && vox[w] != seen { vox[w] = seen; object.append(w) }
                }
            }
            if !keep(object) { for v in object { vox[v] = 0 } }
        }
        for v in 0..<vox.count where vox[v] == seen { vox[v] = 1 }
    }
}

/// Calls `body` with the flat index of each neighbour of voxel `v` (flat index) inside the grid.
@inline(__always) private func forEachNeighbour(of v: Int, in s: GridSize, _ offsets: [(Int, Int, Int)],
                                                 _ body: (Int) -> Void) {
    let i = v % s.i, j = (v / s.i) % s.j, k = v / (s.i * s.j)
    for (di, dj, dk) in offsets {
        let a = i + di, b = j + dj, c = k + dk
        guard a >= 0, a < s.i, b >= 0, b < s.j, c >= 0, c < s.k else { continue }
        body(a + s.i * (b + s.j * c))
    }
}
