import Foundation
import Network
import Volumes

/// What a teacher's weights file says it is (`__metadata__` key `role`, MODEL.md).
public enum TeacherRole: String, Sendable {
    /// CT + box channel, cropped around the boxes (the paper's box-guided teacher).
    case box = "teacher-box"
    /// CT only, cropped around the tumour's centre (the paper's point-guided teacher, Table 2).
    case point = "teacher-point"

    var inChannels: Int { self == .box ? 2 : 1 }

    /// Refuses, in one sentence naming `file`, a network that does not take this role's input
    /// channels or does not give one output channel.
    func check(_ net: UNet3D, file: URL) throws {
        guard net.config.inChannels == inChannels, net.config.outChannels == 1 else {
            throw TutorError("\(file.path): a \(rawValue) needs \(inChannels) input and 1 output channel, the file has \(net.config.inChannels) and \(net.config.outChannels).")
        }
    }
}

/// A trained teacher network: turns one tumour's boxes into a 3D mask on the image's own grid.
///
/// Per tumour: a crop of the 1 × 1 × 1.5 mm space centred on its boxes (CT channel, plus the box
/// channel for the box-guided role) → UNet3D → probabilities pasted back (trilinear) → `Postprocess`.
///
/// The crop is at most 128³, the paper's. The box-guided teacher takes only as much of it as the
/// boxes need (`cropSize(for:)`): the network is convolutional and was trained on 64³ cubes, so a
/// 20 mm nodule is as well served by 64³ as by 128³, at an eighth of the work.
public final class NetworkTeacher {
    public let net: UNet3D
    public let role: TeacherRole
    /// Identifies the weights in provenance records (FNV-1a 64 of the file's bytes).
    public let weightsHash: String
    public let crop: TeacherCrop
    public var postprocess = Postprocess()
    /// Refine the mask's edge with the CT's HU values at the scan's resolution (see `Postprocess`).
    public var refineWithHU = true
    /// Average the probabilities of the crop and of its left-right mirror (the one mirror training
    /// used), at twice the network's work: the two passes err differently at a tumour's edge.
    public var mirrorAverage = false

    public init(net: UNet3D, role: TeacherRole, weightsHash: String, cropSize: Int = 128) {
        self.net = net; self.role = role; self.weightsHash = weightsHash
        crop = TeacherCrop(size: GridSize(cropSize, cropSize, cropSize))
    }

