/// The paper's preprocessing (section 2.2), in its order: clip to [−1024, 1000] HU, z-score over
/// the volume, resample to 1 × 1 × 1.5 mm. Masks are only resampled (nearest).
public struct Preprocess: Sendable {
    public var clip: ClipIntensity
    public var spacing: SIMD3<Double>

    public init(clip: ClipIntensity = ClipIntensity(), spacing: SIMD3<Double> = SIMD3(1, 1, 1.5)) {
        self.clip = clip; self.spacing = spacing
    }

    /// A CT (HU) → normalised image on the `spacing` grid (float32, unitless), in one resampling
    /// pass with the clip and the z-score applied as each voxel is sampled (`normalise`).
    public func callAsFunction(_ image: Volume) -> Volume {
        Resample(spacing: spacing, interpolation: .trilinear).resample(image, map: normalise(image).valueMap)
    }

    /// A 0/1 mask → the same mask on the `spacing` grid (nearest neighbour, stored as uint8).
    public func mask(_ mask: Volume) -> Volume {
        var m = Resample(spacing: spacing, interpolation: .nearest)(mask)
        m.storedType = "uint8"
        return m
    }

    /// The clip and z-score of `image` on its ORIGINAL grid, as a recipe for crops: only the
    /// clipped image's statistics are computed here (one pass, nothing written), and each crop
    /// clips and z-scores the voxels it samples. Crops of it equal the same boxes of the fully
    /// preprocessed image, without a clipped or z-scored copy of the scan (168 MB for a
    /// 512 × 512 × 160 CT, which the workbench would keep for as long as a case is open).
    public func normalise(_ image: Volume) -> Normalised {
        let stats = VoxelStatistics(image.voxels, clampedTo: clip.lower...clip.upper)
        var n = Normalised(hu: image, clip: clip, statistics: stats, padding: 0)
        n.padding = n.value(hu: Double(clip.lower))
        return n
    }
}

/// A CT with its clip and z-score decided, ready to be cropped many times (`TeacherCrop.crop`).
public struct Normalised: Sendable {
    /// The CT in HU as it was read: shared with the caller, not copied, not clipped.
    public var hu: Volume
    public var clip: ClipIntensity
    /// Statistics of the clipped image (HU) that the z-score uses.
    public var statistics: VoxelStatistics
    /// The value of air after normalisation (the clip's lower bound): pad crops with it.
    public var padding: Float

    /// What `hu` (inside the clip's range) becomes.
    public func value(hu: Double) -> Float {
        Float((hu - statistics.mean) * scale)
    }

    private var scale: Double { statistics.standardDeviation > 0 ? 1 / statistics.standardDeviation : 1 }

    /// Clip, then z-score, for the sampler.
    var valueMap: ValueMap {
        ValueMap(lower: clip.lower, upper: clip.upper, shift: Float(statistics.mean), gain: Float(scale))
    }
}
