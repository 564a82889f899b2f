import Foundation
import Network
import Teacher
import Volumes

/// The options of `tutor segment`, as the paper's own command-line tool offers them.
public struct SegmentOptions: Sendable {
    /// Probability above which a voxel is tumour.
    public var threshold: Float = 0.5
    /// Keep only candidates (connected voxels above `threshold`) whose highest probability reaches
    /// this: a hysteresis threshold, so a confident tumour keeps its full outline at `threshold`
    /// while faint blobs the student is unsure of (vessels, partial volume at the diaphragm) go.
    /// At or below `threshold` it changes nothing.
    public var confidence: Float = 0
    /// Morphological smoothing radius in mm (opening then closing with a ball); 0 = none.
    public var radiusMM: Double = 0
    /// Drop candidate tumours with less than `minimumInsideLungs` of their voxels inside the lungs.
    public var lungFilter = false
    public var minimumInsideLungs = 0.25
    public init() {}
}

/// The fully automatic path: lungs → each lung cropped at 1 × 1 × 1.5 mm → students → probabilities
/// pasted back onto the CT's grid (the larger where the two crops overlap) → threshold → optional
/// smoothing → optional lung filter. The result is a 0/1 uint8 mask on the input's grid and affine.
///
/// Several students make an ensemble and, with `mirror`, each also sees the crop mirrored left-right:
/// their probabilities are averaged, as nnU-Net averages its folds and mirrored inputs. Students
/// trained on a few dozen phantoms each raise their own false alarms in real CT, in different places,
/// while the tumour is common to all of them, so the average keeps the tumour and drops most of
/// the alarms (Docs/student.md).
public final class Segmenter {
    public let students: [StudentNetwork]
    /// Also run each student on the left-right mirror of each crop (twice the network's work).
    public var mirror: Bool
    public var lungSegmentation = LungSegmentation()

    /// The first student speaks for the ensemble: its stored options (`tutor student tune`) are the ensemble's.
    public var student: StudentNetwork { students[0] }

    public init(students: [StudentNetwork], mirror: Bool = true) {
        precondition(!students.isEmpty, "a segmenter needs at least one student")
        self.students = students; self.mirror = mirror
        for other in students.dropFirst() { other.net.sharePool(with: students[0].net) }
    }

    public convenience init(student: StudentNetwork, mirror: Bool = true) { self.init(students: [student], mirror: mirror) }

    /// Tumour probabilities on the CT's grid, and the lungs they were computed in.
    public func probabilities(ct: Volume, name: String = "the CT") throws -> (probabilities: Volume, lungs: [Lung]) {
        let lungs = try lungSegmentation(ct, name: name)
        let normalised = Preprocess().normalise(ct)
        var p = ct.sameGrid(storedType: "float32")
        for lung in lungs {
            let crop = LungCrop(lung: lung, imageSpacing: ct.spacing)
            var (x, region) = crop.cut(normalised)
            x.voxels = try meanProbabilities(x)
            guard let (block, o) = crop.pasteBlock(x, region: region) else { continue }
            // Row by row on flat indices (Volume's subscript is not inlined across modules).
            let s = p.size, b = block.size
            for k in 0..<b.k { for j in 0..<b.j {
                let from = b.i * (j + b.j * k), to = o.x + s.i * (o.y + j + s.j * (o.z + k))
                for i in 0..<b.i where block.voxels[from + i] > p.voxels[to + i] { p.voxels[to + i] = block.voxels[from + i] }
            } }
        }
        return (p, lungs)
    }

    /// The mean of every student's probabilities on `crop` and, with `mirror`, on its mirror along i
    /// (mirrored back), in Volume order.
    public func meanProbabilities(_ crop: Volume) throws -> [Float] {
        var flipped: Volume? = nil
        if mirror { flipped = crop; flipped!.voxels = mirrored(crop.voxels, crop.size, true) }
        var sum = [Float](repeating: 0, count: crop.voxels.count), runs: Float = 0
        for student in students {
            let p = try student.probabilities(crop)
            for v in sum.indices { sum[v] += p[v] }
            runs += 1
            if let flipped {
                let q = mirrored(try student.probabilities(flipped), crop.size, true)
                for v in sum.indices { sum[v] += q[v] }
                runs += 1
            }
        }
        if runs > 1 { for v in sum.indices { sum[v] /= runs } }
        return sum
    }

    /// The tumour mask of `ct` (HU).
    public func segment(ct: Volume, options: SegmentOptions = SegmentOptions(), name: String = "the CT") throws -> Volume {
        let (p, lungs) = try probabilities(ct: ct, name: name)
        return finish(probabilities: p, lungs: lungs, options: options)
    }

    /// Threshold, confidence, smoothing and lung filter, in that order, on probabilities already on the CT's grid.
    public func finish(probabilities p: Volume, lungs: [Lung], options: SegmentOptions) -> Volume {
        var mask = p.sameGrid(storedType: "uint8")
        for v in mask.voxels.indices where p.voxels[v] > options.threshold { mask.voxels[v] = 1 }
        if options.confidence > options.threshold { keepConfident(&mask, probabilities: p, confidence: options.confidence) }
        mask = BallMorphology(radiusMM: options.radiusMM).smooth(mask)
        if options.lungFilter { keepInsideLungs(&mask, lungs: lungs, minimumShare: options.minimumInsideLungs) }
        return mask
    }
}

/// Keeps (in place) the connected objects of `mask` that have at least `minimumShare` of their
/// voxels inside a lung.
public func keepInsideLungs(_ mask: inout Volume, lungs: [Lung], minimumShare: Double) {
    filterObjects(of: &mask) { voxels in
        let inside = voxels.filter { v in lungs.contains { $0.mask.voxels[v] != 0 } }.count
        return Double(inside) >= minimumShare * Double(voxels.count)
    }
}

/// Keeps (in place) the connected objects of `mask` whose highest probability in `p` reaches `confidence`.
public func keepConfident(_ mask: inout Volume, probabilities p: Volume, confidence: Float) {
    filterObjects(of: &mask) { voxels in voxels.contains { p.voxels[$0] >= confidence } }
}
