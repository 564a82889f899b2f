import Volumes

/// The student's view of one lung: a box of the 1 × 1 × 1.5 mm resampled space around the lung's
/// bounding box plus a margin, each side rounded up to a multiple of 16 (a 5-level UNet halves it four
/// times). Cut and pasted back by `TeacherCrop`, so crop → paste is exact (see `TeacherCrop`).
public struct LungCrop: Sendable {
    public var side: LungSide
    public var crop: TeacherCrop
    /// Centre of the lung's bounding box, in ORIGINAL voxel indices.
    public var centre: SIMD3<Double>

    public static let multiple = 16

    /// The crop for `lung` of an image with voxel spacing `imageSpacing` (mm).
    public init(lung: Lung, imageSpacing: SIMD3<Double>, spacing: SIMD3<Double> = SIMD3(1, 1, 1.5), marginMM: Double = 8) {
        side = lung.side
        let extentMM = SIMD3<Double>(lung.upper &- lung.lower &+ 1) * imageSpacing + 2 * marginMM
        func sideCount(_ mm: Double, _ step: Double) -> Int {
            let n = Int((mm / step).rounded(.up))
            return (n + Self.multiple - 1) / Self.multiple * Self.multiple
        }
        crop = TeacherCrop(size: GridSize(sideCount(extentMM.x, spacing.x), sideCount(extentMM.y, spacing.y), sideCount(extentMM.z, spacing.z)),
                           spacing: spacing)
        centre = (SIMD3<Double>(lung.lower) + SIMD3<Double>(lung.upper)) / 2
    }

    /// The crop of a normalised image (padded with air) and where it lies.
    public func cut(_ image: Normalised) -> (crop: Volume, region: CropRegion) {
        crop.crop(image, centre: centre)
    }

    /// The crop of a 0/1 mask on the image's grid (nearest neighbour).
    public func cut(mask: Volume) -> Volume {
        crop.crop(mask, centre: centre, padding: 0, interpolation: .nearest).crop
    }

    /// A crop-sized map placed back on the image's grid: the block of it that the crop covers
    /// (`CropRegion.sourceBlock`; 0 elsewhere) and where that block starts. No scan-sized array
    /// for a crop that covers a third of the scan.
    public func pasteBlock(_ map: Volume, region: CropRegion) -> (block: Volume, origin: SIMD3<Int>)? {
        guard let b = region.sourceBlock else { return nil }
        return (crop.paste(map, region: region, block: b.lower, b.upper), b.lower)
    }
}
