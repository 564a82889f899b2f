/// The size of a voxel grid: `i` is the first NIfTI axis (x), `j` the second (y), `k` the third (slice).
public struct GridSize: Hashable, Codable, CustomStringConvertible, Sendable {
    public var i: Int, j: Int, k: Int
    public init(_ i: Int, _ j: Int, _ k: Int) { self.i = i; self.j = j; self.k = k }
    public var count: Int { i * j * k }
    /// The index of the last voxel, (i − 1, j − 1, k − 1): the inclusive upper corner of the grid.
    public var last: SIMD3<Int> { SIMD3(i - 1, j - 1, k - 1) }
    public var description: String { "\(i)×\(j)×\(k)" }
}

/// A voxel-to-world transform: world (mm, NIfTI RAS+) = m · [i, j, k, 1].
/// Rows are stored row-major; the last row is always [0, 0, 0, 1].
public struct Affine: Hashable, Codable, Sendable {
    public var m: [Double]   // 16 values, row-major
    public init(rows m: [Double]) { precondition(m.count == 16); self.m = m }
    public static func scaling(_ s: SIMD3<Double>) -> Affine {
        Affine(rows: [s.x, 0, 0, 0,  0, s.y, 0, 0,  0, 0, s.z, 0,  0, 0, 0, 1])
    }
    public subscript(r: Int, c: Int) -> Double {
        get { m[r * 4 + c] }
        set { m[r * 4 + c] = newValue }
    }
    /// Maps a (possibly fractional) voxel index to world millimetres.
    public func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(m[0] * v.x + m[1] * v.y + m[2] * v.z + m[3],
              m[4] * v.x + m[5] * v.y + m[6] * v.z + m[7],
              m[8] * v.x + m[9] * v.y + m[10] * v.z + m[11])
    }
    /// Length of each column: the spacing (mm) the affine implies along i, j, k.
    public var columnNorms: SIMD3<Double> {
        func n(_ c: Int) -> Double { (m[c] * m[c] + m[4 + c] * m[4 + c] + m[8 + c] * m[8 + c]).squareRoot() }
        return SIMD3(n(0), n(1), n(2))
    }
}

/// A 3D scalar volume (a CT in HU, a preprocessed image, or a 0/1 mask) on its voxel grid.
///
/// Voxels are stored as Float with `i` fastest, then `j`, then `k`:
/// `voxels[i + size.i * (j + size.j * k)]`. `spacing` is in mm and always agrees with
/// the column norms of `affine`. `storedType` names the datatype the file held (for `tutor info`).
public struct Volume: Sendable {
    public var size: GridSize
    public var spacing: SIMD3<Double>
    public var affine: Affine
    public var voxels: [Float]
    public var storedType: String

    public init(size: GridSize, spacing: SIMD3<Double>, affine: Affine? = nil,
                voxels: [Float]? = nil, storedType: String = "float32") {
        self.size = size
        self.spacing = spacing
        self.affine = affine ?? .scaling(spacing)
        self.voxels = voxels ?? [Float](repeating: 0, count: size.count)
        self.storedType = storedType
        precondition(self.voxels.count == size.count, "voxel count does not match grid size")
    }

    @inline(__always) public func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + size.i * (j + size.j * k) }

    public subscript(i: Int, j: Int, k: Int) -> Float {
        get { voxels[index(i, j, k)] }
        set { voxels[index(i, j, k)] = newValue }
    }

    /// A volume on the same grid and affine (e.g. a mask for this image), filled with `value`.
    public func sameGrid(filledWith value: Float = 0, storedType: String = "uint8") -> Volume {
        Volume(size: size, spacing: spacing, affine: affine,
               voxels: [Float](repeating: value, count: size.count), storedType: storedType)
    }
}
