internal import CNIfTI

/// NIfTI-1 and NIfTI-2 files (`.nii`, `.nii.gz`): reading and writing whole 3D volumes.
///
/// Reading parses and checks the header first (sizes against the file's length, datatype,
/// dimensions), lets libnifti turn the header into its `nifti_image` (quaternion → qform,
/// sform rows, codes), then inflates the voxels a slab at a time and converts each on all cores.
public enum NIfTI {
    /// Reads the volume at `path`. Voxels become Float with scl_slope/scl_inter applied
    /// (a slope of 0 or NaN means no scaling). The affine is the sform when sform_code > 0,
    /// else the qform when qform_code > 0, else pixdim scaling; world is NIfTI RAS+ mm.
    /// Throws `TutorError` naming the file for anything missing, damaged, or not a 3D scalar volume.
    public static func read(_ path: String) throws -> Volume {
        try read(bytes: FileBytes.read(path), path: path)
    }

    /// Reads a volume from the whole contents of a file (`path` only names it in messages).
    static func read(bytes: [UInt8], path: String) throws -> Volume {
        nifti_set_debug_level(0)   // libnifti would print its own diagnostics on stderr
        let gzip = Gzip.isCompressed(bytes)
        let reader = gzip ? try GzipReader(bytes, path: path) : nil

        var head = [UInt8](repeating: 0, count: NIfTIHeader.nifti2Size)
        let headCount: Int
        if let reader {
            headCount = try head.withUnsafeMutableBytes { try reader.read(into: $0) }
        } else {
            headCount = min(head.count, bytes.count)
            head.replaceSubrange(0..<headCount, with: bytes[0..<headCount])
        }
        let header = try NIfTIHeader(Array(head[0..<headCount]), path: path)
        let affine = try libniftiAffine(head, header: header, path: path)
        let needed = header.neededBytes

        let voxels: [Float]
        if let reader {
            guard needed <= Gzip.maximumExpansion(of: bytes.count) else {
                throw TutorError("\(path) is truncated or its header is damaged: it declares \(needed) bytes of voxels, more than its \(bytes.count) compressed bytes can hold.")
            }
            voxels = try inflateAndDecode(reader, head: Array(head[0..<headCount]), header, path: path)
        } else {
            guard needed <= bytes.count else { throw truncated(path, holds: bytes.count, needs: needed, compressed: false) }
            voxels = bytes.withUnsafeBytes { decode($0.baseAddress! + header.voxOffset, header) }
        }
        return Volume(size: header.size, spacing: affine.columnNorms, affine: affine,
                      voxels: voxels, storedType: header.type.name)
    }

    /// The voxels of a compressed file, inflated a slab (4 MB) at a time and each slab decoded
    /// straight into the Floats: the file's raw voxels are never held whole (84 MB for an int16
    /// 512 × 512 × 160 CT, as much as the Floats themselves for float32). `head` is what the
    /// header read already took from the stream.
    private static func inflateAndDecode(_ reader: GzipReader, head: [UInt8], _ h: NIfTIHeader, path: String) throws -> [Float] {
        let size = h.type.size, count = h.size.count, total = count * size
        let slab = (1 << 22) / size * size
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: slab, alignment: 16)
        defer { buffer.deallocate() }
        var consumed = head.count   // bytes of the decompressed stream read so far
        // Voxel bytes the read-ahead already holds (a tiny volume may end inside it).
        var filled = head.count > h.voxOffset ? min(head.count - h.voxOffset, total) : 0
        if filled > 0 {
            head.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[h.voxOffset..<(h.voxOffset + filled)])) }
        }
        func fill(_ count: Int) throws {   // reads `count` more bytes after `filled`, or throws at the end of the data
            let n = try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + count)]))
            consumed += n; filled += n
            guard n == count else { throw truncated(path, holds: consumed, needs: h.neededBytes, compressed: true) }
        }
        var skip = max(0, h.voxOffset - head.count)   // header extensions past the read-ahead
        while skip > 0 {
            let step = min(skip, slab)
            try fill(step)
            filled = 0; skip -= step
        }
        return try [Float](unsafeUninitializedCapacity: count) { out, initialised in
            var done = 0   // voxel bytes decoded
            while done < total {
                try fill(min(slab, total - done) - filled)
                RawVoxels.decode(buffer.baseAddress!, count: filled / size, type: h.type, byteSwapped: h.byteSwapped,
                                 slope: h.slope, intercept: h.intercept, scaled: h.scaled, into: out.baseAddress! + done / size)
                done += filled; filled = 0
            }
            initialised = count
        }
    }

    private static func decode(_ raw: UnsafeRawPointer, _ h: NIfTIHeader) -> [Float] {
        RawVoxels.decode(raw, count: h.size.count, type: h.type, byteSwapped: h.byteSwapped,
                         slope: h.slope, intercept: h.intercept, scaled: h.scaled)
    }

    private static func truncated(_ path: String, holds: Int, needs: Int, compressed: Bool) -> TutorError {
        TutorError("\(path) is truncated: its header needs \(needs) bytes but the file holds \(holds)\(compressed ? " once decompressed" : "").")
    }

    /// The voxel-to-world affine libnifti derives from the header (sform, else qform, else scaling), checked.
    private static func libniftiAffine(_ head: [UInt8], header: NIfTIHeader, path: String) throws -> Affine {
        let image: UnsafeMutablePointer<nifti_image>? = head.withUnsafeBytes { raw in
            if header.version == 1 {
                var h = nifti_1_header()
                withUnsafeMutableBytes(of: &h) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<NIfTIHeader.nifti1Size])) }
                return nifti_convert_n1hdr2nim(h, path)
            } else {
                var h = nifti_2_header()
                withUnsafeMutableBytes(of: &h) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<NIfTIHeader.nifti2Size])) }
                return nifti_convert_n2hdr2nim(h, path)
            }
        }
        guard let image else { throw TutorError("\(path) has a NIfTI header that libnifti cannot interpret.") }
        defer { nifti_image_free(image) }
        let nim = image.pointee
        let matrix = nim.sform_code > 0 ? nim.sto_xyz : nim.qto_xyz
        return try Affine(matrix).checked(path)
    }
}

extension Affine {
    /// The affine held in a libnifti matrix.
    init(_ d: nifti_dmat44) {
        let r = d.m
        self.init(rows: [r.0.0, r.0.1, r.0.2, r.0.3, r.1.0, r.1.1, r.1.2, r.1.3,
                         r.2.0, r.2.1, r.2.2, r.2.3, 0, 0, 0, 1])
    }

    /// The libnifti matrix holding this affine.
    var dmat44: nifti_dmat44 {
        var d = nifti_dmat44()
        d.m = ((m[0], m[1], m[2], m[3]), (m[4], m[5], m[6], m[7]), (m[8], m[9], m[10], m[11]), (0, 0, 0, 1))
        return d
    }
}