    /// Loads a teacher's weights; refuses a file whose role or input channels do not fit.
    public convenience init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TutorError("cannot read teacher weights \(url.path): the file is missing or unreadable.")
        }
        let net = try UNet3D(contentsOf: url)
        let roleText = net.info["role"] ?? TeacherRole.box.rawValue
        guard let role = TeacherRole(rawValue: roleText) else {
            throw TutorError("\(url.path) holds a '\(roleText)' network, not a teacher (teacher-box or teacher-point).")
        }
        try role.check(net, file: url)
        self.init(net: net, role: role, weightsHash: fnv1a64(data))
    }

    /// Crop sides (resampled voxels) below which the box-guided teacher does not go, and the context
    /// it keeps on each side of the boxes: 16 voxels, i.e. 16 mm in-plane and 24 mm across slices.
    public var smallestCrop = 64
    public var cropMargin = 16

    /// The crop for one tumour: per axis, the boxes' span in the resampled space plus `cropMargin`
    /// on each side, rounded up to a multiple of 16, between `smallestCrop` and `crop.size`.
    /// The point-guided teacher knows no extent and takes the whole crop.
    public func cropSize(for boxes: ObjectBoxes, in image: Normalised) -> GridSize {
        guard role == .box else { return crop.size }
        let e = boxes.extent
        let scale = ResampledGrid(image.hu, spacing: crop.spacing).scale
        let span = (SIMD3<Double>(e.upper &- e.lower) + 1) / scale
        func side(_ span: Double, _ limit: Int) -> Int {
            let wanted = Int((span + Double(2 * cropMargin)).rounded(.up))
            return min(limit, max(min(smallestCrop, limit), (wanted + 15) / 16 * 16))
        }
        return GridSize(side(span.x, crop.size.i), side(span.y, crop.size.j), side(span.z, crop.size.k))
    }

    /// The network's input for one tumour: [1, C, A, B, C'] (at most 128³) and where the crop lies.
    public func input(image: Normalised, boxes: ObjectBoxes) -> (tensor: Tensor, region: CropRegion) {
        var crop = self.crop
        crop.size = cropSize(for: boxes, in: image)
        let (ct, region) = crop.crop(image, centre: boxes.centre)
        var channels = [ct.voxels]
        if role == .box { channels.append(boxChannel(boxes, region: region)) }
        return (ChannelPacking.pack(channels, size: region.size), region)
    }

    /// The tumour probabilities of one crop, in Volume order on the crop grid.
    public func probabilities(image: Normalised, boxes: ObjectBoxes) throws -> (Volume, CropRegion) {
        let (x, region) = input(image: image, boxes: boxes)
        var y = try net.forward(x)
        if mirrorAverage {
            let m = try net.forward(x.mirroredAlongI()).mirroredAlongI()
            for n in y.values.indices { y.values[n] = 0.5 * (y.values[n] + m.values[n]) }
        }
        let p = Volume(size: region.size, spacing: crop.spacing, affine: region.affine,
                       voxels: ChannelPacking.unpack(y, channel: 0))
        return (p, region)
    }

    /// The mask (0/1, uint8, on the image's grid and affine) of every tumour in `boxes`.
    /// `boxes` should already be interpolated across skipped slices; `hu` is the CT in HU, for the
    /// edge refinement (`refineWithHU`).
    public func predict(image: Normalised, boxes: [Box], hu: Volume? = nil) throws -> Volume {
        try predict(image: image, boxes: boxes, hu: hu, postprocesses: [postprocess])[0]
    }

    /// One mask per `postprocesses` entry from a single network pass (for comparing fusion rules).
    public func predict(image: Normalised, boxes: [Box], hu: Volume?, postprocesses: [Postprocess]) throws -> [Volume] {
        try predict(image: image, boxes: boxes, hu: hu, postprocesses: postprocesses, onto: image.hu.sameGrid())
    }

    /// `predict`, marking each post-processing's mask onto a copy of `start` (an empty mask, or
    /// one that already holds other tumours) of any kind.
    public func predict<Mask: MarkableMask>(image: Normalised, boxes: [Box], hu: Volume?, postprocesses: [Postprocess],
                                            onto start: @autoclosure () -> Mask) throws -> [Mask] {
        // Every tumour's network pass first, then the scan-sized masks: the network's activations
        // are gone by the time the masks are made, so the two never add up in memory.
        var blocks: [(object: ObjectBoxes, pasted: Volume, lower: SIMD3<Int>, upper: SIMD3<Int>)] = []
        for object in ObjectBoxes.group(boxes) {
            let (p, region) = try probabilities(image: image, boxes: object)
            // Only the block the post-processing reads is pasted back: the boxes' extent (the
            // point-guided teacher, which has no boxes to keep to, 64 voxels around it).
            let e = object.extent, reach = role == .box ? SIMD3<Int>.zero : SIMD3(repeating: 64)
            let lower = pointwiseMax(e.lower &- reach, .zero), upper = pointwiseMin(e.upper &+ reach, image.hu.size.last)
            guard lower.x <= upper.x, lower.y <= upper.y, lower.z <= upper.z else { continue }
            blocks.append((object, crop.paste(p, region: region, block: lower, upper, interpolation: .trilinear), lower, upper))
        }
        var masks = [Mask](repeating: start(), count: postprocesses.count)
        for block in blocks {
            for (n, post) in postprocesses.enumerated() {
                post.apply(probabilities: block.pasted, origin: block.lower, boxes: role == .box ? block.object : nil,
                           lower: block.lower, upper: block.upper, hu: refineWithHU && role == .box ? hu : nil,
                           into: &masks[n])
            }
        }
        return masks
    }
}

extension Tensor {
    /// A [N, C, i, j, k] tensor mirrored along i (left-right in the crop: its x axis).
    func mirroredAlongI() -> Tensor {
        let a = shape[2], plane = shape[3] * shape[4], blocks = shape[0] * shape[1]
        var out = values
        for b in 0..<blocks { for i in 0..<a {
            let src = (b * a + i) * plane, dst = (b * a + a - 1 - i) * plane
            out[dst..<dst + plane] = values[src..<src + plane]
        } }
        return Tensor(shape: shape, values: out)
    }
}

/// FNV-1a, 64 bits, as 16 hex digits: a short fingerprint of a weights file for provenance.
public func fnv1a64(_ data: Data) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in data { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return String(format: "%016llx", h)
}
