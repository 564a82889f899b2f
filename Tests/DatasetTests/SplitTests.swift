import Foundation
import XCTest
import Dataset
import Volumes

final class SplitTests: DatasetTestCase {
    /// 60 patients, a third with two scans, tumours of 1…6 slices (so sizes vary), plus image-only cases.
    func makePatients(_ patients: Int = 60) throws -> DatasetStore {
        let store = try makeStore()
        try writeImage("ct.nii.gz")
        for s in 1...6 { try writeMask("m\(s).nii.gz", slices: 0...(s - 1)) }
        var items: [CaseImport] = []
        for p in 0..<patients {
            let scans = p % 3 == 0 ? 2 : 1
            for scan in 0..<scans {
                items.append(CaseImport(id: "p\(p)-s\(scan)", image: path("ct.nii.gz"),
                                        label: p % 7 == 0 ? nil : path("m\(p % 6 + 1).nii.gz"), patient: "P\(p)"))
            }
        }
        try store.importCases(items, user: "a")
        return store
    }

    func testNoPatientIsInTwoSubsetsAndSharesFollowTheRatios() throws {
        let store = try makePatients()
        let split = try store.split(seed: 7, ratios: [70, 15, 15], user: "cur")
        let cases = try store.cases()
        XCTAssertEqual(split.count, cases.count)
        for (_, group) in Dictionary(grouping: cases, by: \.patient) {
            XCTAssertEqual(Set(group.map { split[$0.id]! }).count, 1, group[0].patient)
        }
        let counts = Subset.allCases.map { s in split.values.filter { $0 == s }.count }
        XCTAssertEqual(Double(counts[0]) / Double(cases.count), 0.70, accuracy: 0.05)
        XCTAssertEqual(Double(counts[1]) / Double(cases.count), 0.15, accuracy: 0.05)
        XCTAssertEqual(try store.splits(), split)
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("ds/splits.json")))) as! [String: Any]
        XCTAssertEqual((file["test"] as! [String]).count, counts[2])
    }

    func testSplitIsDeterministicAndTheSeedMatters() throws {
        let store = try makePatients()
        let a = try store.split(seed: 3, user: "cur")
        let b = try store.split(seed: 3, user: "cur")
        let c = try store.split(seed: 4, user: "cur")
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testEverySubsetGetsSmallAndLargeTumours() throws {
        let store = try makePatients()
        let split = try store.split(seed: 11, ratios: [50, 25, 25], user: "cur")
        let sizes = Dictionary(uniqueKeysWithValues: try store.cases().map { ($0.id, $0.tumourML ?? 0) })
        let all = sizes.values.sorted()
        let (small, large) = (all[all.count / 4], all[3 * all.count / 4])
        for s in Subset.allCases {
            let mine = split.filter { $0.value == s }.keys.map { sizes[$0]! }
            XCTAssertTrue(mine.contains { $0 <= small }, "\(s) has no small tumours")
            XCTAssertTrue(mine.contains { $0 >= large }, "\(s) has no large tumours")
        }
    }

    func testBadRatiosAreRefused() throws {
        let store = try makePatients(3)
        assertRefused("three non-negative numbers") { try store.split(ratios: [70, 30], user: "c") }
        assertRefused("three non-negative numbers") { try store.split(ratios: [70, -1, 31], user: "c") }
        XCTAssertEqual(try store.splits(), [:])
    }
}
