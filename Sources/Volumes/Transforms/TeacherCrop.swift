/// Where a crop lies: the resampled grid of the original volume and the crop's box in it.
public struct CropRegion: Sendable, Equatable {
    /// The original volume resampled to the crop spacing (not materialised).
    public var grid: ResampledGrid
    /// Index, in `grid`, of the crop's voxel (0, 0, 0).
    public var start: SIMD3<Int>
    public var size: GridSize
    /// Voxel → world (RAS+ mm) of the crop.
    public var affine: Affine { grid.affine.reindexed(scale: .one, offset: SIMD3<Double>(start)) }

    /// The block of the original grid (inclusive voxel indices) that `TeacherCrop.paste` can give
    /// a value other than 0: the voxels whose centres fall inside the crop; nil when none does.
    public var sourceBlock: (lower: SIMD3<Int>, upper: SIMD3<Int>)? {
        // paste takes voxel o when o / scale − start lies in [−0.5, size − 0.5).
        let first = (SIMD3<Double>(start) - 0.5) * grid.scale
        let end = (SIMD3<Double>(start &+ SIMD3(size.i, size.j, size.k)) - 0.5) * grid.scale
        let lower = pointwiseMax(SIMD3<Int>(first.rounded(.down)), .zero)
        let upper = pointwiseMin(SIMD3<Int>(end.rounded(.up)), grid.source.last)
        return lower.x <= upper.x && lower.y <= upper.y && lower.z <= upper.z ? (lower, upper) : nil
    }
}

/// The teacher's crop: a box (128³ by default) of the 1 × 1 × 1.5 mm resampled space around a point,
/// cut straight from the ORIGINAL volume (only the box is interpolated), and its inverse `paste`.
///
/// Exactness: `crop` equals the same box of `Resample(spacing:)` of the whole volume, padded
/// outside it; `paste` samples the crop at every original voxel centre, so a value that is
/// linear in position survives crop → paste unchanged.
public struct TeacherCrop: Sendable {
    public var size: GridSize
    public var spacing: SIMD3<Double>

    public init(size: GridSize = GridSize(128, 128, 128), spacing: SIMD3<Double> = SIMD3(1, 1, 1.5)) {
        self.size = size; self.spacing = spacing
    }

    /// The box around `centre` (ORIGINAL voxel indices, fractional allowed): crop voxel size/2
    /// along each axis is the resampled voxel nearest to the centre.
    public func region(of volume: Volume, centre: SIMD3<Double>) -> CropRegion {
        let grid = ResampledGrid(volume, spacing: spacing)
        let c = (centre / grid.scale).rounded(.toNearestOrAwayFromZero)
        let start = SIMD3<Int>(Int(c.x) - size.i / 2, Int(c.y) - size.j / 2, Int(c.z) - size.k / 2)
        return CropRegion(grid: grid, start: start, size: size)
    }

    /// The crop of a normalised CT around `centre`: clipped and z-scored as it is sampled, air
    /// (`image.padding`) outside the scan.
    public func crop(_ image: Normalised, centre: SIMD3<Double>) -> (crop: Volume, region: CropRegion) {
        crop(image.hu, centre: centre, padding: image.padding, map: image.valueMap)
    }

    /// The crop of `volume` (`size`, at `spacing`) around `centre`; voxels outside the volume get
    /// `padding`. Use `.trilinear` for images, `.nearest` for masks.
    public func crop(_ volume: Volume, centre: SIMD3<Double>, padding: Float,
                     interpolation: Interpolation = .trilinear) -> (crop: Volume, region: CropRegion) {
        crop(volume, centre: centre, padding: padding, interpolation: interpolation, map: .identity)
    }

    private func crop(_ volume: Volume, centre: SIMD3<Double>, padding: Float,
                      interpolation: Interpolation = .trilinear, map: ValueMap) -> (crop: Volume, region: CropRegion) {
        let r = region(of: volume, centre: centre)
        func taps(_ count: Int, _ start: Int, _ newCount: Int, _ n: Int, _ f: Double) -> AxisTaps {
            AxisTaps(count: count, sourceCount: n, interpolation) { q in
                let g = start + q
                return (0..<newCount).contains(g) ? Double(g) * f : nil
            }
        }
        let g = r.grid
        let voxels = sampleSeparable(volume.voxels, from: volume.size, to: size,
                                     x: taps(size.i, r.start.x, g.size.i, volume.size.i, g.scale.x),
                                     y: taps(size.j, r.start.y, g.size.j, volume.size.j, g.scale.y),
                                     z: taps(size.k, r.start.z, g.size.k, volume.size.k, g.scale.z),
                                     outside: padding, map: map)
        let v = Volume(size: size, spacing: spacing, affine: r.affine, voxels: voxels,
                       storedType: interpolation == .nearest ? volume.storedType : "float32")
        return (v, r)
    }

    /// `result` (a crop-sized map: probabilities or a mask) placed back on the original grid of
    /// `region`: each original voxel takes the crop's value at its centre, 0 outside the crop.
    /// Trilinear for probabilities (threshold afterwards), nearest for masks.
    public func paste(_ result: Volume, region: CropRegion, interpolation: Interpolation = .trilinear) -> Volume {
        paste(result, region: region, block: .zero, region.grid.source.last, interpolation: interpolation)
    }

    /// The part of `paste` inside the original grid's block `lower…upper` (voxel indices,
    /// inclusive, within the grid): a volume of the block's size whose voxel (0, 0, 0) is the
    /// original voxel `lower` (its affine says so). A proposal needs only the block its boxes span;
    /// the whole grid would cost a full-size array per tumour (300 MB for a 512 × 512 × 300 scan).
    public func paste(_ result: Volume, region: CropRegion, block lower: SIMD3<Int>, _ upper: SIMD3<Int>,
                      interpolation: Interpolation = .trilinear) -> Volume {
        precondition(result.size == region.size, "paste needs a result of the crop's size")
        let g = region.grid
        let size = GridSize(upper.x - lower.x + 1, upper.y - lower.y + 1, upper.z - lower.z + 1)
        func taps(_ n: Int, _ first: Int, _ start: Int, _ count: Int, _ f: Double) -> AxisTaps {
            AxisTaps(count: n, sourceCount: count, interpolation) { o in
                let p = Double(first + o) / f - Double(start)
                return p >= -0.5 && p < Double(count) - 0.5 ? p : nil
            }
        }
        let voxels = sampleSeparable(result.voxels, from: result.size, to: size,
                                     x: taps(size.i, lower.x, region.start.x, region.size.i, g.scale.x),
                                     y: taps(size.j, lower.y, region.start.y, region.size.j, g.scale.y),
                                     z: taps(size.k, lower.z, region.start.z, region.size.k, g.scale.z), outside: 0)
        return Volume(size: size, spacing: g.sourceAffine.columnNorms,
                      affine: g.sourceAffine.reindexed(scale: .one, offset: SIMD3<Double>(lower)), voxels: voxels,
                      storedType: interpolation == .nearest ? result.storedType : "float32")
    }
}
