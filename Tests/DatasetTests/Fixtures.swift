import Foundation
import XCTest
import Dataset
import Volumes

/// Small real files for the dataset tests: NIfTI volumes written with the Volumes API in a fresh
/// temporary folder per test, and a dataset made with the real store.
class DatasetTestCase: XCTestCase {
    var tmp = ""

    override func setUpWithError() throws {
        tmp = (NSTemporaryDirectory() as NSString).appendingPathComponent("tutor-dataset-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    func path(_ name: String) -> String { (tmp as NSString).appendingPathComponent(name) }

    /// A 12×10×6 CT-like image (HU ramp) at 1×1×2 mm, written as `name`.
    @discardableResult
    func writeImage(_ name: String, size: GridSize = GridSize(12, 10, 6)) throws -> Volume {
        var v = Volume(size: size, spacing: SIMD3(1, 1, 2), storedType: "int16")
        for n in 0..<v.voxels.count { v.voxels[n] = Float(n % 200) - 100 }
        try NIfTI.write(v, to: path(name))
        return v
    }

    /// A mask on the 12×10×6 grid with one box-shaped tumour spanning `slices`, written as `name`.
    @discardableResult
    func writeMask(_ name: String, size: GridSize = GridSize(12, 10, 6), slices: ClosedRange<Int> = 2...3,
                   spacing: SIMD3<Double> = SIMD3(1, 1, 2)) throws -> Volume {
        var m = Volume(size: size, spacing: spacing, storedType: "uint8")
        for k in slices { for j in 3...5 { for i in 4...7 { m[i, j, k] = 1 } } }
        try NIfTI.write(m, to: path(name))
        return m
    }

    /// A new dataset in `tmp/ds`.
    func makeStore() throws -> DatasetStore { try DatasetStore.create(at: path("ds"), name: "test") }

    /// Every file under a folder (relative paths), for "nothing was written" checks.
    func listing(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }

    /// Asserts that `body` throws a TutorError whose message contains `fragment`.
    func assertRefused(_ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected an error containing \"\(fragment)\"", file: file, line: line)
        } catch let error as TutorError {
            XCTAssertTrue(error.message.contains(fragment), "\"\(error.message)\" lacks \"\(fragment)\"", file: file, line: line)
        } catch {
            XCTFail("expected a TutorError, got \(error)", file: file, line: line)
        }
    }
}
