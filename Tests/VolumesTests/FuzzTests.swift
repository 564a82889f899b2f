import TestSupport
import XCTest
@testable import Volumes

/// Random header mutations of a valid NIfTI: each variant reads or throws TutorError, never crashes,
/// and never allocates beyond what the file could hold.
final class FuzzTests: XCTestCase {
    /// A deterministic generator (SplitMix64) so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    func testMutatedHeadersReadOrThrow() throws {
        let dir = try temporaryFolder(self).path
        var v = linearVolume(GridSize(6, 5, 4))
        v.voxels = v.voxels.map { $0 * 10 }
        var random = SplitMix(state: 20211221)
        var read = 0, refused = 0
        for variant in 0..<3000 {
            let compressed = variant % 3 == 0
            let format: NIfTI.Format = variant % 2 == 0 ? .nifti1 : .nifti2
            let base = "\(dir)/base-\(format).nii"
            if !FileManager.default.fileExists(atPath: base) { try NIfTI.write(v, to: base, datatype: .int16, format: format) }
            var bytes = try FileBytes.read(base)
            let headerSize = format == .nifti1 ? 348 : 540
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let at = Int.random(in: 0..<headerSize, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &random)
                case 2: bytes[at] = 0xff
                default: bytes[at] = 0
                }
            }
            if Int.random(in: 0..<8, using: &random) == 0 { bytes.removeLast(Int.random(in: 1...bytes.count - 1, using: &random)) }
            let path = "\(dir)/m\(variant).nii" + (compressed ? ".gz" : "")
            let file = compressed ? Gzip.compress(bytes.withUnsafeBytes { $0 }).flatMap { $0 } : bytes
            do {
                let got = try NIfTI.read(bytes: file, path: path)   // the reader behind NIfTI.read(path), minus the disk
                XCTAssertLessThanOrEqual(got.size.count * 4, Gzip.maximumExpansion(of: file.count) * 4)
                XCTAssertLessThanOrEqual(got.size.count, bytes.count, "read more voxels than bytes")
                read += 1
            } catch let e as TutorError {
                XCTAssertTrue(e.message.contains(path), e.message)
                refused += 1
            }
        }
        XCTAssertGreaterThan(read, 100, "most single-byte changes in unused fields still read")
        XCTAssertGreaterThan(refused, 100)
    }
}
import Foundation
