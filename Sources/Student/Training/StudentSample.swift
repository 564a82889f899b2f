import Foundation
import Volumes

/// One image and its (strong or pseudo-strong) tumour mask, as files.
public struct StudentCase: Sendable, Equatable {
    public var name: String
    public var image: String
    public var label: String
    /// True for a teacher's accepted mask (pseudo-strong), false for an expert's.
    public var pseudo: Bool
    public init(name: String, image: String, label: String, pseudo: Bool) {
        self.name = name; self.image = image; self.label = label; self.pseudo = pseudo
    }
}

/// One tumour inside a lung crop: where it is (crop voxels) and how big (equivalent diameter, mm).
public struct CropTumour: Sendable {
    public var centre: SIMD3<Int>
    public var diameterMM: Double
}

/// One lung of one training case, cut once and kept in memory for the whole run: the z-scored CT,
/// the tumour mask and the per-slice box mask on the lung's crop (Volume order), and its tumours.
public struct StudentSample: Sendable {
    public var caseName: String
    public var pseudo: Bool
    public var size: GridSize
    public var ct: [Float]
    /// 0/1 (bytes, to keep many lungs in memory).
    public var label: [UInt8]
    /// 1 inside the axial bounding box of each tumour's cross-section on each slice (the DO student's second target).
    public var boxes: [UInt8]
    public var tumours: [CropTumour]
    /// Crop voxels (flat indices) inside the lung that are dense but not tumour (vessels, fissures,
    /// scars, tissue at the wall): where an undertrained student raises false alarms, so where
    /// `StudentTraining` centres its hard negative cubes. At most `denseLimit`, evenly spread.
    public var dense: [Int32] = []

    /// Denser than this (HU) counts as tissue inside the aerated lung.
    public static let denseHU = -500.0
    public static let denseLimit = 4096

    /// Both lungs of a case (its label's grid must match the image's).
    public static func load(_ item: StudentCase, lungs: LungSegmentation = LungSegmentation()) throws -> [StudentSample] {
        let image = try VolumeIO.read(item.image)
        let label = try VolumeIO.read(item.label)
        guard image.size == label.size else {
            throw TutorError("\(item.label) is \(label.size) voxels but its image \(item.image) is \(image.size).")
        }
        let normalised = Preprocess().normalise(image)
        let boxMask = axialBoxMask(label)
        let denseZ = normalised.value(hu: denseHU)
        return try lungs(image, name: item.image).map { lung in
            let crop = LungCrop(lung: lung, imageSpacing: image.spacing)
            let (ct, _) = crop.cut(normalised)
            let mask = crop.cut(mask: label)
            let label = mask.voxels.map { $0 > 0.5 ? UInt8(1) : 0 }
            let dense = denseTissue(ct: ct.voxels, inLung: crop.cut(mask: lung.mask.volume).voxels, label: label, above: denseZ)
            return StudentSample(caseName: item.name, pseudo: item.pseudo, size: ct.size, ct: ct.voxels, label: label,
                                 boxes: crop.cut(mask: boxMask).voxels.map { $0 > 0.5 ? 1 : 0 },
                                 tumours: findTumours(in: mask),
                                 dense: dense)
        }
    }

    /// Voxels inside the lung (`inLung` > 0.5), not tumour, above `above` (the CT's units), at most
    /// `denseLimit` of them taken evenly along the flat index.
    static func denseTissue(ct: [Float], inLung: [Float], label: [UInt8], above: Float) -> [Int32] {
        let all = ct.indices.filter { inLung[$0] > 0.5 && label[$0] == 0 && ct[$0] > above }
        let stride = max(1, (all.count + denseLimit - 1) / denseLimit)
        return Swift.stride(from: 0, to: all.count, by: stride).map { Int32(all[$0]) }
    }
}

/// The mask that is 1 inside the tight axial box of every object's cross-section on every slice.
public func axialBoxMask(_ label: Volume) -> Volume {
    var out = label.sameGrid(storedType: "uint8")
    for b in axialBoxes(of: label) {
        for j in b.yMin...b.yMax { for i in b.xMin...b.xMax { out[i, j, b.slice] = 1 } }
    }
    return out
}

/// The connected tumours of a crop's mask, with their centre and equivalent-sphere diameter.
func findTumours(in mask: Volume) -> [CropTumour] {
    let objects = connectedComponents(of: mask)
    guard objects.count > 0 else { return [] }
    var sums = [SIMD3<Double>](repeating: .zero, count: objects.count)
    for v in objects.labels.indices where objects.labels[v] > 0 {
        sums[Int(objects.labels[v]) - 1] += position(v, mask.size)
    }
    let voxelMM3 = mask.spacing.x * mask.spacing.y * mask.spacing.z
    return (0..<objects.count).map { n in
        let count = Double(objects.voxelCounts[n])
        let c = sums[n] / count
        return CropTumour(centre: SIMD3(Int(c.x.rounded()), Int(c.y.rounded()), Int(c.z.rounded())),
                          diameterMM: pow(6 * count * voxelMM3 / Double.pi, 1.0 / 3))
    }
}
