import Foundation
import XCTest
import Dataset
import Volumes

// Tests that need real separate processes (locks held by another process, a writer killed mid-save,
// several writers at once) run this test binary again as a child that executes only
// `ChildTasks.testRunChildTask`, told what to do through environment variables. In a normal test run
// that test has no task and skips.

enum Child {
    static let taskKey = "TUTOR_CHILD_TASK", dirKey = "TUTOR_CHILD_DATASET", argKey = "TUTOR_CHILD_ARG"

    /// Starts a child process running `task` on the dataset `dir`; its output goes to `log`.
    static func spawn(_ task: String, dataset dir: String, arg: String = "", log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        p.arguments = ["DatasetTests.ChildTasks/testRunChildTask"]
        var env = ProcessInfo.processInfo.environment
        env[taskKey] = task; env[dirKey] = dir; env[argKey] = arg
        p.environment = env
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = FileHandle(forWritingAtPath: log)
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        return p
    }

    /// Waits up to `seconds` for `condition`, polling.
    static func wait(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}

final class ChildTasks: XCTestCase {
    /// What a child process does; skipped unless it was started by `Child.spawn`.
    func testRunChildTask() throws {
        let env = ProcessInfo.processInfo.environment
        guard let task = env[Child.taskKey], let dir = env[Child.dirKey] else { throw XCTSkip("only runs as a child process") }
        let arg = env[Child.argKey] ?? ""
        let store = try DatasetStore.open(dir)
        switch task {
        case "hold-lock":   // lock case `arg` as carol, say so, then wait to be killed
            try store.lock(arg, user: "carol")
            FileManager.default.createFile(atPath: dir + "/locked-by-child", contents: nil)
            while true { sleep(1) }
        case "save-loop":   // save boxes and proposals on case `arg` until killed
            let c = try store.case(arg)
            var mask = Volume(size: c.size, spacing: c.spacing, storedType: "uint8")
            var n = 0
            while true {
                n += 1
                let k = n % c.size.k
                try store.saveBoxes(arg, BoxFile(image: "", boxes: [Box(slice: k, xMin: 0, yMin: 0, xMax: n % c.size.i, yMax: 3)]),
                                    user: "looper")
                mask[n % c.size.i, 1, k] = 1
                try store.saveProposal(arg, mask: mask, weightsHash: "w\(n)", boxRevision: n, user: "looper")
            }
        case "import-and-annotate":   // `arg` = "PREFIX IMAGE COUNT SHARED": import COUNT cases, box SHARED as often
            let parts = arg.split(separator: " ").map(String.init)
            let count = Int(parts[2])!
            for n in 0..<count {
                try store.importCases([CaseImport(id: "\(parts[0])-\(n)", image: parts[1])], user: parts[0])
                try store.saveBoxes(parts[3], BoxFile(image: "", boxes: [Box(slice: 0, xMin: n % 5, yMin: 0, xMax: 5, yMax: 5)]),
                                    user: parts[0])
            }
        default:
            XCTFail("unknown child task \(task)")
        }
    }
}
