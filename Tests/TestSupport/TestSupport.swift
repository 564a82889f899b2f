import Foundation
import XCTest

// Helpers every test target needs, kept in one place.

/// A new empty folder under the system's temporary directory, removed when `test` ends.
public func temporaryFolder(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tutor-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// `shared/data/real/<name>` beside an ancestor of the calling test file, or a skip when there
/// is none (a clone without the shared material).
public func sharedRealData(_ name: String, file: String = #filePath) throws -> String {
    var url = URL(fileURLWithPath: file).deletingLastPathComponent()
    while url.path != "/" {
        let candidate = url.deletingLastPathComponent().appendingPathComponent("shared/data/real/\(name)").path
        if FileManager.default.fileExists(atPath: candidate) { return candidate }
        url = url.deletingLastPathComponent()
    }
    throw XCTSkip("shared/data/real/\(name) is absent")
}

/// DSC of two masks given as values (> 0.5 is inside); 1 when both are empty.
public func dice(_ a: [Float], _ b: [Float]) -> Double {
    var both = 0, na = 0, nb = 0
    for (x, y) in zip(a, b) {
        let p = x > 0.5, q = y > 0.5
        if p { na += 1 }; if q { nb += 1 }; if p && q { both += 1 }
    }
    return na + nb == 0 ? 1 : 2 * Double(both) / Double(na + nb)
}
