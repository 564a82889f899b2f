import TestSupport
import XCTest
@testable import Volumes

final class NIfTIRoundTripTests: XCTestCase {
    /// Values every integer type can hold, and their exact Float.
    let values: [Float] = [0, 1, 2, 7, 100, 127, 3, 9, 42, 5, 0, 1]

    func testEveryDatatypeRoundTripsThroughNiiAndNiiGz() throws {
        let dir = try temporaryFolder(self).path
        var v = Volume(size: GridSize(3, 2, 2), spacing: SIMD3(0.5, 0.75, 2))
        v.voxels = values
        for type in VoxelType.allCases {
            for ext in [".nii", ".nii.gz"] {
                let path = "\(dir)/v-\(type.name)\(ext)"
                try NIfTI.write(v, to: path, datatype: type)
                let back = try NIfTI.read(path)
                XCTAssertEqual(back.voxels, values, "\(type.name)\(ext)")
                XCTAssertEqual(back.storedType, type.name)
                XCTAssertEqual(back.size, v.size)
                XCTAssertEqual(back.affine, v.affine)
            }
        }
    }

    func testSignedAndFractionalValuesSurviveTheirTypes() throws {
        let dir = try temporaryFolder(self).path
        var v = Volume(size: GridSize(2, 2, 1), spacing: SIMD3(1, 1, 1))
        v.voxels = [-1024, 3071, -0.25, 1e-3]
        try NIfTI.write(v, to: "\(dir)/f.nii.gz", datatype: .float32)
        XCTAssertEqual(try NIfTI.read("\(dir)/f.nii.gz").voxels, v.voxels)
        try NIfTI.write(v, to: "\(dir)/d.nii", datatype: .float64)
        XCTAssertEqual(try NIfTI.read("\(dir)/d.nii").voxels, v.voxels)
        try NIfTI.write(v, to: "\(dir)/s.nii.gz", datatype: .int16)
        XCTAssertEqual(try NIfTI.read("\(dir)/s.nii.gz").voxels, [-1024, 3071, 0, 0])
        try NIfTI.write(v, to: "\(dir)/u.nii.gz", datatype: .uint8)   // clamps negatives and 3071
        XCTAssertEqual(try NIfTI.read("\(dir)/u.nii.gz").voxels, [0, 255, 0, 0])
    }

    func testObliqueAffineIsKeptExactlyInSformAndQform() throws {
        let dir = try temporaryFolder(self).path
        // A rotation by 90° about z with spacing (0.5, 0.75, 2) and a float32-exact origin.
        let affine = Affine(rows: [0, -0.75, 0, 12.5, 0.5, 0, 0, -7.25, 0, 0, 2, 100.125, 0, 0, 0, 1])
        let v = Volume(size: GridSize(4, 3, 2), spacing: SIMD3(0.5, 0.75, 2), affine: affine)
        for format in [NIfTI.Format.nifti1, .nifti2] {
            let path = "\(dir)/a-\(format).nii.gz"
            try NIfTI.write(v, to: path, format: format)
            let back = try NIfTI.read(path)
            XCTAssertEqual(back.affine, affine)
            XCTAssertEqual(back.spacing, SIMD3(0.5, 0.75, 2))
            // The qform alone (sform_code set to 0) must give the same matrix.
            var bytes = try FileBytes.read(path)
            var inflated = [UInt8](repeating: 0, count: 1 << 12)
            let n = try inflated.withUnsafeMutableBytes { try GzipReader(bytes, path: path).read(into: $0) }
            bytes = Array(inflated[0..<n])
            let sformAt = format == .nifti1 ? 254 : 348
            bytes[sformAt] = 0; bytes[sformAt + 1] = 0
            try writeBytes(bytes, "\(dir)/q.nii")
            let q = try NIfTI.read("\(dir)/q.nii").affine
            for (x, y) in zip(q.m, affine.m) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        }
    }

