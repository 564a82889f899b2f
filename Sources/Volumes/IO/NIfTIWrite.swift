internal import CNIfTI

extension NIfTI {
    /// Which header a written file carries.
    public enum Format: Sendable { case nifti1, nifti2 }

    /// The datatype a volume is written as when the caller names none: its `storedType` when
    /// that is a NIfTI type (so a mask read as uint8 stays uint8), else float32.
    public static func defaultType(for v: Volume) -> VoxelType { VoxelType(name: v.storedType) ?? .float32 }

    /// Writes `v` to `path` atomically: `.nii.gz` (gzip, parallel members) or `.nii` (plain) by the name.
    /// The header comes from libnifti: sform and qform both hold `v.affine` (codes 1, scanner),
    /// pixdim the spacing, units mm. Integer `datatype`s round and clamp; masks belong in `.uint8`.
    /// `level` is the zlib level (1 is fast; 6 is gzip's default, ~10 % smaller for CT).
    public static func write(_ v: Volume, to path: String, datatype: VoxelType? = nil,
                             format: Format = .nifti1, level: Int32 = 1) throws {
        nifti_set_debug_level(0)
        let type = datatype ?? defaultType(for: v)
        var header = try headerBytes(v, type: type, format: format, path: path)
        header += [0, 0, 0, 0]    // the extension flag: no extensions follow
        let gzip = path.hasSuffix(".gz")
        let floats = type == .float32 || type == .float64
        func save(_ voxels: UnsafeRawBufferPointer) throws {
            try header.withUnsafeBytes { head in
                if gzip {
                    let members = Gzip.compress(head, level: level) + Gzip.compress(voxels, level: level, huffmanOnly: floats)
                    try FileBytes.writeAtomically(to: path) { write in for m in members { m.withUnsafeBytes(write) } }
                } else {
                    try FileBytes.writeAtomically(to: path) { write in write(head); write(voxels) }
                }
            }
        }
        if type == .float32 && UInt32(1).littleEndian == 1 {
            try v.voxels.withUnsafeBytes(save)   // the array already holds the file's bytes
        } else {
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: v.size.count * type.size, alignment: 16)
            defer { bytes.deallocate() }
            RawVoxels.encode(v.voxels, as: type, into: bytes.baseAddress!)
            try save(UnsafeRawBufferPointer(bytes))
        }
    }

    /// The 348- or 540-byte header libnifti builds for `v`, with vox_offset right after the 4-byte extension flag.
    private static func headerBytes(_ v: Volume, type: VoxelType, format: Format, path: String) throws -> [UInt8] {
        var dims: [Int64] = [3, Int64(v.size.i), Int64(v.size.j), Int64(v.size.k), 1, 1, 1, 1]
        guard let image = nifti_make_new_nim(&dims, Int32(type.rawValue), 0) else {
            throw TutorError("cannot write \(path): libnifti could not make a header.")
        }
        defer { nifti_image_free(image) }
        let affine = try v.affine.checked(path)
        var qb = 0.0, qc = 0.0, qd = 0.0, qx = 0.0, qy = 0.0, qz = 0.0, dx = 0.0, dy = 0.0, dz = 0.0, qfac = 0.0
        nifti_dmat44_to_quatern(affine.dmat44, &qb, &qc, &qd, &qx, &qy, &qz, &dx, &dy, &dz, &qfac)
        let s = affine.columnNorms
        image.pointee.dx = s.x; image.pointee.dy = s.y; image.pointee.dz = s.z
        image.pointee.pixdim.1 = s.x; image.pointee.pixdim.2 = s.y; image.pointee.pixdim.3 = s.z
        image.pointee.qform_code = NIFTI_XFORM_SCANNER_ANAT
        image.pointee.sform_code = NIFTI_XFORM_SCANNER_ANAT
        image.pointee.quatern_b = qb; image.pointee.quatern_c = qc; image.pointee.quatern_d = qd
        image.pointee.qoffset_x = qx; image.pointee.qoffset_y = qy; image.pointee.qoffset_z = qz
        image.pointee.qfac = qfac
        image.pointee.qto_xyz = affine.dmat44
        image.pointee.sto_xyz = affine.dmat44
        image.pointee.xyz_units = NIFTI_UNITS_MM
        image.pointee.scl_slope = 0   // no scaling: voxels hold their values as written
        image.pointee.scl_inter = 0

        switch format {
        case .nifti1:
            image.pointee.nifti_type = NIFTI_FTYPE_NIFTI1_1
            var h = nifti_1_header()
            guard nifti_convert_nim2n1hdr(image, &h) == 0 else {
                throw TutorError("cannot write \(path) as NIfTI-1: libnifti could not convert the header (too large?).")
            }
            h.vox_offset = Float(NIfTIHeader.nifti1Size + 4)
            return withUnsafeBytes(of: &h) { [UInt8]($0) }
        case .nifti2:
            image.pointee.nifti_type = NIFTI_FTYPE_NIFTI2_1
            var h = nifti_2_header()
            guard nifti_convert_nim2n2hdr(image, &h) == 0 else {
                throw TutorError("cannot write \(path) as NIfTI-2: libnifti could not convert the header.")
            }
            h.vox_offset = Int64(NIfTIHeader.nifti2Size + 4)
            return withUnsafeBytes(of: &h) { [UInt8]($0) }
        }
    }
}
