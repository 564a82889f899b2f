import Foundation
import XCTest
import Dataset
import Volumes

/// The review queue's order on a real store with real NIfTI files: disagreement first, ties by the
/// teacher's uncertainty, cases without a (current) priority last, stale priorities detected.
final class ReviewQueueTests: DatasetTestCase {
    /// A store with the proposed cases `ids` (each a box-shaped proposal on slices 2…3); case n's CT
    /// has the value n in its first voxel, so a stand-in student can tell the cases apart.
    func storeWithProposals(_ ids: [String]) throws -> (DatasetStore, Volume) {
        let store = try makeStore()
        let mask = try writeMask("m.nii.gz")
        for (n, id) in ids.enumerated() {
            var ct = try writeImage("ct.nii.gz")
            ct.voxels[0] = Float(n)
            try NIfTI.write(ct, to: path("\(id).nii.gz"))
        }
        try store.importCases(ids.map { CaseImport(id: $0, image: path("\($0).nii.gz")) }, user: "t")
        for id in ids {
            try store.saveBoxes(id, BoxFile(image: "ct.nii.gz", boxes: [Box(slice: 2, xMin: 4, yMin: 3, xMax: 7, yMax: 5)]), user: "t")
            try store.saveProposal(id, mask: mask, weightsHash: "threshold", boxRevision: 1, user: "t")
        }
        return (store, mask)
    }

    func priority(_ store: DatasetStore, _ id: String, _ disagreement: Double, _ uncertainty: Double,
                  student: String = "s1") throws -> ReviewPriority {
        ReviewPriority(caseID: id, proposalPath: try store.case(id).maskPath!, studentHash: student,
                       disagreement: disagreement, uncertainty: uncertainty)
    }

    func testHighestDisagreementFirstTiesByUncertaintyUnprioritisedLast() throws {
        let (store, _) = try storeWithProposals(["a", "b", "c", "d", "e"])
        XCTAssertTrue(try store.savePriority(priority(store, "a", 0.20, 0.90)))
        XCTAssertTrue(try store.savePriority(priority(store, "b", 1.00, 0.10)))
        XCTAssertTrue(try store.savePriority(priority(store, "c", 1.00, 0.30)))   // ties with b, more unsure
        XCTAssertTrue(try store.savePriority(priority(store, "e", 0.50, 0.00)))
        let queue = try store.reviewQueue(studentHash: "s1")
        XCTAssertEqual(queue.map(\.caseID), ["c", "b", "e", "a", "d"])
        XCTAssertEqual(queue[0].reason, "disagreement 1.00 (teacher vs student DSC 0.00) · uncertainty 0.30")
        XCTAssertEqual(queue[4].reason, "not prioritised yet")
        XCTAssertEqual(queue[4].standing, .missing)
        XCTAssertEqual(try store.reviewQueue(order: .name, studentHash: "s1").map(\.caseID), ["a", "b", "c", "d", "e"])
    }

    func testTiesAreJudgedAtTheTwoDecimalsShown() throws {
        let (store, _) = try storeWithProposals(["a", "b", "c"])
        try store.savePriority(priority(store, "a", 0.999, 0.10))   // shown as 1.00
        try store.savePriority(priority(store, "b", 0.996, 0.40))   // shown as 1.00 too, and less sure
        try store.savePriority(priority(store, "c", 0.994, 0.90))   // shown as 0.99
        XCTAssertEqual(try store.reviewQueue(studentHash: "s1").map(\.caseID), ["b", "a", "c"])
    }

    func testPrioritiesFromAnotherStudentComeAfterCurrentOnesAndAreMarked() throws {
        let (store, _) = try storeWithProposals(["a", "b"])
        try store.savePriority(priority(store, "a", 0.90, 0.5, student: "old"))
        try store.savePriority(priority(store, "b", 0.10, 0.5, student: "new"))
        let queue = try store.reviewQueue(studentHash: "new")
        XCTAssertEqual(queue.map(\.caseID), ["b", "a"])
        XCTAssertEqual(queue[1].standing, .otherStudent)
        XCTAssertTrue(queue[1].reason.hasSuffix("from another student (old)"), queue[1].reason)
        // With no student to compare against, every stored priority counts.
        XCTAssertEqual(try store.reviewQueue(studentHash: nil).map(\.caseID), ["a", "b"])
    }

