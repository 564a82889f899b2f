import TestSupport
import XCTest
@testable import Volumes

final class NRRDTests: XCTestCase {
    private func nrrd(type: String, encoding: String, endian: String = "little", data: [UInt8],
                      space: String = "left-posterior-superior") -> [UInt8] {
        let header = """
        NRRD0004
        # Complete NRRD file format specification at:
        # http://teem.sourceforge.net/nrrd/format.html
        type: \(type)
        dimension: 3
        space: \(space)
        sizes: 3 2 2
        space directions: (0.5,0,0) (0,0.75,0) (0,0,2.5)
        kinds: domain domain domain
        endian: \(endian)
        encoding: \(encoding)
        space origin: (-10,20.5,-30)


        """
        return Array(header.utf8) + data
    }

    let values: [Int16] = [-1024, 0, 1, 2, 3, 100, 200, 300, 400, 500, 1000, 3071]

    func testRawAndGzipShortLPSBecomeRAS() throws {
        let dir = try temporaryFolder(self).path
        let data = values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let gz = Gzip.compress(data.withUnsafeBytes { $0 }, level: 6).flatMap { $0 }
        for (name, encoding, payload) in [("raw", "raw", data), ("gz", "gzip", gz)] {
            let path = "\(dir)/\(name).nrrd"
            try writeBytes(nrrd(type: "short", encoding: encoding, data: payload), path)
            let v = try VolumeIO.read(path)
            XCTAssertEqual(v.voxels, values.map(Float.init))
            XCTAssertEqual(v.size, GridSize(3, 2, 2))
            XCTAssertEqual(v.storedType, "int16")
            // LPS (x, y) = (-10, 20.5) is RAS (10, -20.5); directions flip the same way.
            XCTAssertEqual(v.affine, Affine(rows: [-0.5, 0, 0, 10, 0, -0.75, 0, -20.5, 0, 0, 2.5, -30, 0, 0, 0, 1]))
            XCTAssertEqual(v.affine.axisCodes, "LPS")
        }
    }

    func testBigEndianFloatAndRASSpace() throws {
        let dir = try temporaryFolder(self).path
        let floats: [Float] = (0..<12).map { Float($0) * 0.5 - 2 }
        let data = floats.flatMap { v in withUnsafeBytes(of: v.bitPattern.bigEndian) { Array($0) } }
        try writeBytes(nrrd(type: "float", encoding: "raw", endian: "big", data: data, space: "right-anterior-superior"), "\(dir)/f.nrrd")
        let v = try NRRD.read("\(dir)/f.nrrd")
        XCTAssertEqual(v.voxels, floats)
        XCTAssertEqual(v.affine[0, 3], -10)
        XCTAssertEqual(v.affine.axisCodes, "RAS")
    }

    func testOtherTypes() throws {
        let dir = try temporaryFolder(self).path
        for (type, size) in [("uchar", 1), ("unsigned short", 2), ("int", 4), ("double", 8)] {
            let data: [UInt8] = (0..<12).flatMap { n -> [UInt8] in
                switch size {
                case 1: return [UInt8(n)]
                case 2: return withUnsafeBytes(of: UInt16(n * 1000).littleEndian) { Array($0) }
                case 4: return withUnsafeBytes(of: Int32(n - 6).littleEndian) { Array($0) }
                default: return withUnsafeBytes(of: (Double(n) / 4).bitPattern.littleEndian) { Array($0) }
                }
            }
            try writeBytes(nrrd(type: type, encoding: "raw", data: data), "\(dir)/t.nrrd")
            let v = try NRRD.read("\(dir)/t.nrrd")
            let expected: [Float] = (0..<12).map { n in
                switch size { case 1: return Float(n); case 2: return Float(n * 1000); case 4: return Float(n - 6); default: return Float(n) / 4 }
            }
            XCTAssertEqual(v.voxels, expected, type)
        }
    }

    func testBadNRRDs() throws {
        let dir = try temporaryFolder(self).path
        let data = [UInt8](repeating: 0, count: 24)
        let cases: [(String, [UInt8], String)] = [
            ("notnrrd.nrrd", Array("PNG and more bytes".utf8), "not a NRRD"),
            ("noend.nrrd", Array("NRRD0004\ntype: short\n".utf8), "no end"),
            ("short.nrrd", nrrd(type: "short", encoding: "raw", data: Array(data[0..<10])), "truncated"),
            ("type.nrrd", nrrd(type: "block", encoding: "raw", data: data), "unsupported NRRD type"),
            ("enc.nrrd", nrrd(type: "short", encoding: "bzip2", data: data), "encoding"),
            ("gz.nrrd", nrrd(type: "short", encoding: "gzip", data: data), "gzip"),
        ]
        for (name, bytes, phrase) in cases {
            try writeBytes(bytes, "\(dir)/\(name)")
            let m = assertTutorError("\(dir)/\(name)") { _ = try NRRD.read("\(dir)/\(name)") }
            XCTAssertTrue(m.contains(phrase), "\(m) lacks \(phrase)")
        }
        try writeBytes(Array("NRRD0004\n".utf8), "\(dir)/d.nhdr")
        assertTutorError("\(dir)/d.nhdr") { _ = try VolumeIO.read("\(dir)/d.nhdr") }
    }
}
import Foundation
