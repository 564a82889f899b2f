import Foundation
import XCTest
import TestSupport
@testable import Volumes

/// Asserts that `body` throws a TutorError whose message names `path`; returns the message.
@discardableResult
func assertTutorError(_ path: String, file: StaticString = #filePath, line: UInt = #line,
                      _ body: () throws -> Void) -> String {
    do {
        try body()
        XCTFail("expected a TutorError for \(path)", file: file, line: line)
    } catch let e as TutorError {
        XCTAssertTrue(e.message.contains(path), "message does not name the file: \(e.message)", file: file, line: line)
        return e.message
    } catch {
        XCTFail("expected a TutorError, got \(error)", file: file, line: line)
    }
    return ""
}

/// A small volume whose value is a known linear function of position, with an oblique-free LPS affine.
func linearVolume(_ size: GridSize = GridSize(9, 7, 5), spacing: SIMD3<Double> = SIMD3(0.75, 0.5, 2.5)) -> Volume {
    var v = Volume(size: size, spacing: spacing,
                   affine: Affine(rows: [-spacing.x, 0, 0, 10.5, 0, -spacing.y, 0, -20.25, 0, 0, spacing.z, 30, 0, 0, 0, 1]))
    for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i { v[i, j, k] = Float(3 * i - 2 * j + 5 * k + 1) } } }
    return v
}

/// A minimal single-file NIfTI-1 written byte by byte (independent of tutor's writer):
/// qform_code = sform_code = 0, so the affine is the pixdim scaling.
func craftNIfTI1(dim: [Int16], datatype: Int16, bitpix: Int16, pixdim: [Float], data: [UInt8],
                 slope: Float = 0, intercept: Float = 0, bigEndian: Bool = false, voxOffset: Int = 352) -> [UInt8] {
    var h = [UInt8](repeating: 0, count: voxOffset)   // bytes 348… are zero: no extensions, padding
    func put<T: FixedWidthInteger>(_ v: T, _ at: Int) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { for (n, b) in $0.enumerated() { h[at + n] = b } }
    }
    func putF(_ v: Float, _ at: Int) { put(v.bitPattern, at) }
    put(Int32(348), 0)
    for (n, d) in dim.enumerated() { put(d, 40 + 2 * n) }
    put(datatype, 70); put(bitpix, 72)
    for (n, p) in pixdim.enumerated() { putF(p, 76 + 4 * n) }
    putF(Float(voxOffset), 108); putF(slope, 112); putF(intercept, 116)
    for (n, c) in "n+1\0".utf8.enumerated() { h[344 + n] = c }
    return h + data
}

func writeBytes(_ bytes: [UInt8], _ path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
