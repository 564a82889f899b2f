import Foundation
import XCTest

/// `tutor teacher train --init W …`: what a user meets when W cannot start this run.
final class TeacherTrainCommandTests: XCTestCase {
    private let bundledTeacher = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/Teacher/Weights/teacher-box.safetensors").standardized.path

    func testInitWeightsThatCannotServeAreRefusedAtOnceLeavingNoFolder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tutor-widen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (options, message) in [(["--channels", "4,8,16,32"], "cannot widen level 0 from 8 to 4 channels; widening only adds channels."),
                                   (["--channels", "16,32,64"], "cannot widen a 4-level network to 3 levels; widening keeps the depth."),
                                   (["--role", "point"], "\(bundledTeacher): a teacher-point needs 1 input and 1 output channel, the file has 2 and 1.")] {
            // DATASET is an empty folder: the refusal must come before any case is looked for.
            let r = try runTutor(tutorBinaryPath(), in: dir.path, ["teacher", "train", ".", "--out", "run", "--init",
                                                                  bundledTeacher] + options)
            XCTAssertNotEqual(r.status, 0)
            XCTAssertEqual(r.err, "tutor: \(message)\n")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run").path))
        }
    }
}
