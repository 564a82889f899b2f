/// Resamples a volume to a new voxel spacing, keeping world alignment exactly
/// (see `ResampledGrid` for the convention). Runs on all cores, one output slice at a time.
public struct Resample: Sendable {
    /// Target spacing in mm along i, j, k.
    public var spacing: SIMD3<Double>
    public var interpolation: Interpolation

    /// The paper's spacing, 1 × 1 × 1.5 mm; trilinear for images, `.nearest` for masks.
    public init(spacing: SIMD3<Double> = SIMD3(1, 1, 1.5), interpolation: Interpolation = .trilinear) {
        self.spacing = spacing; self.interpolation = interpolation
    }

    /// `v` (size n) on the new grid (size n' = ceil((n − 0.5) · spacing_v / spacing)).
    /// Nearest keeps `v.storedType`; trilinear yields float32.
    public func callAsFunction(_ v: Volume) -> Volume { resample(v, map: .identity) }

    /// Resamples through `map` (a clip and a z-score in the same pass).
    func resample(_ v: Volume, map: ValueMap) -> Volume {
        let grid = ResampledGrid(v, spacing: spacing)
        func taps(_ count: Int, _ n: Int, _ f: Double) -> AxisTaps {
            AxisTaps(count: count, sourceCount: n, interpolation) { Double($0) * f }
        }
        let voxels = sampleSeparable(v.voxels, from: v.size, to: grid.size,
                                     x: taps(grid.size.i, v.size.i, grid.scale.x),
                                     y: taps(grid.size.j, v.size.j, grid.scale.y),
                                     z: taps(grid.size.k, v.size.k, grid.scale.z), outside: 0, map: map)
        return Volume(size: grid.size, spacing: spacing, affine: grid.affine, voxels: voxels,
                      storedType: interpolation == .nearest ? v.storedType : "float32")
    }
}
