/// The grid a volume is resampled onto at a new spacing, and how its indices map to the source's.
///
/// Convention (exact in both directions): voxel (0,0,0) keeps its centre, and the new grid has
/// exactly the target spacing along each voxel axis. Source index = `scale · new index`, with
/// `scale = target spacing / source spacing` per axis, so new index = source index / scale.
/// The new grid holds every voxel whose centre lies inside the source's extent [−0.5, n − 0.5):
/// n' = ceil((n − 0.5) / scale). Its affine is the source affine with columns scaled, so world
/// positions agree exactly (unlike `scipy.ndimage.zoom`, which stretches spacing to fit corners).
public struct ResampledGrid: Sendable, Equatable {
    public var source: GridSize
    /// Voxel → world of the source grid (kept exactly, for pasting back).
    public var sourceAffine: Affine
    public var size: GridSize
    /// Source voxels per new voxel along i, j, k.
    public var scale: SIMD3<Double>
    /// Voxel → world (RAS+ mm) of the new grid.
    public var affine: Affine
    public var spacing: SIMD3<Double>

    /// The grid for `volume` resampled to `spacing` (mm along i, j, k).
    public init(_ volume: Volume, spacing: SIMD3<Double>) {
        source = volume.size
        sourceAffine = volume.affine
        self.spacing = spacing
        scale = spacing / volume.spacing
        func count(_ n: Int, _ f: Double) -> Int { max(1, Int(((Double(n) - 0.5) / f).rounded(.up))) }
        size = GridSize(count(source.i, scale.x), count(source.j, scale.y), count(source.k, scale.z))
        affine = volume.affine.reindexed(scale: scale)
    }
}