    func testARevisedProposalMakesItsPriorityStaleAndARacingSaveIsDropped() throws {
        let (store, mask) = try storeWithProposals(["a", "b"])
        let old = try priority(store, "a", 0.9, 0.1)
        try store.savePriority(old)
        try store.savePriority(priority(store, "b", 0.2, 0.1))
        try store.saveProposal("a", mask: mask, weightsHash: "edited:threshold", boxRevision: 1, user: "t")
        let queue = try store.reviewQueue(studentHash: "s1")
        XCTAssertEqual(queue.map(\.caseID), ["b", "a"])
        XCTAssertEqual(queue[1].standing, .proposalRevised)
        XCTAssertNil(queue[1].ranked)
        XCTAssertEqual(queue[1].reason, "not prioritised yet (the proposal changed since)")
        // A priority computed for the old proposal, saved after the revision, is refused.
        XCTAssertFalse(try store.savePriority(old))
        // A reviewed case leaves the queue with its priority.
        try store.accept("b", user: "t")
        XCTAssertEqual(try store.reviewQueue(studentHash: "s1").map(\.caseID), ["a"])
    }

    func testPrioritiseComputesStoresAndResumes() throws {
        let (store, mask) = try storeWithProposals(["a", "b", "c"])
        // A stand-in student: agrees with the proposal on a, half on b, finds nothing on c.
        var half = mask
        for k in 0..<half.size.k { for j in 0..<half.size.j { for i in 0..<half.size.i where k == 3 { half[i, j, k] = 0 } } }
        let predictions = [mask, half, mask.sameGrid()]   // for cases 0, 1, 2 (a, b, c)
        let lock = NSLock()
        var calls = 0
        func run(_ student: String, force: Bool = false) throws -> PrioritiseSummary {
            try store.prioritise(studentHash: student, force: force, makePredictor: {
                { ct in lock.lock(); calls += 1; lock.unlock(); return predictions[Int(ct.voxels[0])] }
            })
        }
        let first = try run("s1")
        XCTAssertEqual(first.computed, ["a", "b", "c"])
        let stored = try store.priorities()
        XCTAssertEqual(stored["a"]!.disagreement, 0, accuracy: 1e-9)
        XCTAssertEqual(stored["b"]!.disagreement, 1 - 2.0 * 12 / 36, accuracy: 1e-9)   // 24 vs 12 voxels, 12 shared
        XCTAssertEqual(stored["c"]!.disagreement, 1, accuracy: 1e-9)
        XCTAssertEqual(try store.reviewQueue(studentHash: "s1").map(\.caseID), ["c", "b", "a"])
        // A rerun finds everything current and calls no student; --force computes all again.
        calls = 0
        let again = try run("s1")
        XCTAssertEqual(again.upToDate, ["a", "b", "c"])
        XCTAssertEqual(calls, 0)
        XCTAssertEqual(try run("s1", force: true).computed, ["a", "b", "c"])
        XCTAssertEqual(calls, 3)
        // A new student makes every priority stale; a revised proposal makes its own stale.
        try store.saveProposal("a", mask: half, weightsHash: "threshold", boxRevision: 1, user: "t")
        calls = 0
        XCTAssertEqual(try run("s1").computed, ["a"])
        XCTAssertEqual(try store.priorities()["a"]!.disagreement, 1 - 2.0 * 12 / 36, accuracy: 1e-9)
        XCTAssertEqual(try run("s2").computed, ["a", "b", "c"])
        XCTAssertEqual(Set(try store.priorities().values.map(\.studentHash)), ["s2"])
    }

    func testTeacherUncertaintyIsLowForClearTissueAndHighNearTheLevel() {
        var clear = Volume(size: GridSize(10, 10, 3), spacing: SIMD3(1, 1, 1))
        var murky = clear
        for k in 0..<3 { for j in 0..<10 { for i in 0..<10 {
            clear[i, j, k] = i < 5 ? -900 : 20          // aerated lung beside a solid tumour
            murky[i, j, k] = i < 5 ? -560 : -480        // ground glass: both sides near any level between them
        } } }
        let boxes = [Box(slice: 1, xMin: 1, yMin: 1, xMax: 8, yMax: 8)]
        let low = teacherUncertainty(image: clear, boxes: boxes), high = teacherUncertainty(image: murky, boxes: boxes)
        XCTAssertLessThan(low, 0.01)
        XCTAssertGreaterThan(high, 0.3)
        XCTAssertEqual(teacherUncertainty(image: clear, boxes: []), 0)
    }

    func testDisagreementIsOneMinusDice() throws {
        var a = Volume(size: GridSize(4, 4, 1), spacing: SIMD3(1, 1, 1)), b = a
        for i in 0..<4 { a[i, 0, 0] = 1 }
        for i in 2..<4 { b[i, 0, 0] = 1 }
        XCTAssertEqual(try reviewPriority(proposal: a, prediction: b), 1 - 2.0 * 2 / 6, accuracy: 1e-12)
        XCTAssertEqual(try reviewPriority(proposal: a.sameGrid(), prediction: b.sameGrid()), 0)
        XCTAssertThrowsError(try reviewPriority(proposal: a, prediction: Volume(size: GridSize(4, 4, 2), spacing: SIMD3(1, 1, 1))))
    }
}
