import Foundation
import XCTest
@testable import TutorCLI
import Volumes

final class CommandArgumentsTests: XCTestCase {
    func testChannelListsParseOrAreRefused() throws {
        XCTAssertEqual(try parseChannels("8, 16,32,64"), [8, 16, 32, 64])
        for bad in ["", "8,,16", "8,x", "8,0", "-4,8"] {
            XCTAssertThrowsError(try parseChannels(bad), bad) { XCTAssertTrue("\($0)".contains("comma list")) }
        }
    }

    func testCaseFoldersAreTheFolderItselfOrItsCaseSubfolders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tutor-cli-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        for name in ["b", "a", "notes"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        for name in ["a", "b"] { try Data().write(to: root.appendingPathComponent("\(name)/ct.nii.gz")) }
        XCTAssertEqual(try caseFolders(root.path).map(\.lastPathComponent), ["a", "b"])
        XCTAssertEqual(try caseFolders(root.appendingPathComponent("a").path).map(\.lastPathComponent), ["a"])
        XCTAssertThrowsError(try caseFolders(root.appendingPathComponent("notes").path))
    }
}
