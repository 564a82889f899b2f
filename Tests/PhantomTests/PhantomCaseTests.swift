import XCTest
import Foundation
import Volumes
@testable import Phantom

final class PhantomCaseTests: XCTestCase {
    /// Small cases (128 pixels across, at most 24 slices) keep the tests quick; the anatomy is the same.
    let small = PhantomOptions(matrix: 128, maxSlices: 24)

    func testSameSeedAndIndexGiveTheSameCaseAndOthersDiffer() {
        let a = PhantomCase.generate(seed: 5, index: 0, options: small)
        let b = PhantomCase.generate(seed: 5, index: 0, options: small)
        let c = PhantomCase.generate(seed: 5, index: 1, options: small)
        XCTAssertEqual(a.ct.voxels, b.ct.voxels)
        XCTAssertEqual(a.label.voxels, b.label.voxels)
        XCTAssertEqual(a.humanBoxes, b.humanBoxes)
        XCTAssertEqual(a.info, b.info)
        XCTAssertNotEqual(a.ct.size == c.ct.size ? a.ct.voxels : [], c.ct.voxels)
    }

    func testCasesAreStoredLikeAScannerFileWithTumoursLabelledAndBoxed() {
        for index in 0..<4 {
            let p = PhantomCase.generate(seed: 11, index: index, options: small)
            let s = p.ct.spacing
            XCTAssertEqual(p.ct.storedType, "int16"); XCTAssertEqual(p.label.storedType, "uint8")
            XCTAssert([1.0, 1.25, 1.5, 2, 2.5, 3, 5].contains(s.z))
            XCTAssert((0.6 * 512 ... 0.9 * 512).contains(s.x * 128), "field of view \(s.x * 128) mm")
            XCTAssertEqual(p.ct.affine[0, 0], -s.x); XCTAssertEqual(p.ct.affine[1, 1], -s.y); XCTAssertEqual(p.ct.affine[2, 2], s.z)
            XCTAssertEqual(p.label.affine, p.ct.affine)
            XCTAssert(p.ct.voxels.allSatisfy { $0 == $0.rounded() && $0 >= -1024 && $0 <= 3071 })
            XCTAssert(p.label.voxels.allSatisfy { $0 == 0 || $0 == 1 })
            XCTAssertGreaterThan(p.label.voxels.reduce(0, +), 0, "case \(index) has tumour voxels")
            XCTAssertEqual(p.boxes, axialBoxes(of: p.label))
            XCTAssertFalse(p.info.tumours.isEmpty)
            XCTAssertLessThanOrEqual(p.info.tumours.count, 3)
            for t in p.info.tumours { XCTAssert((5...70).contains(t.diameterMM), "diameter \(t.diameterMM)") }
            XCTAssertEqual(Set(p.humanBoxes.map(\.object)), Set(p.boxes.map(\.object)))
        }
    }

    func testSmallThickCasesHaveLung1LikeTumoursAndSlicesAndTheDefaultIsUnchanged() {
        var biased = small
        biased.smallThick = true
        var thicknesses = Set<Double>(), tumours = 0
        for index in 0..<6 {
            let p = PhantomCase.generate(seed: 21, index: index, options: biased)
            thicknesses.insert(p.ct.spacing.z)
            XCTAssert([3.0, 5].contains(p.ct.spacing.z), "slice thickness \(p.ct.spacing.z)")
            XCTAssertGreaterThan(p.label.voxels.reduce(0, +), 0, "case \(index) has tumour voxels")
            for t in p.info.tumours { XCTAssert((8...20).contains(t.diameterMM), "diameter \(t.diameterMM)"); tumours += 1 }
        }
        XCTAssertEqual(thicknesses, [3, 5], "both thicknesses occur")
        XCTAssertGreaterThan(tumours, 6, "more than one tumour a case on average")
        XCTAssertNotEqual(PhantomCase.generate(seed: 21, index: 0, options: small).info,
                          PhantomCase.generate(seed: 21, index: 0, options: biased).info)
    }

    func testTissuesHaveTheirAttenuation() {
        let p = PhantomCase.generate(seed: 3, index: 2, options: small)
        let n = Double(p.ct.voxels.count)
        func share(_ r: ClosedRange<Float>) -> Double { Double(p.ct.voxels.filter { r.contains($0) }.count) / n }
        XCTAssertGreaterThan(share(-960 ... -780), 0.08, "lung parenchyma near −870 HU")
        XCTAssertGreaterThan(share(-1024 ... -960), 0.2, "air around the patient")
        XCTAssertGreaterThan(share(-150 ... -60), 0.01, "fat")
        XCTAssertGreaterThan(share(20 ... 80), 0.03, "muscle, heart, blood")
        XCTAssertGreaterThan(share(250 ... 3071), 0.001, "bone")
        // Tumours are denser than the lung they sit in.
        let inside = zip(p.ct.voxels, p.label.voxels).filter { $0.1 > 0 }.map { Double($0.0) }
        XCTAssertGreaterThan(inside.reduce(0, +) / Double(inside.count), -700)
    }

    func testWriterMakesCompleteCaseFoldersThatReadBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("phantom-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try PhantomWriter.write(count: 2, seed: 9, to: dir, options: small, jobs: 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), ["case_0000", "case_0001"])
        let expected = PhantomCase.generate(seed: 9, index: 1, options: small)
        let folder = dir + "/case_0001"
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(),
                       ["boxes.json", "boxes_human.json", "ct.nii.gz", "label.nii.gz", "phantom.json"])
        let ct = try NIfTI.read(folder + "/ct.nii.gz"), label = try NIfTI.read(folder + "/label.nii.gz")
        XCTAssertEqual(ct.voxels, expected.ct.voxels)
        XCTAssertEqual(label.voxels, expected.label.voxels)
        XCTAssertEqual(ct.storedType, "int16"); XCTAssertEqual(label.storedType, "uint8")
        let boxes = try JSONDecoder().decode(BoxFile.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/boxes_human.json")))
        XCTAssertEqual(boxes, BoxFile(image: "ct.nii.gz", boxes: expected.humanBoxes))
    }

