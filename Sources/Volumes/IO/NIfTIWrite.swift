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
        let type = datatype ?? defaultType(for: v)
        if type == .float32 && UInt32(1).littleEndian == 1 {
            // The array already holds the file's bytes.
            try v.voxels.withUnsafeBytes { try write($0, size: v.size, affine: v.affine, type: type, to: path, format: format, level: level) }
        } else {
            let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: v.size.count * type.size, alignment: 16)
            defer { bytes.deallocate() }
            RawVoxels.encode(v.voxels, as: type, into: bytes.baseAddress!)
            try write(UnsafeRawBufferPointer(bytes), size: v.size, affine: v.affine, type: type, to: path, format: format, level: level)
        }
    }

    /// Writes a 0/1 mask as uint8, as `write` does a volume, straight from its bytes.
    public static func write(_ mask: BinaryMask, to path: String, format: Format = .nifti1, level: Int32 = 1) throws {
        try mask.voxels.withUnsafeBytes {
            try write($0, size: mask.size, affine: mask.affine, type: .uint8, to: path, format: format, level: level)
        }
    }

    /// Writes voxels already in the file's byte layout under the header for `size` and `affine`.
    private static func write(_ voxels: UnsafeRawBufferPointer, size: GridSize, affine: Affine, type: VoxelType,
                              to path: String, format: Format, level: Int32) throws {
        nifti_set_debug_level(0)
        var header = try headerBytes(size: size, affine: affine, type: type, format: format, path: path)
        header += [0, 0, 0, 0]    // the extension flag: no extensions follow
        let floats = type == .float32 || type == .float64
        try header.withUnsafeBytes { head in
            if path.hasSuffix(".gz") {
                let members = Gzip.compress(head, level: level) + Gzip.compress(voxels, level: level, huffmanOnly: floats)
                try FileBytes.writeAtomically(to: path) { write in for m in members { m.withUnsafeBytes(write) } }
            } else {
                try FileBytes.writeAtomically(to: path) { write in write(head); write(voxels) }
            }
        }
    }

    /// The 348- or 540-byte header libnifti builds for a volume of `size` and `affine`, with
    /// vox_offset right after the 4-byte extension flag.
    private static func headerBytes(size: GridSize, affine: Affine, type: VoxelType, format: Format, path: String) throws -> [UInt8] {
        var dims: [Int64] = [3, Int64(size.i), Int64(size.j), Int64(size.k), 1, 1, 1, 1]
        guard let image = nifti_make_new_nim(&dims, Int32(type.rawValue), 0) else {
            throw TutorError("cannot write \(path): libnifti could not make a header.")
        }
        defer { nifti_image_free(image) }
        let affine = try affine.checked(path)
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
