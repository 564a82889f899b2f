import Foundation
import Volumes

/// One tumour of one training case, cut once and kept in memory for the whole run:
/// the normalised CT and the tumour's mask on a 128³ crop of the 1 × 1 × 1.5 mm space centred on
/// its (jittered) boxes, plus the tight boxes in ORIGINAL voxel indices, from which each training
/// step draws a fresh human-like box channel through the same code the predictor uses.
public struct TeacherSample: Sendable {
    public var caseName: String
    public var ct: [Float]          // crop, Volume order, z-scored
    public var label: [Float]       // crop, Volume order, 0/1 (this tumour only)
    public var region: CropRegion
    public var boxes: ObjectBoxes   // tight, original voxel indices
    public var spacing: SIMD3<Double>
    public var imageSize: GridSize

    /// The tumour's volume in millilitres, from its mask on the crop grid.
    public var tumourML: Double {
        label.reduce(0) { $0 + Double($1) } * region.grid.spacing.x * region.grid.spacing.y * region.grid.spacing.z / 1000
    }

    /// Every tumour of a case folder holding `ct.nii.gz` and `label.nii.gz` (boxes derived from the label).
    public static func load(caseFolder: URL, crop: TeacherCrop, jitterMM: Double,
                            using rng: inout SeededGenerator) throws -> [TeacherSample] {
        let image = try NIfTI.read(caseFolder.appendingPathComponent("ct.nii.gz").path)
        let label = try NIfTI.read(caseFolder.appendingPathComponent("label.nii.gz").path)
        guard image.size == label.size else {
            throw TutorError("\(caseFolder.path): label.nii.gz is \(label.size), ct.nii.gz is \(image.size).")
        }
        let normalised = Preprocess().normalise(image)
        let objects = connectedComponents(of: label)
        var samples: [TeacherSample] = []
        for object in ObjectBoxes.group(axialBoxes(of: label)) {
            // The component this object's boxes were drawn from (axialBoxes numbers them the same way).
            let id = Int32(object.object)
            var only = label.sameGrid(storedType: "uint8")
            for v in 0..<only.voxels.count where objects.labels[v] == id { only.voxels[v] = 1 }
            let jitter = SIMD3<Double>(rng.uniform(-jitterMM...jitterMM), rng.uniform(-jitterMM...jitterMM),
                                       rng.uniform(-jitterMM...jitterMM)) / image.spacing
            let centre = object.centre + jitter
            let (ct, region) = crop.crop(normalised, centre: centre)
            let (mask, _) = crop.crop(only, centre: centre, padding: 0, interpolation: .nearest)
            samples.append(TeacherSample(caseName: caseFolder.lastPathComponent, ct: ct.voxels, label: mask.voxels,
                                         region: region, boxes: object, spacing: image.spacing, imageSize: image.size))
        }
        return samples
    }
}
