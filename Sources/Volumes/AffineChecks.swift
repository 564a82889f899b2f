extension Affine {
    /// Spacing (mm) below or above these is not a medical image: the header is damaged.
    static let spacingRange = 1e-3...1e3

    /// Determinant of the 3×3 linear part.
    public var determinant: Double {
        m[0] * (m[5] * m[10] - m[6] * m[9]) - m[1] * (m[4] * m[10] - m[6] * m[8]) + m[2] * (m[4] * m[9] - m[5] * m[8])
    }

    /// This affine, when it is a usable voxel-to-world map for the file at `path`: finite, voxel
    /// spacing (column norms) within 0.001–1000 mm, axes not degenerate, origin within 10 km.
    func checked(_ path: String) throws -> Affine {
        guard m.allSatisfy(\.isFinite) else {
            throw TutorError("\(path) has a voxel-to-world transform with NaN or infinite entries.")
        }
        let s = columnNorms
        for a in 0..<3 where !Self.spacingRange.contains(s[a]) {
            throw TutorError("\(path) has an unusable voxel spacing of \(s[a]) mm along axis \(a + 1) (expected 0.001 to 1000 mm).")
        }
        guard abs(determinant) > 1e-6 * s.x * s.y * s.z else {
            throw TutorError("\(path) has a degenerate voxel-to-world transform (two axes point the same way).")
        }
        guard abs(m[3]) < 1e7, abs(m[7]) < 1e7, abs(m[11]) < 1e7 else {
            throw TutorError("\(path) has an absurd origin (\(m[3]), \(m[7]), \(m[11]) mm).")
        }
        return self
    }

    /// The inverse map, world (RAS+ mm) → voxel index. Requires a non-singular affine.
    public var inverse: Affine {
        let d = determinant
        let a = m
        let r00 = (a[5] * a[10] - a[6] * a[9]) / d, r01 = (a[2] * a[9] - a[1] * a[10]) / d, r02 = (a[1] * a[6] - a[2] * a[5]) / d
        let r10 = (a[6] * a[8] - a[4] * a[10]) / d, r11 = (a[0] * a[10] - a[2] * a[8]) / d, r12 = (a[2] * a[4] - a[0] * a[6]) / d
        let r20 = (a[4] * a[9] - a[5] * a[8]) / d, r21 = (a[1] * a[8] - a[0] * a[9]) / d, r22 = (a[0] * a[5] - a[1] * a[4]) / d
        let t = SIMD3(a[3], a[7], a[11])
        return Affine(rows: [r00, r01, r02, -(r00 * t.x + r01 * t.y + r02 * t.z),
                             r10, r11, r12, -(r10 * t.x + r11 * t.y + r12 * t.z),
                             r20, r21, r22, -(r20 * t.x + r21 * t.y + r22 * t.z),
                             0, 0, 0, 1])
    }

    /// This affine after a per-axis index scaling and shift: voxel v of the new grid is voxel
    /// `scale · v + offset` of this one. Used for resampled grids and crops.
    public func reindexed(scale: SIMD3<Double>, offset: SIMD3<Double> = .zero) -> Affine {
        var r = self
        for row in 0..<3 {
            r[row, 3] = self[row, 0] * offset.x + self[row, 1] * offset.y + self[row, 2] * offset.z + self[row, 3]
            for c in 0..<3 { r[row, c] = self[row, c] * scale[c] }
        }
        return r
    }
}
