import ArgumentParser
import Foundation
import Teacher
import Volumes

/// `tutor teacher predict`: one proposal for one image, written as a mask on the image's own grid.
struct TeacherPredict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Turn an image's axial boxes into a 3D tumour mask.",
        discussion: """
        Boxes on non-adjacent slices are interpolated first, so boxing every second or third slice \
        is enough. By default the teacher network runs on a crop (at most 128³) of the 1 × 1 × 1.5 mm \
        space around each tumour's boxes (--weights, or the bundled teacher), and the CT's HU values \
        refine the edge where they agree with it; --method threshold is the classical baseline (HU \
        threshold inside the boxes, largest object), also used when no weights can be found.
        """)

    @Option(help: "The CT (.nii, .nii.gz or .nrrd).") var image: String
    @Option(help: "The box file (JSON of DESIGN.md, CSV, or a Pascal VOC folder).") var boxes: String
    @Option(help: "Where to write the mask (.nii.gz).") var out: String
    @Option(help: "Teacher weights (safetensors); with --method net and no --weights, the bundled teacher.") var weights: String?
    @Option(help: "net or threshold.") var method: TeacherMethod?

    func run() throws {
        let ct = try VolumeIO.read(image)
        let file = try BoxFile.load(anyFormat: boxes)
        try file.checkInside(ct.size, source: boxes)
        guard !file.boxes.isEmpty else { throw TutorError("\(boxes) holds no boxes: draw at least one before asking for a proposal.") }
        let proposer = try ProposalEngine(method: method, weights: weights.map { URL(fileURLWithPath: $0) },
                                    warn: { FileHandle.standardError.write(Data("tutor: \($0)\n".utf8)) })
        let started = Date()
        let mask = try proposer.propose(image: ct, boxes: file.boxes)
        try NIfTI.write(mask, to: out)
        let voxels = mask.voxels.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        let ml = Double(voxels) * mask.spacing.x * mask.spacing.y * mask.spacing.z / 1000
        print(String(format: "%@: %d voxels, %.2f mL (%@, %.2f s)", out, voxels, ml, proposer.label,
                     Date().timeIntervalSince(started)))
    }
}

extension TeacherMethod: ExpressibleByArgument {}
