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
        voxels inside the lungs. Options not given take the values `tutor student tune` stored in the \
        weights, if any. OUT is a 0/1 uint8 mask on IN's grid and affine.
        """)

    @Argument(help: "The CT (HU), .nii, .nii.gz or .nrrd.") var input: String
    @Argument(help: "The tumour mask to write (.nii.gz or .nii).") var output: String
    @OptionGroup var finishing: SegmentFlags
    @Option(help: "Student weights (.safetensors); default: the bundled student.") var weights: String?

    func run() throws {
        _ = try finishing.options()   // bad values are refused before the weights are read
        let student = try BundledStudent.load(weights)
        let options = try finishing.options(recommended: student.recommendedOptions)
        let segmenter = Segmenter(student: student)
        let ct = try VolumeIO.read(input)
        let mask = try segmenter.segment(ct: ct, options: options, name: input)
        try VolumeIO.write(mask, to: output, datatype: .uint8)
    }
}

/// How the student's probabilities become a mask (shared by `segment` and `experiment`). An option
/// not given takes the weights' stored choice (`tutor student tune`), else the built-in default.
struct SegmentFlags: ParsableArguments {
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
