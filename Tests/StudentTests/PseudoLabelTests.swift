import TestSupport
import XCTest
import Dataset
import Teacher
import Volumes

/// `pseudoLabel` on a small dataset store with the threshold teacher.
final class PseudoLabelTests: XCTestCase {
    /// A store with one strong case and three weak cases (boxes from the label).
    func makeStore() throws -> DatasetStore {
        let dir = try temporaryFolder(self)
        let files = dir.appendingPathComponent("files")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        var items: [CaseImport] = []
        for n in 0..<4 {
            let chest = SyntheticChest(tumours: [(SIMD3(52 + Double(n) * 4, 70, 80), 8)])
            let ct = files.appendingPathComponent("ct\(n).nii.gz").path, label = files.appendingPathComponent("label\(n).nii.gz").path
            try VolumeIO.write(chest.ct, to: ct); try VolumeIO.write(chest.label, to: label, datatype: .uint8)
            items.append(CaseImport(id: "case\(n)", image: ct, label: label, boxesFromLabel: n > 0))
        }
        let store = try DatasetStore.create(at: dir.appendingPathComponent("ds").path)
        try store.importCases(items, user: "test")
        return store
    }

    func engine() throws -> ProposalEngine { try ProposalEngine(method: .threshold, weights: nil) }

    func testProposesEveryWeakCaseOnceAndResumes() throws {
        let store = try makeStore()
        var calls: [String] = []
        let first = try store.pseudoLabel(makeEngine: engine, accept: false, user: "pl") { _, _, id in calls.append(id) }
        XCTAssertEqual(first.proposed, ["case1", "case2", "case3"])
        XCTAssertEqual(Set(calls), ["case1", "case2", "case3"])
        XCTAssertEqual(try store.status().proposed, 3)
        XCTAssertEqual(try store.case("case0").state, .strong)
        let proposal = try store.files("case1").first { $0.kind == "proposal" }!
        XCTAssertEqual(proposal.weightsHash, "threshold")
        XCTAssertEqual(proposal.boxRevision, try store.case("case1").boxRevision)
        // The threshold teacher inside the true boxes finds the tumour.
        let mask = try VolumeIO.read(try store.maskPath("case1")!)
        XCTAssertGreaterThan(mask.voxels.reduce(0, +), 100)

        // A rerun does nothing; new boxes on one case make exactly that case due again.
        let second = try store.pseudoLabel(makeEngine: engine, accept: false, user: "pl")
        XCTAssertEqual(second.proposed, [])
        XCTAssertEqual(second.upToDate.sorted(), ["case1", "case2", "case3"])
        var boxes = try store.boxes("case2")!
        boxes.boxes.removeLast()
        try store.saveBoxes("case2", boxes, user: "annotator")
        let third = try store.pseudoLabel(makeEngine: engine, accept: false, user: "pl")
        XCTAssertEqual(third.proposed, ["case2"])
    }

    func testAcceptIsRecordedAsUnreviewed() throws {
        let store = try makeStore()
        // An interrupted --accept run: one proposal made, not yet accepted.
        _ = try store.pseudoLabel(makeEngine: engine, accept: false, user: "pl")
        let summary = try store.pseudoLabel(makeEngine: engine, accept: true, user: "pl")
        XCTAssertEqual(summary.proposed, [])
        XCTAssertEqual(summary.accepted, ["case1", "case2", "case3"])
        XCTAssertEqual(try store.status().accepted, 3)
        XCTAssertEqual(try store.pseudoLabel(makeEngine: engine, accept: true, user: "pl").upToDate.sorted(), ["case1", "case2", "case3"])
        let accept = try store.audit("case3").last!
        XCTAssertEqual(accept.action, "accept")
        XCTAssertTrue(accept.note?.contains("without review") ?? false)
    }

    func testReviewPriorityIsOneMinusDice() throws {
        var a = Volume(size: GridSize(4, 4, 1), spacing: SIMD3(1, 1, 1)), b = a
        for v in 0..<8 { a.voxels[v] = 1 }
        for v in 4..<12 { b.voxels[v] = 1 }
        XCTAssertEqual(try reviewPriority(proposal: a, prediction: b), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try reviewPriority(proposal: a, prediction: a), 0)
        XCTAssertEqual(try reviewPriority(proposal: b.sameGrid(), prediction: b.sameGrid()), 0)
        XCTAssertThrowsError(try reviewPriority(proposal: a, prediction: Volume(size: GridSize(2, 2, 1), spacing: SIMD3(1, 1, 1))))
    }
}
