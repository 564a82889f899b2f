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
        gives tumour probabilities, and these are pasted back onto the input's grid. Then, in this order: \
        voxels above --threshold become tumour; --confidence keeps only the candidates whose highest \
        probability reaches it; --radius smooths the mask (opening, then closing, with a \
        ball of that radius in mm); --lung-filter drops candidates with less than a quarter of their \
        voxels inside the lungs. OUT is a 0/1 uint8 mask on IN's grid and affine.
        """)

    @Argument(help: "The CT (HU), .nii, .nii.gz or .nrrd.") var input: String
    @Argument(help: "The tumour mask to write (.nii.gz or .nii).") var output: String
    @OptionGroup var finishing: SegmentFlags
    @Option(help: "Student weights (.safetensors); default: the bundled student.") var weights: String?

    func run() throws {
        let options = try finishing.options()
        let segmenter = Segmenter(student: try BundledStudent.load(weights))
        let ct = try VolumeIO.read(input)
        let mask = try segmenter.segment(ct: ct, options: options, name: input)
        try VolumeIO.write(mask, to: output, datatype: .uint8)
    }
}

/// How the student's probabilities become a mask (shared by `segment` and `experiment`).
struct SegmentFlags: ParsableArguments {
    @Flag(help: "Drop candidates that lie mostly outside the lungs.") var lungFilter = false
    @Option(help: "Probability threshold, between 0 and 1.") var threshold: Float = 0.5
    @Option(help: "Keep only candidates whose highest probability reaches this (0 = all; a hysteresis threshold above --threshold).")
    var confidence: Float = 0
    @Option(help: "Morphological smoothing radius in mm (0 = none).") var radius: Double = 0

    func options() throws -> SegmentOptions {
        guard threshold > 0, threshold < 1 else { throw TutorError("--threshold must lie between 0 and 1, not \(threshold).") }
        guard radius >= 0, radius <= 20 else { throw TutorError("--radius must be between 0 and 20 mm, not \(radius).") }
        guard confidence >= 0, confidence < 1 else { throw TutorError("--confidence must lie between 0 and 1, not \(confidence).") }
        var options = SegmentOptions()
        options.confidence = confidence
        options.threshold = threshold; options.radiusMM = radius; options.lungFilter = lungFilter
        return options
    }
}
