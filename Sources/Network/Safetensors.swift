import Foundation
import Volumes

/// A named float32 array with its shape, as a safetensors file holds it.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }

    public init(zeros shape: [Int]) { self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *))) }
}

/// The contents of a safetensors file: tensors by name and the `__metadata__` strings.
/// Format: u64 little-endian header length, a JSON header {name: {dtype, shape, data_offsets}},
/// then the data; offsets count from the end of the header.
public struct SafetensorsFile: Sendable {
    public var tensors: [String: Tensor]
    public var metadata: [String: String]

    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and checks a whole file; refuses (one sentence naming the file) a truncated file, a
    /// malformed header, a dtype other than F32, a shape that disagrees with its byte range,
    /// and ranges that overlap or leave the data block.
    public init(contentsOf url: URL) throws {
        let name = url.path
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw TutorError("\(name): cannot read the file (\(error.localizedDescription)).")
        }
        guard data.count >= 8 else { throw TutorError("\(name) is not a safetensors file: it is shorter than its 8-byte header length.") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw TutorError("\(name) is truncated or not a safetensors file: its header claims \(headerLength) bytes but the file has \(data.count - 8) after the length.")
        }
        let start = 8 + Int(headerLength)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<start)) } catch {
            throw TutorError("\(name) has a safetensors header that is not valid JSON.")
        }
        guard let header = json as? [String: Any] else { throw TutorError("\(name) has a safetensors header that is not a JSON object.") }
        var metadata: [String: String] = [:]
        if let meta = header["__metadata__"] {
            guard let m = meta as? [String: Any], let strings = m as? [String: String] else {
                throw TutorError("\(name): __metadata__ must map names to strings.")
            }
            metadata = strings
        }
        let dataLength = data.count - start
        var ranges: [(String, Int, Int)] = []
        var tensors: [String: Tensor] = [:]
        for (key, value) in header where key != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shapeRaw = entry["shape"] as? [Any], let offsetsRaw = entry["data_offsets"] as? [Any],
                  offsetsRaw.count == 2 else {
                throw TutorError("\(name): the header entry of tensor '\(key)' lacks dtype, shape or data_offsets.")
            }
            guard dtype == "F32" else {
                throw TutorError("\(name): tensor '\(key)' is \(dtype); only F32 tensors are supported (convert the file to float32).")
            }
            let shape = shapeRaw.compactMap { ($0 as? NSNumber)?.intValue }
            let offsets = offsetsRaw.compactMap { ($0 as? NSNumber)?.intValue }
            guard shape.count == shapeRaw.count, shape.allSatisfy({ $0 >= 0 }), offsets.count == 2,
                  offsets[0] >= 0, offsets[1] >= offsets[0] else {
                throw TutorError("\(name): tensor '\(key)' has a malformed shape or data_offsets.")
            }
            let elements = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
            guard elements != Int.max, offsets[1] - offsets[0] == elements * 4 else {
                throw TutorError("\(name): tensor '\(key)' has shape \(shape) but \(offsets[1] - offsets[0]) bytes of data.")
            }
            guard offsets[1] <= dataLength else {
                throw TutorError("\(name) is truncated: tensor '\(key)' ends at byte \(offsets[1]) of a \(dataLength)-byte data block.")
            }
            ranges.append((key, offsets[0], offsets[1]))
            var values = [Float](repeating: 0, count: elements)
            values.withUnsafeMutableBytes { dst in
                data.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(start + offsets[0])..<(start + offsets[1])]))
                }
            }
            // The file is little-endian; so is every machine this runs on, but say so.
            if UInt32(littleEndian: 1) != 1 { values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) } }
            tensors[key] = Tensor(shape: shape, values: values)
        }
        ranges.sort { ($0.1, $0.2) < ($1.1, $1.2) }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.1 < a.2 {
            throw TutorError("\(name): tensors '\(a.0)' and '\(b.0)' overlap in the data block.")
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `key`, or an error naming the file and the missing tensor.
    public func tensor(_ key: String, in file: String) throws -> Tensor {
        guard let t = tensors[key] else { throw TutorError("\(file) has no tensor '\(key)'.") }
        return t
    }

    /// The file's bytes: header (keys sorted, padded with spaces to 8 bytes), then the data in
    /// the same order.
    public func encoded() -> Data {
        let names = tensors.keys.sorted()
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for n in names {
            let t = tensors[n]!
            let end = offset + t.values.count * 4
            entries.append("\(jsonString(n)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for n in names {
            tensors[n]!.values.withUnsafeBytes { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Writes the file atomically: a temporary file in the same folder, then a rename, so a
    /// reader never sees half a file and a failure leaves the old file in place.
    public func write(to url: URL) throws {
        try writeAtomically(encoded(), to: url)
    }
}

/// Writes `data` to a temporary file next to `url`, then renames it over `url`.
func writeAtomically(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent()
    let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    guard FileManager.default.createFile(atPath: temp.path, contents: data) else {
        throw TutorError("\(url.path): cannot write the file (is the folder there and writable?).")
    }
    if rename(temp.path, url.path) != 0 {
        let reason = String(cString: strerror(errno))
        unlink(temp.path)
        throw TutorError("\(url.path): cannot replace the file (\(reason)).")
    }
}

private func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
