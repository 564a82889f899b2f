/// The paper's preprocessing (section 2.2), in its order: clip to [−1024, 1000] HU, z-score over
/// the volume, resample to 1 × 1 × 1.5 mm. Masks are only resampled (nearest).
public struct Preprocess: Sendable {
    public var clip: ClipIntensity
    public var spacing: SIMD3<Double>

    public init(clip: ClipIntensity = ClipIntensity(), spacing: SIMD3<Double> = SIMD3(1, 1, 1.5)) {
        self.clip = clip; self.spacing = spacing
    }

    /// A CT (HU) → normalised image on the `spacing` grid (float32, unitless).
    /// Clips in place, then resamples with the z-score folded into the same pass (trilinear
    /// weights sum to 1, so this equals z-scoring first); pass the input as its last use to
    /// spare a copy of its voxels.
    public func callAsFunction(_ image: consuming Volume) -> Volume {
        var clipped = image
        clip.apply(to: &clipped)
        let stats = VoxelStatistics(clipped.voxels)
        let gain = stats.standardDeviation > 0 ? 1 / stats.standardDeviation : 1
        return Resample(spacing: spacing, interpolation: .trilinear)
            .resample(clipped, shift: Float(stats.mean), gain: Float(gain))
    }

    /// A 0/1 mask → the same mask on the `spacing` grid (nearest neighbour, stored as uint8).
    public func mask(_ mask: Volume) -> Volume {
        var m = Resample(spacing: spacing, interpolation: .nearest)(mask)
        m.storedType = "uint8"
        return m
    }

    /// Clip and z-score on the ORIGINAL grid. Trilinear resampling commutes with the z-score
    /// (weights sum to 1), so crops resampled from this equal crops of the fully preprocessed image.
    public func normalise(_ image: consuming Volume) -> Normalised {
        var clipped = image
        clip.apply(to: &clipped)
        let stats = VoxelStatistics(clipped.voxels)
        let z = ZScore().apply(consume clipped, using: stats)
        var n = Normalised(volume: z, padding: 0, statistics: stats)
        n.padding = n.value(hu: Double(clip.lower))
        return n
    }
}

/// A clipped, z-scored image on its original grid, ready to be cropped many times.
public struct Normalised: Sendable {
    public var volume: Volume
    /// The value of air after normalisation (the clip's lower bound): pad crops with it.
    public var padding: Float
    /// Statistics of the clipped image (HU) that the z-score used.
    public var statistics: VoxelStatistics

    /// What `hu` (inside the clip's range) became in `volume`.
    public func value(hu: Double) -> Float {
        let sd = statistics.standardDeviation > 0 ? statistics.standardDeviation : 1
        return Float((hu - statistics.mean) / sd)
    }
}
