/// NRRD files with attached data (`.nrrd`), as 3D Slicer writes them: encodings raw and gzip,
/// `space directions` / `space origin` in LPS, RAS or LAS space, integer and float types, either endian.
public enum NRRD {
    /// Reads the 3D volume at `path`. The world coordinates of the file's space are converted to
    /// the NIfTI RAS+ convention (LPS: x and y change sign), so the affine matches a NIfTI of the same scan.
    public static func read(_ path: String) throws -> Volume {
        let bytes = try FileBytes.read(path)
        let (fields, dataStart) = try headerFields(bytes, path: path)
        let header = try NRRDHeader(fields, path: path)
        let payload = Array(bytes[dataStart...])
        let needed = header.byteSkip + header.size.count * header.type.size
        var data: [UInt8]
        if header.gzip {
            guard needed <= Gzip.maximumExpansion(of: payload.count) else {
                throw TutorError("\(path) declares \(needed) bytes of voxels, more than its \(payload.count) compressed bytes can hold.")
            }
            data = [UInt8](repeating: 0, count: needed)
            let got = try data.withUnsafeMutableBytes { try GzipReader(payload, path: path).read(into: $0) }
            guard got == needed else { throw TutorError("\(path) is truncated: it needs \(needed) bytes of voxels once decompressed but holds \(got).") }
        } else {
            data = payload
            guard needed <= data.count else { throw TutorError("\(path) is truncated: it needs \(needed) bytes of voxels but holds \(data.count).") }
        }
        let start = header.byteSkip
        let voxels = data.withUnsafeBytes {
            RawVoxels.decode($0.baseAddress! + start, count: header.size.count, type: header.type,
                             byteSwapped: header.bigEndian != (UInt16(1).bigEndian == 1))
        }
        return Volume(size: header.size, spacing: header.affine.columnNorms, affine: header.affine,
                      voxels: voxels, storedType: header.type.name)
    }

    /// The header's `field: value` lines (keys lower-cased) and the offset where the data begins.
    static func headerFields(_ bytes: [UInt8], path: String) throws -> ([String: String], Int) {
        guard bytes.count >= 8, String(decoding: bytes[0..<4], as: UTF8.self) == "NRRD" else {
            throw TutorError("\(path) is not a NRRD file (it does not start with \"NRRD\").")
        }
        var fields: [String: String] = [:]
        var lineStart = 0
        for n in 0..<min(bytes.count, 1 << 20) where bytes[n] == 0x0a {
            let line = String(decoding: bytes[lineStart..<n], as: UTF8.self).trimmingCharacters(in: .init(charactersIn: "\r"))
            lineStart = n + 1
            if line.isEmpty { return (fields, lineStart) }
            if line.hasPrefix("#") || line.hasPrefix("NRRD") || line.contains(":=") { continue }
            guard let colon = line.range(of: ": ") else {
                throw TutorError("\(path) has a malformed NRRD header line: \"\(line.prefix(60))\".")
            }
            fields[line[..<colon.lowerBound].lowercased()] = String(line[colon.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        throw TutorError("\(path) has no end to its NRRD header (no blank line before the data).")
    }
}

import Foundation
