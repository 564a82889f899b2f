import Foundation
import TestSupport
import XCTest
@testable import TutorCLI
import Student
import Volumes

final class CommandArgumentsTests: XCTestCase {
    func testChannelListsParseOrAreRefused() throws {
        XCTAssertEqual(try parseChannels("8, 16,32,64"), [8, 16, 32, 64])
        for bad in ["", "8,,16", "8,x", "8,0", "-4,8"] {
            XCTAssertThrowsError(try parseChannels(bad), bad) { XCTAssertTrue("\($0)".contains("comma list")) }
        }
    }

    func testScheduleOptionsRefuseCountsBelowOneAndTimeThatIsNotPositive() throws {
        XCTAssertEqual(try ScheduleOptions.parse(["--minutes", "1.5", "--validate-every", "3"]).schedule.validateEvery, 3)
        for (args, message) in [(["--validate-every", "0"], "--validate-every must be at least 1, not 0."),
                                (["--virtual-batch", "0"], "--virtual-batch must be at least 1, not 0."),
                                (["--samples=-5"], "--samples must be at least 1, not -5."),
                                (["--patience", "0"], "--patience must be at least 1, not 0."),
                                (["--minutes=-1"], "--minutes must be a positive number, not -1.0.")] {
            XCTAssertThrowsError(try ScheduleOptions.parse(args), "\(args)") {
                XCTAssertEqual(ScheduleOptions.message(for: $0), message)
            }
        }
    }

    func testCaseFoldersAreTheFolderItselfOrItsCaseSubfolders() throws {
        let root = try temporaryFolder(self)
        for name in ["b", "a", "notes"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        for name in ["a", "b"] { try Data().write(to: root.appendingPathComponent("\(name)/ct.nii.gz")) }
        XCTAssertEqual(try caseFolders(root.path).map(\.lastPathComponent), ["a", "b"])
        XCTAssertEqual(try caseFolders(root.appendingPathComponent("a").path).map(\.lastPathComponent), ["a"])
        XCTAssertThrowsError(try caseFolders(root.appendingPathComponent("notes").path))
    }
}

/// `tutor segment`'s options: what is given wins, what is not comes from the weights, then the defaults.
final class SegmentFlagsTests: XCTestCase {
    func testGivenOptionsOverrideTheWeightsChoiceAndTheRestComeFromIt() throws {
        var stored = SegmentOptions()
        stored.confidence = 0.98; stored.radiusMM = 2; stored.lungFilter = true
        let none = try SegmentFlags.parse([])
        XCTAssertEqual(try none.options(recommended: stored).confidence, 0.98)
        XCTAssertEqual(try none.options().confidence, 0, "no weights' choice: the built-in default")
        let some = try SegmentFlags.parse(["--no-lung-filter", "--radius", "0", "--threshold", "0.4"])
        let merged = try some.options(recommended: stored)
        XCTAssertFalse(merged.lungFilter)
        XCTAssertEqual(merged.radiusMM, 0)
        XCTAssertEqual(merged.threshold, 0.4)
        XCTAssertEqual(merged.confidence, 0.98, "not given, so the weights' choice")
        XCTAssertThrowsError(try SegmentFlags.parse(["--confidence", "1.5"]).options()) {
            XCTAssertTrue("\($0)".contains("--confidence must lie between 0 and 1"))
        }
    }
}
