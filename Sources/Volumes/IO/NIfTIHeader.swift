/// The fields of a NIfTI-1 (348-byte) or NIfTI-2 (540-byte) header that decide whether and how
/// the voxels can be read. Parsed here, byte by byte, so that every size is checked before
/// libnifti sees the header and before anything is allocated for the voxels.
struct NIfTIHeader {
    static let nifti1Size = 348, nifti2Size = 540
    /// The most voxels one volume may have (2^31: 8 GiB of Float).
    static let maximumVoxels = 1 << 31

    var version: Int            // 1 or 2
    var byteSwapped: Bool       // the file's byte order differs from this machine's
    var size: GridSize
    var type: VoxelType
    var voxOffset: Int          // bytes before the first voxel
    var slope: Double, intercept: Double
    var scaled: Bool            // scl_slope is finite and non-zero, so value·slope + intercept applies

    /// Bytes the whole file must hold (header, extensions and voxels).
    var neededBytes: Int { voxOffset + size.count * type.size }

    /// Parses and checks `bytes` (the first bytes of the file, at most 540) of the file at `path`.
    init(_ bytes: [UInt8], path: String) throws {
        guard bytes.count >= Self.nifti1Size else {
            throw TutorError("\(path) is too short to be a NIfTI file (\(bytes.count) bytes).")
        }
        let field = Fields(bytes: bytes, swapped: false)
        switch field.int32(0) {
        case 348: version = 1; byteSwapped = false
        case Int32(348).byteSwapped: version = 1; byteSwapped = true
        case 540: version = 2; byteSwapped = false
        case Int32(540).byteSwapped: version = 2; byteSwapped = true
        default: throw TutorError("\(path) is not a NIfTI file (its header does not start with size 348 or 540).")
        }
        if version == 2 && bytes.count < Self.nifti2Size {
            throw TutorError("\(path) is too short to hold a NIfTI-2 header (\(bytes.count) bytes).")
        }
        let v1 = version == 1
        let f = Fields(bytes: bytes, swapped: byteSwapped)
        try Self.checkMagic(f.text(v1 ? 344 : 4, 3), version: version, path: path)

        let dim = (0..<8).map { v1 ? Int64(f.int16(40 + 2 * $0)) : f.int64(16 + 8 * $0) }
        let typeCode = v1 ? Int(f.int16(70)) : Int(f.int16(12))
        let offset = v1 ? Double(f.float32(108)) : Double(f.int64(168))
        slope = v1 ? Double(f.float32(112)) : f.float64(176)
        intercept = v1 ? Double(f.float32(116)) : f.float64(184)

        guard (1...7).contains(dim[0]) else {
            throw TutorError("\(path) has an invalid number of dimensions (dim[0] = \(dim[0]); NIfTI allows 1 to 7).")
        }
        for a in 1...Int(dim[0]) where dim[a] < 1 {
            throw TutorError("\(path) declares a dimension of size \(dim[a]) (dim[\(a)]); sizes must be at least 1.")
        }
        let extent = (1...3).map { a in a <= dim[0] ? Int(dim[a]) : 1 }
        let volumes = dim[0] < 4 ? 1 : (4...Int(dim[0])).reduce(Int64(1)) { $0.multipliedReportingOverflow(by: dim[$1]).partialValue }
        if volumes != 1 {
            throw TutorError("\(path) holds \(volumes) volumes (a 4D or 5D file); tutor reads one 3D volume per file.")
        }
        let (ij, o1) = extent[0].multipliedReportingOverflow(by: extent[1])
        let (ijk, o2) = ij.multipliedReportingOverflow(by: extent[2])
        if o1 || o2 || ijk > Self.maximumVoxels {
            throw TutorError("\(path) declares \(extent[0])×\(extent[1])×\(extent[2]) voxels, more than tutor reads (2^31).")
        }
        size = GridSize(extent[0], extent[1], extent[2])

        guard let t = VoxelType(rawValue: typeCode) else {
            let known = VoxelType.unsupportedName(code: typeCode).map { "\($0) voxels" } ?? "an unknown datatype (code \(typeCode))"
            throw TutorError("\(path) stores \(known); tutor reads integer and float CT or mask volumes only.")
        }
        type = t

        let headerSize = version == 1 ? Self.nifti1Size : Self.nifti2Size
        guard offset.isFinite, offset >= Double(headerSize), offset < Double(1 << 40) else {
            throw TutorError("\(path) has an invalid voxel offset (vox_offset = \(offset)).")
        }
        voxOffset = Int(offset)

        // Without an sform the spacing comes from pixdim; libnifti would quietly turn 0 or NaN into 1.
        let sformCode = v1 ? Int(f.int16(254)) : Int(f.int32(348))
        if sformCode <= 0 {
            for a in 1...3 {
                let p = v1 ? Double(f.float32(76 + 4 * a)) : f.float64(104 + 8 * a)
                guard p.isFinite, Affine.spacingRange.contains(abs(p)) else {
                    throw TutorError("\(path) has an unusable voxel spacing of \(p) mm along axis \(a) (pixdim[\(a)]; expected 0.001 to 1000 mm).")
                }
            }
        }
        scaled = slope.isFinite && slope != 0
        if !intercept.isFinite { intercept = 0 }
    }

    private static func checkMagic(_ magic: String, version: Int, path: String) throws {
        if magic == "n+\(version)" { return }
        if magic == "ni\(version)" {
            throw TutorError("\(path) is the header of a .hdr/.img pair; tutor reads single-file NIfTI (.nii or .nii.gz).")
        }
        throw TutorError("\(path) lacks the NIfTI magic string (an Analyze 7.5 file or a damaged header).")
    }
}

/// Reads little- or big-endian numbers from a header at byte offsets.
private struct Fields {
    let bytes: [UInt8]
    let swapped: Bool
    func load<T: FixedWidthInteger>(_ at: Int, _: T.Type) -> T {
        let v = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: at, as: T.self) }
        return swapped ? v.byteSwapped : v
    }
    func int16(_ at: Int) -> Int16 { load(at, Int16.self) }
    func int32(_ at: Int) -> Int32 { load(at, Int32.self) }
    func int64(_ at: Int) -> Int64 { load(at, Int64.self) }
    func float32(_ at: Int) -> Float { Float(bitPattern: load(at, UInt32.self)) }
    func float64(_ at: Int) -> Double { Double(bitPattern: load(at, UInt64.self)) }
    func text(_ at: Int, _ count: Int) -> String { String(decoding: bytes[at..<(at + count)], as: UTF8.self) }
}
