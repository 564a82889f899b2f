import Foundation
import XCTest
import Dataset
import Volumes

/// Locks, crashes and concurrent writers, each with real child processes on a real dataset.
final class ProcessTests: DatasetTestCase {
    func testALockHeldByAnotherProcessIsRefusedByNameAndRecoveredOnceItDies() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        try store.importCases([CaseImport(id: "c", image: path("ct.nii.gz"))], user: "a")
        let child = try Child.spawn("hold-lock", dataset: path("ds"), arg: "c", log: path("child.log"))
        defer { if child.isRunning { child.terminate() } }
        XCTAssertTrue(Child.wait(60) { FileManager.default.fileExists(atPath: path("ds/locked-by-child")) })

        let boxes = BoxFile(image: "", boxes: [Box(slice: 1, xMin: 1, yMin: 1, xMax: 2, yMax: 2)])
        assertRefused("Case c is being edited by carol (process \(child.processIdentifier) on") {
            try store.saveBoxes("c", boxes, user: "dave")
        }
        assertRefused("being edited by carol") { try store.lock("c", user: "dave") }
        XCTAssertEqual(try store.lockHolder("c")?.user, "carol")
        XCTAssertNil(try store.case("c").boxesPath)

        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        // The holder is dead: its lock is stale and the next writer takes over.
        XCTAssertEqual(try store.saveBoxes("c", boxes, user: "dave"), 1)
        XCTAssertEqual(try store.lock("c", user: "dave").user, "dave")
        let log = try store.audit("c").map(\.action)
        XCTAssertEqual(log, ["import", "lock-recovered", "boxes"])
        try store.unlock("c")
        XCTAssertNil(try store.lockHolder("c"))
    }

    func testAWriterKilledMidSaveLeavesTheDatasetConsistent() throws {
        let store = try makeStore()
        // A larger image so that mask writes take long enough to be interrupted at varied points.
        try writeImage("ct.nii.gz", size: GridSize(96, 96, 48))
        try store.importCases([CaseImport(id: "c", image: path("ct.nii.gz"))], user: "a")
        for round in 0..<3 {
            let child = try Child.spawn("save-loop", dataset: path("ds"), arg: "c", log: path("child\(round).log"))
            let goal = (round + 1) * 4
            XCTAssertTrue(try Child.wait(120) { (try store.case("c").boxRevision ?? 0) >= goal })
            usleep(UInt32.random(in: 0..<40_000))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            XCTAssertEqual(child.terminationReason, .uncaughtSignal)

            let reopened = try DatasetStore.open(path("ds"))
            let report = try reopened.verify()
            XCTAssertEqual(report.problems, [], "round \(round)")
            let c = try reopened.case("c")
            // The index names files that exist and read back.
            XCTAssertNotNil(try reopened.boxes("c"))
            if let mask = c.maskPath { XCTAssertEqual(try NIfTI.read(reopened.absolutePath(mask)).size, c.size) }
            // Every proposal in the index has its audit line, and revisions have no gaps in the index.
            let proposals = try reopened.files("c").filter { $0.kind == "proposal" }.map(\.revision)
            XCTAssertEqual(proposals.count, try reopened.audit("c").filter { $0.action == "propose" }.count)
            XCTAssertEqual(proposals.sorted().last ?? 0 >= proposals.count, true)
        }
        // A new writer carries on after the leftovers, never overwriting one.
        let next = try store.saveBoxes("c", BoxFile(image: "", boxes: []), user: "a")
        XCTAssertGreaterThan(next, 12)
        XCTAssertEqual(try store.verify().problems, [])
    }

    func testParallelImportersAndAnnotatorsLoseNothing() throws {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        try store.importCases([CaseImport(id: "shared", image: path("ct.nii.gz"))], user: "a")
        let writers = 4, each = 6
        let children = try (0..<writers).map { w in
            try Child.spawn("import-and-annotate", dataset: path("ds"), arg: "w\(w) \(path("ct.nii.gz")) \(each) shared",
                            log: path("w\(w).log"))
        }
        for child in children { child.waitUntilExit() }
        for (w, child) in children.enumerated() {
            let log = (try? String(contentsOfFile: path("w\(w).log"), encoding: .utf8)) ?? ""
            XCTAssertEqual(child.terminationStatus, 0, "writer \(w):\n\(log.suffix(2000))")
        }
        let s = try store.status()
        XCTAssertEqual(s.cases, 1 + writers * each)
        let ids = try store.cases().map(\.id)
        for w in 0..<writers { XCTAssertEqual(ids.filter { $0.hasPrefix("w\(w)-") }.count, each) }
        XCTAssertEqual(s.annotators.values.reduce(0) { $0 + ($1["weak"] ?? 0) }, s.cases)
        let revisions = try store.files("shared").filter { $0.kind == "boxes" }.map(\.revision).sorted()
        XCTAssertEqual(revisions, Array(1...(writers * each)))
        XCTAssertEqual(try store.case("shared").boxRevision, writers * each)
        XCTAssertEqual(try store.audit().count, 1 + 2 * writers * each)
        XCTAssertEqual(try store.verify().problems, [])
    }
}
