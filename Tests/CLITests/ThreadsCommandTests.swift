import Foundation
import XCTest

/// The engine's worker count, as a user sets it: by the CPU affinity the process gets (`taskset`,
/// a container's cpuset) or by `TUTOR_THREADS`.
final class ThreadsCommandTests: XCTestCase {
    /// The "threads" field of `tutor bench teacher --json` on a tiny network, run through
    /// `launcher` (e.g. taskset) with `environment` added.
    private func benchThreads(launcher: [String] = [], environment: [String: String] = [:]) throws -> Int? {
        let p = Process()
        let tutorArguments = [tutorBinaryPath(), "bench", "teacher", "--channels", "4", "--size", "16", "--runs", "1", "--json"]
        if let first = launcher.first {
            p.executableURL = URL(fileURLWithPath: first)
            p.arguments = Array(launcher.dropFirst()) + tutorArguments
        } else {
            p.executableURL = URL(fileURLWithPath: tutorArguments[0])
            p.arguments = Array(tutorArguments.dropFirst())
        }
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return json?["threads"] as? Int
    }

    func testTasksetToOneCoreGivesOneWorker() throws {
        let taskset = "/usr/bin/taskset"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: taskset), "taskset is not installed")
        XCTAssertEqual(try benchThreads(launcher: [taskset, "-c", "0"]), 1)
    }

    func testTutorThreadsSetsTheWorkers() throws {
        XCTAssertEqual(try benchThreads(environment: ["TUTOR_THREADS": "3"]), 3)
        // Nonsense falls back to the default rather than to zero workers.
        XCTAssertGreaterThanOrEqual(try benchThreads(environment: ["TUTOR_THREADS": "zero"]) ?? 0, 1)
    }
}
