extension Affine {
    /// Orientation codes of the voxel axes i, j, k, computed like nibabel's `aff2axcodes`:
    /// each letter names the world direction toward which that index INCREASES
    /// (R/L, A/P, S/I; world is NIfTI RAS+). A typical DICOM-derived CT gives "LPS".
    /// ITK and ITK-SNAP name axes by where they come FROM, so they call the same file "RAI".
    public var axisCodes: String {
        let positive: [Character] = ["R", "A", "S"], negative: [Character] = ["L", "P", "I"]
        var used = Set<Int>(), letters = [Character](repeating: "?", count: 3)
        // Assign the most decisive axes first, so an oblique axis cannot steal a world axis.
        let order = (0..<3).sorted { strongest($0).1 > strongest($1).1 }
        for c in order {
            let world = (0..<3).filter { !used.contains($0) }.max { abs(self[$0, c]) < abs(self[$1, c]) }!
            used.insert(world)
            letters[c] = self[world, c] >= 0 ? positive[world] : negative[world]
        }
        return String(letters)
    }

    /// The ITK / ITK-SNAP name of the same orientation: each letter replaced by its opposite.
    public var itkAxisCodes: String {
        let opposite: [Character: Character] = ["R": "L", "L": "R", "A": "P", "P": "A", "S": "I", "I": "S"]
        return String(axisCodes.map { opposite[$0] ?? $0 })
    }

    private func strongest(_ c: Int) -> (Int, Double) {
        let norm = columnNorms[c]
        let parts = (0..<3).map { abs(self[$0, c]) / norm }
        let best = parts.indices.max { parts[$0] < parts[$1] }!
        return (best, parts[best])
    }
}
