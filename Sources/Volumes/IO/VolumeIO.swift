/// Reads and writes volumes by file name: `.nii`, `.nii.gz` (NIfTI-1/2) and `.nrrd` (NRRD, attached data).
public enum VolumeIO {
    /// The volume at `path`, read by its extension; throws `TutorError` for unknown extensions.
    public static func read(_ path: String) throws -> Volume {
        let lower = path.lowercased()
        if lower.hasSuffix(".nii") || lower.hasSuffix(".nii.gz") { return try NIfTI.read(path) }
        if lower.hasSuffix(".nrrd") { return try NRRD.read(path) }
        if lower.hasSuffix(".nhdr") {
            throw TutorError("\(path) is a detached NRRD header; save the volume as a single .nrrd file (attached data).")
        }
        throw TutorError("\(path) has an unknown extension; tutor reads .nii, .nii.gz and .nrrd files.")
    }

    /// Writes `v` to `path` (which must end in `.nii.gz` or `.nii`), atomically.
    /// `datatype` defaults to the volume's stored type when that is a NIfTI type, else float32.
    public static func write(_ v: Volume, to path: String, datatype: VoxelType? = nil) throws {
        guard path.hasSuffix(".nii.gz") || path.hasSuffix(".nii") else {
            throw TutorError("cannot write \(path): tutor writes NIfTI, so the name must end in .nii.gz or .nii.")
        }
        try NIfTI.write(v, to: path, datatype: datatype)
    }
}
