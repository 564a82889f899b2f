import TestSupport
import XCTest
@testable import Volumes

/// Every malformed file gives one TutorError naming it; nothing crashes or allocates absurdly.
final class BadInputTests: XCTestCase {
    let goodDim: [Int16] = [3, 4, 3, 2, 1, 1, 1, 1]
    let goodPixdim: [Float] = [1, 0.5, 0.5, 2, 1, 0, 0, 0]
    var goodData: [UInt8] { [UInt8](repeating: 7, count: 4 * 3 * 2 * 2) }

    private func expect(_ bytes: [UInt8], named name: String, _ phrase: String, line: UInt = #line) throws {
        let path = try temporaryFolder(self).path + "/" + name
        try writeBytes(bytes, path)
        let message = assertTutorError(path, line: line) { _ = try VolumeIO.read(path) }
        XCTAssertTrue(message.contains(phrase), "\"\(message)\" lacks \"\(phrase)\"", line: line)
    }

    private func header(dim: [Int16]? = nil, datatype: Int16 = 4, pixdim: [Float]? = nil, data: [UInt8]? = nil) -> [UInt8] {
        craftNIfTI1(dim: dim ?? goodDim, datatype: datatype, bitpix: 16, pixdim: pixdim ?? goodPixdim, data: data ?? goodData)
    }

    func testTheCraftedFileIsValid() throws {
        let path = try temporaryFolder(self).path + "/ok.nii"
        try writeBytes(header(), path)
        let v = try NIfTI.read(path)
        XCTAssertEqual(v.size, GridSize(4, 3, 2))
        XCTAssertEqual(v.voxels.first, Float(0x0707))
    }

    func testMissingFolderEmptyGarbage() throws {
        let dir = try temporaryFolder(self).path
        assertTutorError("\(dir)/absent.nii.gz") { _ = try VolumeIO.read("\(dir)/absent.nii.gz") }
        assertTutorError(dir) { _ = try NIfTI.read(dir) }
        try expect([], named: "empty.nii", "empty")
        try expect(Array("this is not a volume at all, just some words that go on for a while".utf8)
                   + [UInt8](repeating: 65, count: 400), named: "garbage.nii", "not a NIfTI file")
        try expect([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], named: "garbage.nii.gz", "gzip")
        try expect(Array("hello".utf8), named: "x.mha", "unknown extension")
    }

    func testTruncatedPlainAndCompressed() throws {
        let full = header()
        try expect(Array(full[0..<(full.count - 5)]), named: "short.nii", "truncated")
        try expect(Array(full[0..<200]), named: "half-header.nii", "too short")
        let big = header(dim: [3, 40, 40, 20, 1, 1, 1, 1], data: (0..<64000).map { UInt8(truncatingIfNeeded: $0 * 7919 >> 3) })
        let gz = Gzip.compress(big.withUnsafeBytes { $0 }, level: 6)[0]
        try expect(Array(gz[0..<(gz.count - 20)]), named: "short.nii.gz", "truncated")
    }

    func testZeroNegativeAndHugeDimensions() throws {
        try expect(header(dim: [3, 4, 0, 2, 1, 1, 1, 1]), named: "zero.nii", "dimension of size 0")
        try expect(header(dim: [3, 4, -3, 2, 1, 1, 1, 1]), named: "negative.nii", "dimension of size -3")
        try expect(header(dim: [0, 4, 3, 2, 1, 1, 1, 1]), named: "dim0.nii", "number of dimensions")
        try expect(header(dim: [3, 32767, 32767, 32767, 1, 1, 1, 1]), named: "huge.nii", "more than tutor reads")
        try expect(header(dim: [3, 2000, 2000, 500, 1, 1, 1, 1]), named: "big.nii", "truncated")
    }

    func testFourDimensionalFileWithSeveralVolumes() throws {
        try expect(header(dim: [4, 4, 3, 2, 5, 1, 1, 1]), named: "4d.nii", "holds 5 volumes")
        // A 4D header with a single volume is an ordinary 3D volume.
        let path = try temporaryFolder(self).path + "/4d1.nii"
        try writeBytes(header(dim: [4, 4, 3, 2, 1, 1, 1, 1]), path)
        XCTAssertEqual(try NIfTI.read(path).size, GridSize(4, 3, 2))
    }

    func testBadSpacing() throws {
        try expect(header(pixdim: [1, 0, 0.5, 2, 1, 0, 0, 0]), named: "zero-spacing.nii", "spacing")
        try expect(header(pixdim: [1, .nan, 0.5, 2, 1, 0, 0, 0]), named: "nan-spacing.nii", "nan mm")
        try expect(header(pixdim: [1, 0.5, 1e9, 2, 1, 0, 0, 0]), named: "absurd-spacing.nii", "spacing")
    }

    func testUnsupportedDatatypes() throws {
        try expect(header(datatype: 32), named: "complex.nii", "complex64")
        try expect(header(datatype: 128), named: "rgb.nii", "RGB24")
        try expect(header(datatype: 999), named: "unknown.nii", "unknown datatype")
    }

    func testHeaderImagePairAndAnalyze() throws {
        var pair = header(); pair[344] = UInt8(ascii: "n"); pair[345] = UInt8(ascii: "i")
        try expect(pair, named: "pair.nii", ".hdr/.img")
        var analyze = header(); analyze[344] = 0; analyze[345] = 0; analyze[346] = 0
        try expect(analyze, named: "analyze.nii", "magic")
    }

    func testLibniftiPrintsNothing() throws {
        // libnifti's own diagnostics would land on stderr next to our sentence; they must be off.
        let path = try temporaryFolder(self).path + "/bad.nii"
        try writeBytes(header(datatype: 32), path)
        let saved = dup(2); let sink = open("/dev/null", O_WRONLY)
        let pipe = Pipe(); dup2(pipe.fileHandleForWriting.fileDescriptor, 2)
        _ = try? NIfTI.read(path)
        dup2(saved, 2); close(saved); close(sink)
        try pipe.fileHandleForWriting.close()
        XCTAssertEqual(pipe.fileHandleForReading.readDataToEndOfFile().count, 0)
    }
}
import Foundation