    func testWriterRefusesAFolderItCannotMake() {
        XCTAssertThrowsError(try PhantomWriter.write(count: 1, seed: 1, to: "/proc/no-such-place/x", options: small)) { error in
            XCTAssert((error as? TutorError)?.message.contains("/proc/no-such-place/x") == true, "\(error)")
        }
    }
}

final class DiaphragmHumpTests: XCTestCase {
    func testHumpsRiseOnTheDomesAndTurnLungAboveTheSmoothDomeIntoAbdomen() {
        for index in 0..<6 {
            var r1 = SeededGenerator.derived(seed: 77, index: UInt64(index)), r2 = r1
            let smooth = ChestAnatomy(width: 300, fieldOfView: 360, rng: &r1)
            let lobulated = ChestAnatomy(width: 300, fieldOfView: 360, lobulatedDiaphragm: true, rng: &r2)
            XCTAssert(smooth.humps.isEmpty)
            XCTAssert((1...4).contains(lobulated.humps.count), "\(lobulated.humps.count) humps")
            // Humps are drawn last: the rest of the patient is the same.
            XCTAssertEqual(smooth.apexZ, lobulated.apexZ); XCTAssertEqual(smooth.heart, lobulated.heart)
            for h in lobulated.humps {
                XCTAssert((14...32).contains(h.radius) && (8...24).contains(h.height))
                let base = smooth.diaphragm(h.u, h.v), raised = lobulated.diaphragm(h.u, h.v)
                XCTAssertGreaterThanOrEqual(raised - base, h.height - 1e-9, "a hump adds at least its own height")
                // Halfway up the hump: abdomen under the lobulated diaphragm, not under the smooth one.
                let z = base + h.height / 2
                XCTAssertEqual(lobulated.classify(h.u, h.v, z).tissue, .abdomen)
                XCTAssertNotEqual(smooth.classify(h.u, h.v, z).tissue, .abdomen)
            }
        }
    }

    func testAHumpIsRoundAndSmoothAtItsRim() {
        let h = DiaphragmHump(u: 100, v: 50, radius: 20, height: 12)
        XCTAssertEqual(h.rise(100, 50), 12, accuracy: 1e-12)
        XCTAssertEqual(h.rise(120, 50), 0); XCTAssertEqual(h.rise(100, 71), 0)
        XCTAssertLessThan(h.rise(119.9, 50), 0.01, "no step at the rim (mm)")
        XCTAssertEqual(h.rise(110, 50), h.rise(100, 40), accuracy: 1e-12, "the same at the same distance")
        XCTAssertGreaterThan(h.rise(105, 50), h.rise(110, 50), "falls away from the top")
    }
}

final class LobarVesselsTests: XCTestCase {
    /// (ends, radii) of each tube: what a later tube list must repeat to be "the same series".
    private func shape(_ tubes: [Tube]) -> [[Double]] {
        tubes.map { [$0.a.x, $0.a.y, $0.a.z, $0.b.x, $0.b.y, $0.b.z, $0.radiusA, $0.radiusB] }
    }

    func testLobarVesselsAddCentimetreVesselsToEachLowerLobeAndChangeNothingElse() {
        for index in 0..<6 {
            var r = SeededGenerator.derived(seed: 78, index: UInt64(index))
            let anat = ChestAnatomy(width: 300, fieldOfView: 360, rng: &r)
            var r1 = r, r2 = r
            let plain = ChestTubes(anat, topZ: anat.apexZ + 10, rng: &r1)
            let lobar = ChestTubes(anat, topZ: anat.apexZ + 10, lobarVessels: true, rng: &r2)
            // Drawn last: everything the plain chest has comes first and unchanged.
            XCTAssertEqual(shape(lobar.mediastinal), shape(plain.mediastinal))
            XCTAssertEqual(shape(lobar.bones), shape(plain.bones))
            XCTAssertEqual(shape(Array(lobar.vessels.prefix(plain.vessels.count))), shape(plain.vessels))
            XCTAssertEqual(shape(Array(lobar.airways.prefix(plain.airways.count))), shape(plain.airways))
            let added = lobar.vessels.dropFirst(plain.vessels.count)
            // Two arteries and two veins start 9–13 mm across (radius 4.5–6.5 mm); nothing added is thicker.
            XCTAssertGreaterThanOrEqual(added.filter { $0.radiusA >= 4.5 }.count, 4, "case \(index)")
            XCTAssert(added.allSatisfy { $0.radiusA <= 6.5 })
            // Below the hila, in each lung, vessels thicker than 6 mm run through the lower lobe:
            // more of them than the plain trees have there.
            let lowZ = anat.carinaZ - 40
            func thickLowSegments(_ tubes: some Sequence<Tube>, right: Bool) -> Int {
                tubes.filter { t in
                    min(t.radiusA, t.radiusB) >= 3 && t.b.z < lowZ && anat.isLung(t.b.x, t.b.y, t.b.z)
                        && (t.b.x < anat.uc) == right
                }.count
            }
            for right in [true, false] {
                let before = thickLowSegments(plain.vessels, right: right)
                let after = thickLowSegments(lobar.vessels, right: right)
                XCTAssertGreaterThanOrEqual(after - before, 2, "case \(index), \(right ? "right" : "left") lung: \(before) → \(after)")
            }
        }
    }
}
