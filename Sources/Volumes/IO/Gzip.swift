internal import CNIfTI
import Foundation

/// gzip through zlib: streaming inflate into caller-sized buffers, and parallel deflate
/// that writes one gzip member per chunk (a valid multi-member .gz that zlib, nibabel,
/// ITK-SNAP and 3D Slicer all read as one stream).
enum Gzip {
    /// True when `bytes` starts with the gzip magic number.
    static func isCompressed(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b }

    /// The most bytes that `compressedCount` bytes of deflate data can possibly expand to
    /// (deflate's ratio is bounded near 1032:1); used to refuse absurd sizes before allocating.
    static func maximumExpansion(of compressedCount: Int) -> Int { compressedCount.multipliedReportingOverflow(by: 1032).partialValue + 1024 }

    /// Compresses `data` at zlib `level` as independent gzip members of `chunk` bytes, on all cores.
    /// `huffmanOnly` skips the search for repeated strings: float voxels hold almost none, so it
    /// compresses them as well at about 2.5 times the speed (integer CT and masks want the search).
    static func compress(_ data: UnsafeRawBufferPointer, level: Int32 = 1, huffmanOnly: Bool = false,
                         chunk: Int = 4 << 20) -> [[UInt8]] {
        let count = max(1, (data.count + chunk - 1) / chunk)
        var members = [[UInt8]](repeating: [], count: count)
        members.withUnsafeMutableBufferPointer { out in
            let out = out
            DispatchQueue.concurrentPerform(iterations: count) { n in
                let start = n * chunk, end = min(data.count, start + chunk)
                out[n] = member(UnsafeRawBufferPointer(rebasing: data[start..<end]), level: level,
                                strategy: huffmanOnly ? Z_HUFFMAN_ONLY : Z_DEFAULT_STRATEGY)
            }
        }
        return members
    }

    private static func member(_ data: UnsafeRawBufferPointer, level: Int32, strategy: Int32) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, strategy,
                      zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(data.count))) + 64
        var out = [UInt8](repeating: 0, count: bound)
        out.withUnsafeMutableBytes { dst in
            stream.next_in = UnsafeMutablePointer(mutating: data.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(data.count)
            stream.next_out = dst.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(bound)
            let rc = deflate(&stream, Z_FINISH)
            precondition(rc == Z_STREAM_END, "deflateBound was too small")
        }
        out.removeLast(bound - Int(stream.total_out))
        return out
    }
}

/// Inflates a gzip file (one or several members) a piece at a time, so a reader can look at
/// the header before it decides how much to allocate for the rest.
final class GzipReader {
    private var stream = z_stream()
    private let input: [UInt8]
    private let path: String
    private var offset = 0          // bytes of `input` consumed so far
    private var finished = false

    init(_ input: [UInt8], path: String) throws {
        self.input = input
        self.path = path
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TutorError("cannot decompress \(path): zlib failed to start.")
        }
    }
    deinit { inflateEnd(&stream) }

    /// Fills `buffer` as far as the data goes; returns the bytes written (fewer only at the end of the data).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count && !finished {
            let rc: Int32 = input.withUnsafeBytes { src in
                stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress!.advanced(by: offset)
                    .assumingMemoryBound(to: Bytef.self))
                let available = src.count - offset
                stream.avail_in = uInt(min(available, Int(UInt32.max)))
                stream.next_out = buffer.baseAddress!.advanced(by: written).assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(min(buffer.count - written, Int(UInt32.max)))
                let before = (stream.avail_in, stream.avail_out)
                let rc = inflate(&stream, Z_NO_FLUSH)
                offset += Int(before.0 - stream.avail_in)
                written += Int(before.1 - stream.avail_out)
                return rc
            }
            switch rc {
            case Z_OK:
                if offset == input.count && stream.avail_out > 0 { finished = true }   // truncated stream
            case Z_STREAM_END:
                // Another member follows when the next bytes carry the gzip magic number.
                if offset + 1 < input.count && input[offset] == 0x1f && input[offset + 1] == 0x8b {
                    inflateReset(&stream)
                } else {
                    finished = true
                }
            case Z_BUF_ERROR:
                finished = true   // no progress possible: the input ended mid-stream
            default:
                throw TutorError("\(path) is not a valid gzip file (its compressed data is corrupt).")
            }
        }
        return written
    }
}
