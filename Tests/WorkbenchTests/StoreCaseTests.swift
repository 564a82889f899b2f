import Dataset
import Foundation
import TestSupport
import XCTest
import Volumes
@testable import Workbench

/// The workbench's edits land in the dataset store as reviewable, attributable changes.
final class StoreCaseTests: XCTestCase {
    func testEditsBecomeStoreChangesWithProvenance() throws {
        let root = try temporaryFolder(self)
        let ct = Volume(size: GridSize(12, 10, 6), spacing: SIMD3(1, 1, 2),
                        voxels: (0..<720).map { Float($0 % 7) * 10 - 800 }, storedType: "int16")
        try NIfTI.write(ct, to: root.appendingPathComponent("ct.nii.gz").path)
        let store = try DatasetStore.create(at: root.appendingPathComponent("ds").path)
        try store.importCases([CaseImport(id: "c1", image: root.appendingPathComponent("ct.nii.gz").path)], user: "ann")

        let source = StoreCase(store: store, id: "c1", user: "ann", teacher: "net abc")
        try source.lock()
        XCTAssertEqual(try source.open().state, .unlabelled)
        let boxes = [Box(slice: 2, xMin: 3, yMin: 3, xMax: 6, yMax: 6)]
        try source.saveBoxes(boxes)
        var mask = BinaryMask(emptyOn: ct)
        mask[4, 4, 2] = 1
        try source.saveProposal(mask)
        XCTAssertEqual(try source.open().state, .proposed)
        mask[5, 4, 2] = 1                    // the reviewer's brush stroke
        try source.accept(mask)
        try source.saveViewPoint(ViewPoint(slice: 2, window: 400, level: 40))
        source.unlock()

        let reopened = try StoreCase(store: store, id: "c1", user: "ann", teacher: "net abc").open()
        XCTAssertEqual(reopened.state, .accepted)
        XCTAssertEqual(reopened.boxes, boxes)
        XCTAssertEqual(reopened.proposal?.count, 2, "the edited mask is the label")
        XCTAssertEqual(reopened.viewPoint, ViewPoint(slice: 2, window: 400, level: 40))
        let log = try store.audit("c1")
        XCTAssertEqual(log.map(\.action).suffix(4), ["boxes", "propose", "propose", "accept"])
        XCTAssertEqual(log.filter { $0.action == "propose" }.map(\.weightsHash), ["net abc", "edited:net abc"])
        XCTAssertTrue(log.allSatisfy { $0.user == "ann" })
    }
}
