import ArgumentParser
import Foundation
import Student
import Volumes

/// `tutor segment IN OUT`: the fully automatic student, no boxes, no human.
struct Segment: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Find lung tumours in a CT with a trained student: no boxes needed.",
        discussion: """
        The lungs are found by HU thresholding, each lung is cropped at 1 × 1 × 1.5 mm, the student \
        gives tumour probabilities (an ensemble of students, each on the crop and on its left-right \
        mirror, gives their mean), and these are pasted back onto the input's grid. Then, in this order: \
        voxels above --threshold become tumour; --confidence keeps only the candidates whose highest \
        probability reaches it; --radius smooths the mask (opening, then closing, with a \
        ball of that radius in mm); --lung-filter drops candidates with less than a quarter of their \
        voxels inside the lungs. Options not given take the values `tutor student tune` stored in the \
        (first) weights, if any. OUT is a 0/1 uint8 mask on IN's grid and affine.
        """)

    @Argument(help: "The CT (HU), .nii, .nii.gz or .nrrd.") var input: String
    @Argument(help: "The tumour mask to write (.nii.gz or .nii).") var output: String
    @OptionGroup var finishing: SegmentFlags
    @Option(help: "Student weights (.safetensors); give it several times for an ensemble, whose probabilities are averaged (options not given come from the first). Default: the bundled ensemble.")
    var weights: [String] = []
    @Option(help: "Also write the lungs the student looked in, as a uint8 mask on IN's grid (1 = right lung, 2 = left), to check the lung segmentation.")
    var lungs: String?
    @Option(help: "Also write the student's tumour probabilities (float32, 0 to 1) on IN's grid to this file, to choose a threshold or compare students.")
    var probabilities: String?

    func run() throws {
        _ = try finishing.options()   // bad values are refused before the weights are read
        let segmenter = Segmenter(students: try BundledStudent.load(weights), mirror: finishing.mirror)
        let options = try finishing.options(recommended: segmenter.student.recommendedOptions)
        let started = Date()
        let ct = try VolumeIO.read(input)
        let (p, found) = try segmenter.probabilities(ct: ct, name: input)
        let mask = segmenter.finish(probabilities: p, lungs: found, options: options)
        try VolumeIO.write(mask, to: output, datatype: .uint8)
        if let probabilities { try VolumeIO.write(p, to: probabilities, datatype: .float32) }
        if let lungs { try VolumeIO.write(labelMap(of: found, on: ct), to: lungs, datatype: .uint8) }
        let voxels = mask.voxels.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let ml = Double(voxels) * mask.spacing.x * mask.spacing.y * mask.spacing.z / 1000
        let students = segmenter.students.count
        print(String(format: "%@: %d voxels, %.2f mL (%d student%@%@, %d lung%@, %.1f s)", output, voxels, ml, students,
                     students == 1 ? "" : "s", finishing.mirror ? ", mirrored" : "", found.count, found.count == 1 ? "" : "s",
                     Date().timeIntervalSince(started)))
    }
}

/// How the student's probabilities become a mask (shared by `segment` and `experiment`). An option
/// not given takes the weights' stored choice (`tutor student tune`), else the built-in default.
struct SegmentFlags: ParsableArguments {
    @Flag(inversion: .prefixedNo, help: "Average each student's probabilities with those of the left-right mirrored CT, as nnU-Net does (twice the network's work).")
    var mirror = true
    @Flag(inversion: .prefixedNo, help: "Drop candidates that lie mostly outside the lungs (default: off, or the weights' choice).")
    var lungFilter: Bool?
    @Option(help: "Probability threshold, between 0 and 1 (default: 0.5, or the weights' choice).") var threshold: Float?
    @Option(help: "Keep only candidates whose highest probability reaches this, a hysteresis threshold above --threshold (default: 0 = all, or the weights' choice).")
    var confidence: Float?
    @Option(help: "Morphological smoothing radius in mm (default: 0 = none, or the weights' choice).") var radius: Double?

    func options(recommended: SegmentOptions? = nil) throws -> SegmentOptions {
        var options = recommended ?? SegmentOptions()
        if let threshold {
            guard threshold > 0, threshold < 1 else { throw TutorError("--threshold must lie between 0 and 1, not \(threshold).") }
            options.threshold = threshold
        }
        if let confidence {
            guard confidence >= 0, confidence < 1 else { throw TutorError("--confidence must lie between 0 and 1, not \(confidence).") }
            options.confidence = confidence
        }
        if let radius {
            guard radius >= 0, radius <= 20 else { throw TutorError("--radius must be between 0 and 20 mm, not \(radius).") }
            options.radiusMM = radius
        }
        if let lungFilter { options.lungFilter = lungFilter }
        return options
    }
}