    func testNIfTI2KeepsDoublePrecisionAffine() throws {
        let dir = try temporaryFolder(self).path
        let spacing = SIMD3(0.5703125, 0.5703125, 5.0)
        let affine = Affine(rows: [-spacing.x, 0, 0, 146.123456789, 0, -spacing.y, 0, 325.1, 0, 0, 5, -777.5, 0, 0, 0, 1])
        var v = Volume(size: GridSize(3, 3, 3), spacing: spacing, affine: affine)
        v.voxels = (0..<27).map { Float($0) * 0.5 }
        try NIfTI.write(v, to: "\(dir)/n2.nii", datatype: .float32, format: .nifti2)
        let bytes = try FileBytes.read("\(dir)/n2.nii")
        XCTAssertEqual(bytes.withUnsafeBytes { $0.load(as: Int32.self) }, 540)
        let back = try NIfTI.read("\(dir)/n2.nii")
        XCTAssertEqual(back.affine, affine)
        XCTAssertEqual(back.voxels, v.voxels)
    }

    func testSclSlopeAndInterceptAreApplied() throws {
        let dir = try temporaryFolder(self).path
        let raw: [Int16] = [0, 1, 2, -3]
        let data = raw.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let file = craftNIfTI1(dim: [3, 2, 2, 1, 1, 1, 1, 1], datatype: 4, bitpix: 16, pixdim: [1, 1, 1, 1, 0, 0, 0, 0],
                               data: data, slope: 2.5, intercept: -1024)
        try writeBytes(file, "\(dir)/s.nii")
        XCTAssertEqual(try NIfTI.read("\(dir)/s.nii").voxels, [-1024, -1021.5, -1019, -1031.5])
        let identity = craftNIfTI1(dim: [3, 2, 2, 1, 1, 1, 1, 1], datatype: 4, bitpix: 16, pixdim: [1, 1, 1, 1, 0, 0, 0, 0],
                                   data: data, slope: 0, intercept: 50)
        try writeBytes(identity, "\(dir)/i.nii")
        XCTAssertEqual(try NIfTI.read("\(dir)/i.nii").voxels, [0, 1, 2, -3], "slope 0 means no scaling")
    }

