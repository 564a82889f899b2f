import ArgumentParser
import Foundation
import Volumes

/// `tutor info FILE`: what a volume file holds.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a volume's size, spacing, orientation, datatype, value range and affine.",
        discussion: """
        Reads NIfTI-1/2 (.nii, .nii.gz) and NRRD (.nrrd). Orientation letters follow nibabel: each \
        names the direction in which that voxel index increases (world is RAS+, so a typical CT \
        is "LPS"); ITK-SNAP names the same orientation by the opposite letters ("RAI").
        """)

    @Argument(help: "The volume file (.nii, .nii.gz or .nrrd).")
    var file: String

    func run() throws {
        print(Self.report(try VolumeIO.read(file), file: file), terminator: "")
    }

    /// The text `tutor info` prints for `v`.
    static func report(_ v: Volume, file: String) -> String {
        let s = VoxelStatistics(v.voxels)
        func num(_ x: Double) -> String { String(format: "%.6g", x) }
        let a = v.affine
        let rows = (0..<4).map { r in
            "  [" + (0..<4).map { c in String(format: "%11.4f", a[r, c]) }.joined(separator: " ") + " ]"
        }
        return """
        file         \(file)
        size         \(v.size) voxels (i × j × k)
        spacing      \(num(v.spacing.x)) × \(num(v.spacing.y)) × \(num(v.spacing.z)) mm
        orientation  \(a.axisCodes) (index increases toward these; RAS+ world, as nibabel); ITK-SNAP: \(a.itkAxisCodes)
        datatype     \(v.storedType)
        range        min \(num(Double(s.minimum))), max \(num(Double(s.maximum))), mean \(num(s.mean))
        affine       voxel (i, j, k) → world RAS+ mm
        \(rows.joined(separator: "\n"))

        """
    }
}
