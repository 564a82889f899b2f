import Foundation
import XCTest

/// The folder of the real case `name` (e.g. "lung1") in the `shared/data/real/` folder beside the
/// package (or beside any folder above it); the test is skipped when it is absent.
func realCase(_ name: String, file: StaticString = #filePath) throws -> String {
    var dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.deletingLastPathComponent().appendingPathComponent("shared/data/real/\(name)")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("ct.nii.gz").path) { return candidate.path }
        dir = dir.deletingLastPathComponent()
    }
    throw XCTSkip("shared/data/real/\(name) is not here")
}
