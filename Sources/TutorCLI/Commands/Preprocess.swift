import ArgumentParser
import Volumes

/// `tutor preprocess IN OUT`: the paper's preprocessing on a whole volume.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Clip to [-1024, 1000] HU, z-score and resample a CT (or resample a mask) to a new spacing.",
        discussion: """
        Images: clip, z-score over the whole volume, then trilinear resampling; written as float32. \
        Masks (--mask): nearest-neighbour resampling only; written as uint8. Voxel (0,0,0) keeps its \
        world position and the new grid has exactly the given spacing, so the output overlays the input.
        """)

    @Argument(help: "The input volume (.nii, .nii.gz or .nrrd).")
    var input: String

    @Argument(help: "The output file (.nii.gz or .nii).")
    var output: String

    @Option(help: "Target voxel spacing in mm along i, j, k, as X,Y,Z.")
    var spacing: String = "1,1,1.5"

    @Flag(help: "The input is a label mask: resample with nearest neighbour, no intensity changes.")
    var mask = false

    func run() throws {
        let parts = spacing.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2],
              [x, y, z].allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw TutorError("--spacing must be three positive numbers in mm, like 1,1,1.5 (got \"\(spacing)\").")
        }
        let pipeline = Preprocess(spacing: SIMD3(x, y, z))
        let volume = try VolumeIO.read(input)
        if mask {
            try VolumeIO.write(pipeline.mask(volume), to: output, datatype: .uint8)
        } else {
            try VolumeIO.write(pipeline(consume volume), to: output, datatype: .float32)   // clipped in place
        }
    }
}
