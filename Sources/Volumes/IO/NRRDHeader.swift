/// The NRRD header fields that describe one 3D scalar volume, checked.
struct NRRDHeader {
    var size: GridSize
    var type: VoxelType
    var gzip: Bool
    var bigEndian: Bool
    var byteSkip: Int
    /// Voxel → world RAS+ mm.
    var affine: Affine

    init(_ fields: [String: String], path: String) throws {
        func field(_ name: String) throws -> String {
            guard let v = fields[name] else { throw TutorError("\(path) lacks the NRRD field \"\(name)\".") }
            return v
        }
        if let detached = fields["data file"] ?? fields["datafile"] {
            throw TutorError("\(path) keeps its voxels in another file (\(detached)); tutor reads NRRD with attached data.")
        }
        guard let t = Self.types[try field("type").lowercased()] else {
            throw TutorError("\(path) has an unsupported NRRD type \"\(fields["type"]!)\".")
        }
        type = t
        guard try field("dimension") == "3" else {
            throw TutorError("\(path) is a \(fields["dimension"]!)-dimensional NRRD; tutor reads 3D volumes.")
        }
        let sizes = try field("sizes").split(separator: " ").map { Int($0) ?? -1 }
        guard sizes.count == 3, sizes.allSatisfy({ $0 >= 1 }) else {
            throw TutorError("\(path) has invalid NRRD sizes \"\(fields["sizes"]!)\".")
        }
        guard sizes[0].multipliedReportingOverflow(by: sizes[1]).partialValue <= NIfTIHeader.maximumVoxels / max(1, sizes[2]) else {
            throw TutorError("\(path) declares \(sizes[0])×\(sizes[1])×\(sizes[2]) voxels, more than tutor reads (2^31).")
        }
        size = GridSize(sizes[0], sizes[1], sizes[2])
        switch try field("encoding").lowercased() {
        case "raw": gzip = false
        case "gzip", "gz": gzip = true
        case let other: throw TutorError("\(path) uses the NRRD encoding \"\(other)\"; tutor reads raw and gzip.")
        }
        let endian = fields["endian"]?.lowercased() ?? "little"
        guard endian == "little" || endian == "big" else { throw TutorError("\(path) has an unknown NRRD endian \"\(endian)\".") }
        bigEndian = endian == "big"
        byteSkip = Int(fields["byte skip"] ?? "0") ?? -1
        guard byteSkip >= 0 else { throw TutorError("\(path) has an unsupported NRRD byte skip \"\(fields["byte skip"]!)\".") }
        affine = try Self.affine(fields, path: path).checked(path)
    }

    /// Voxel → RAS+ from `space`, `space directions` and `space origin` (or `spacings` alone).
    private static func affine(_ fields: [String: String], path: String) throws -> Affine {
        guard let directions = fields["space directions"] else {
            let s = (fields["spacings"] ?? "1 1 1").split(separator: " ").compactMap { Double($0) }
            guard s.count == 3 else { throw TutorError("\(path) has invalid NRRD spacings \"\(fields["spacings"]!)\".") }
            return .scaling(SIMD3(s[0], s[1], s[2]))
        }
        let flip: SIMD3<Double>
        switch fields["space"]?.lowercased() ?? "left-posterior-superior" {
        case "left-posterior-superior", "lps", "scanner-xyz", "3d-right-handed": flip = SIMD3(-1, -1, 1)
        case "right-anterior-superior", "ras": flip = SIMD3(1, 1, 1)
        case "left-anterior-superior", "las": flip = SIMD3(-1, 1, 1)
        case let other: throw TutorError("\(path) uses the NRRD space \"\(other)\"; tutor reads LPS, RAS and LAS.")
        }
        let columns = try vectors(directions, path: path, what: "space directions")
        let origin = try fields["space origin"].map { try vectors($0, path: path, what: "space origin") } ?? [.zero]
        guard columns.count == 3, origin.count == 1 else {
            throw TutorError("\(path) has NRRD space directions or origin of the wrong shape.")
        }
        var rows = [Double](repeating: 0, count: 16)
        for r in 0..<3 {
            for c in 0..<3 { rows[r * 4 + c] = flip[r] * columns[c][r] }
            rows[r * 4 + 3] = flip[r] * origin[0][r]
        }
        rows[15] = 1
        return Affine(rows: rows)
    }

    /// Parses "(a,b,c) (d,e,f) …" into vectors.
    private static func vectors(_ text: String, path: String, what: String) throws -> [SIMD3<Double>] {
        try text.split(separator: " ").map { part in
            let numbers = part.trimmingCharacters(in: .init(charactersIn: "()")).split(separator: ",").map { Double($0) }
            guard numbers.count == 3, let x = numbers[0], let y = numbers[1], let z = numbers[2] else {
                throw TutorError("\(path) has an unreadable NRRD \(what) \"\(text)\".")
            }
            return SIMD3(x, y, z)
        }
    }

    /// NRRD type names (all the spellings the format allows) → voxel type.
    private static let types: [String: VoxelType] = {
        var t: [String: VoxelType] = [:]
        for n in ["signed char", "int8", "int8_t"] { t[n] = .int8 }
        for n in ["uchar", "unsigned char", "uint8", "uint8_t"] { t[n] = .uint8 }
        for n in ["short", "short int", "signed short", "signed short int", "int16", "int16_t"] { t[n] = .int16 }
        for n in ["ushort", "unsigned short", "unsigned short int", "uint16", "uint16_t"] { t[n] = .uint16 }
        for n in ["int", "signed int", "int32", "int32_t"] { t[n] = .int32 }
        for n in ["uint", "unsigned int", "uint32", "uint32_t"] { t[n] = .uint32 }
        for n in ["longlong", "long long", "long long int", "signed long long", "signed long long int", "int64", "int64_t"] { t[n] = .int64 }
        for n in ["ulonglong", "unsigned long long", "unsigned long long int", "uint64", "uint64_t"] { t[n] = .uint64 }
        t["float"] = .float32
        t["double"] = .float64
        return t
    }()
}

import Foundation
