/// A 0/1 mask on a volume's grid with one byte per voxel: what the workbench holds for a case's
/// proposal while the annotator works (a float `Volume` would take four times the memory: 168 MB
/// instead of 42 MB for a 512 × 512 × 160 scan). Voxels run i fastest, as in `Volume`.
public struct BinaryMask: Sendable, Equatable {
    public var size: GridSize
    public var spacing: SIMD3<Double>
    public var affine: Affine
    /// 0 or 1 per voxel.
    public var voxels: [UInt8]

    /// An empty mask on `image`'s grid and affine.
    public init(emptyOn image: Volume) {
        size = image.size; spacing = image.spacing; affine = image.affine
        voxels = [UInt8](repeating: 0, count: image.size.count)
    }

    /// The voxels of `volume` above 0.5.
    public init(_ volume: Volume) {
        size = volume.size; spacing = volume.spacing; affine = volume.affine
        voxels = volume.voxels.map { $0 > 0.5 ? 1 : 0 }
    }

    /// The mask as a float volume stored as uint8 (for code that takes volumes).
    public var volume: Volume {
        Volume(size: size, spacing: spacing, affine: affine, voxels: voxels.map(Float.init), storedType: "uint8")
    }

    public subscript(i: Int, j: Int, k: Int) -> UInt8 {
        get { voxels[i + size.i * (j + size.j * k)] }
        set { voxels[i + size.i * (j + size.j * k)] = newValue }
    }

    /// Voxels set.
    public var count: Int { voxels.reduce(0) { $0 + Int($1) } }
}

/// A scan-sized mask that a step marks voxel by voxel (the teacher's post-processing): a float
/// `Volume` for the commands that write one, a `BinaryMask` for the workbench.
public protocol MarkableMask {
    var size: GridSize { get }
    /// Sets voxel (i, j, k) to 1.
    mutating func mark(_ i: Int, _ j: Int, _ k: Int)
}

extension Volume: MarkableMask {
    public mutating func mark(_ i: Int, _ j: Int, _ k: Int) { self[i, j, k] = 1 }
}

extension BinaryMask: MarkableMask {
    public mutating func mark(_ i: Int, _ j: Int, _ k: Int) { self[i, j, k] = 1 }
}