    func testBigEndianFileIsSwapped() throws {
        let dir = try temporaryFolder(self).path
        let raw: [Float] = [1.5, -2, 1000, 0.125]
        let data = raw.flatMap { v in withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        let file = craftNIfTI1(dim: [3, 2, 1, 2, 1, 1, 1, 1], datatype: 16, bitpix: 32,
                               pixdim: [1, 0.5, 0.25, 3, 0, 0, 0, 0], data: data, bigEndian: true)
        try writeBytes(file, "\(dir)/be.nii")
        let v = try NIfTI.read("\(dir)/be.nii")
        XCTAssertEqual(v.voxels, raw)
        XCTAssertEqual(v.size, GridSize(2, 1, 2))
        XCTAssertEqual(v.spacing, SIMD3(0.5, 0.25, 3))
    }

    /// Compressed voxels are inflated and decoded a 4 MB slab at a time: values that straddle a
    /// slab's end, voxels that begin far past the header's read-ahead, and a file cut short in
    /// the middle of a slab.
    func testCompressedVoxelsAreDecodedSlabBySlab() throws {
        let dir = try temporaryFolder(self).path
        let count = 96 * 96 * 80   // 5.9 MB of float64: a slab and a half
        let values = (0..<count).map { Double($0 % 10007) * 0.25 - 1024 }
        let data = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        for offset in [352, 355, 5000] {   // 355: every 8-byte value straddles each slab's end
            let file = craftNIfTI1(dim: [3, 96, 96, 80, 1, 1, 1, 1], datatype: 64, bitpix: 64,
                                   pixdim: [1, 1, 1, 1, 0, 0, 0, 0], data: data, voxOffset: offset)
            let gz = file.withUnsafeBytes { Gzip.compress($0).flatMap { $0 } }
            try writeBytes(gz, "\(dir)/d\(offset).nii.gz")
            XCTAssertEqual(try NIfTI.read("\(dir)/d\(offset).nii.gz").voxels, values.map { Float($0) }, "voxels at \(offset)")
            let short = Array(file.dropLast(data.count / 3)).withUnsafeBytes { Gzip.compress($0).flatMap { $0 } }
            try writeBytes(short, "\(dir)/s\(offset).nii.gz")
            XCTAssertThrowsError(try NIfTI.read("\(dir)/s\(offset).nii.gz")) { error in
                XCTAssertTrue("\(error)".contains("is truncated"), "\(error)")
            }
        }
    }

    /// A byte-per-voxel mask is written as uint8 straight from its bytes, on its grid, and reads
    /// back as the same mask.
    func testBinaryMaskWritesAsUint8() throws {
        let dir = try temporaryFolder(self).path
        let affine = Affine(rows: [0, -0.75, 0, 10, 0.5, 0, 0, -20, 0, 0, 2.5, 30, 0, 0, 0, 1])   // exact in float32
        let image = Volume(size: GridSize(7, 5, 3), spacing: affine.columnNorms, affine: affine,
                           voxels: (0..<105).map { $0 % 3 == 0 ? 1 : 0 })
        let mask = BinaryMask(image)
        XCTAssertEqual(mask.count, 35)
        try NIfTI.write(mask, to: "\(dir)/m.nii.gz")
        let back = try NIfTI.read("\(dir)/m.nii.gz")
        XCTAssertEqual(back.storedType, "uint8")
        XCTAssertEqual(back.affine, image.affine)
        XCTAssertEqual(BinaryMask(back), mask)
        XCTAssertEqual(mask.volume.voxels, back.voxels)
    }

    func testMultiMemberGzipIsReadWhole() throws {
        let dir = try temporaryFolder(self).path
        var v = Volume(size: GridSize(200, 100, 60), spacing: SIMD3(1, 1, 1))
        for n in v.voxels.indices { v.voxels[n] = Float(n % 4093) }
        try NIfTI.write(v, to: "\(dir)/big.nii.gz", datatype: .float32)   // 4.8 MB: two gzip members
        XCTAssertEqual(try NIfTI.read("\(dir)/big.nii.gz").voxels, v.voxels)
    }

    func testNibabelReadsWhatTutorWrites() throws {
        let dir = try temporaryFolder(self).path
        let v = linearVolume()
        try NIfTI.write(v, to: "\(dir)/l.nii.gz", datatype: .float32)
        let script = """
        import sys, nibabel as nib, numpy as np
        im = nib.load(sys.argv[1]); d = np.asarray(im.dataobj)
        print(*im.shape, float(d[2, 3, 4]), float(d.sum()), *np.round(im.affine[:3].ravel(), 6), ''.join(nib.aff2axcodes(im.affine)))
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, "\(dir)/l.nii.gz"]
        let out = Pipe(); p.standardOutput = out; p.standardError = Pipe()
        do { try p.run() } catch { throw XCTSkip("python3 is absent") }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("nibabel is absent") }
        let fields = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")
        XCTAssertEqual(fields[0..<3].map(String.init), ["9", "7", "5"])
        XCTAssertEqual(Double(fields[3]), Double(v[2, 3, 4]))
        XCTAssertEqual(Double(fields[4]), v.voxels.reduce(0) { $0 + Double($1) })
        let affine = fields[5..<17].map { Double($0)! }
        XCTAssertEqual(affine, Array(v.affine.m[0..<12]))
        XCTAssertEqual(fields[17].trimmingCharacters(in: .whitespacesAndNewlines), v.affine.axisCodes)
        XCTAssertEqual(v.affine.axisCodes, "LPS")
    }
}
import Foundation
