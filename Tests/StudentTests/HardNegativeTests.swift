import TestSupport
import XCTest
import Volumes
@testable import Student

/// Hard negatives: the dense, tumour-free tissue inside a lung where a student's false alarms arise.
final class HardNegativeTests: XCTestCase {
    func testDenseTissueIsInsideTheLungDenseAndNotTumour() {
        //            air   vessel  tumour  outside  vessel
        let ct: [Float]      = [-850, 40, 30, 40, -400]
        let inLung: [Float]  = [1, 1, 1, 0, 1]
        let label: [UInt8]   = [0, 0, 1, 0, 0]
        XCTAssertEqual(StudentSample.denseTissue(ct: ct, inLung: inLung, label: label, above: -500), [1, 4])
        // Many candidates are thinned evenly to at most denseLimit.
        let n = 3 * StudentSample.denseLimit + 5
        let thinned = StudentSample.denseTissue(ct: [Float](repeating: 0, count: n), inLung: [Float](repeating: 1, count: n),
                                                label: [UInt8](repeating: 0, count: n), above: -500)
        XCTAssertLessThanOrEqual(thinned.count, StudentSample.denseLimit)
        XCTAssertGreaterThan(thinned.count, StudentSample.denseLimit / 2)
        XCTAssertEqual(thinned.first, 0)
        XCTAssertGreaterThan(Int(thinned.last!), n - n / StudentSample.denseLimit - 5, "spread over the whole lung")
    }

    func load(_ chest: SyntheticChest) throws -> [StudentSample] {
        let dir = try temporaryFolder(self)
        let ct = dir.appendingPathComponent("ct.nii.gz").path, label = dir.appendingPathComponent("label.nii.gz").path
        try VolumeIO.write(chest.ct, to: ct); try VolumeIO.write(chest.label, to: label, datatype: .uint8)
        return try StudentSample.load(StudentCase(name: "c", image: ct, label: label, pseudo: false))
    }

    /// With no tumour steps and only hard negatives, every training cube has dense tissue at its
    /// centre (the vessel or the lung's edge), where random cubes mostly hold aerated lung.
    func testHardNegativeCubesAreCentredOnDenseTissue() throws {
        let chest = SyntheticChest(tumours: [(SIMD3(52, 40, 60), 8)], vessel: true)
        let samples = try load(chest)
        let midway = Preprocess().normalise(chest.ct).value(hu: -675)   // between lung (−850) and dense (−500)
        func tissueAtCentre(hardNegativeShare: Double) throws -> Int {
            var o = StudentTrainingOptions()
            o.trainCrop = 16; o.tumourShare = 0; o.hardNegativeShare = hardNegativeShare
            let training = try StudentTraining(options: o, train: [samples[0]], validation: [], folder: try temporaryFolder(self))
            var rng = SeededGenerator(seed: 3)
            let level: Float = midway * 1.1 + 0.1   // the lowest the augmentation's gain and shift can lift the lung to
            var count = 0
            for _ in 0..<40 {
                let x = training.makeStep(using: &rng).0.values
                let centre = (8 * 16 + 8) * 16
                if x[centre + 7] > level || x[centre + 8] > level { count += 1 }   // either side of a mirror
            }
            return count
        }
        XCTAssertFalse(samples[0].dense.isEmpty)
        for v in samples[0].dense.map(Int.init) { XCTAssertEqual(samples[0].label[v], 0, "a tumour is never a negative") }
        XCTAssertEqual(try tissueAtCentre(hardNegativeShare: 1), 40)
        XCTAssertLessThan(try tissueAtCentre(hardNegativeShare: 0), 30)
    }
}
