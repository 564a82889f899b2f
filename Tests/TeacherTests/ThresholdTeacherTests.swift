import XCTest
import Volumes
import Evaluation
@testable import Teacher

final class ThresholdTeacherTests: XCTestCase {
    /// A 64×64×24 CT of lung (−870 HU, noise 20 HU) holding a ball of `hu` with radius `r` voxels.
    func ballScene(hu: Float, r: Double, seed: UInt64 = 1) -> (ct: Volume, truth: Volume) {
        var rng = SeededGenerator(seed: seed)
        var ct = Volume(size: GridSize(64, 64, 24), spacing: [0.8, 0.8, 2])
        var truth = ct.sameGrid()
        for k in 0..<24 { for j in 0..<64 { for i in 0..<64 {
            let d = (Double(i - 32) * Double(i - 32) + Double(j - 30) * Double(j - 30) + 6.25 * Double(k - 12) * Double(k - 12)).squareRoot()
            let inside = d < r
            ct[i, j, k] = (inside ? hu : -870) + Float(20 * rng.normal())
            truth[i, j, k] = inside ? 1 : 0
        } } }
        return (ct, truth)
    }

    func testSolidBallInTightBoxesIsFoundAlmostExactly() throws {
        let (ct, truth) = ballScene(hu: 30, r: 12)
        let mask = ThresholdTeacher.predict(image: ct, boxes: axialBoxes(of: truth))
        XCTAssertEqual(mask.size, ct.size)
        XCTAssertEqual(mask.storedType, "uint8")
        XCTAssertGreaterThan(try score(prediction: mask, truth: truth).dsc, 0.97)
    }

    func testGroundGlassGetsAnOtsuLevelBelowMinus500() throws {
        let (ct, truth) = ballScene(hu: -560, r: 10)
        var rng = SeededGenerator(seed: 2)
        let boxes = humanLikeBoxes(axialBoxes(of: truth), spacing: ct.spacing, size: ct.size, using: &rng)
        let mask = ThresholdTeacher.predict(image: ct, boxes: boxes)
        XCTAssertGreaterThan(try score(prediction: mask, truth: truth).dsc, 0.9)
    }

    func testBoxesOnEverySecondSliceAndALooseNeighbourStayInsideTheBoxes() throws {
        var (ct, truth) = ballScene(hu: 30, r: 10)
        // A vessel-like bright line beside the ball, outside every box: it must not be segmented.
        for k in 0..<24 { ct[60, 30, k] = 40 }
        let tight = axialBoxes(of: truth)
        let keys = tight.filter { $0.slice % 2 == 0 || $0.slice == tight.first!.slice || $0.slice == tight.last!.slice }
        XCTAssertLessThan(keys.count, tight.count)
        let mask = ThresholdTeacher.predict(image: ct, boxes: keys)
        XCTAssertEqual((0..<24).map { mask[60, 30, $0] }.reduce(0, +), 0)
        for k in Set(tight.map(\.slice)) {
            XCTAssertGreaterThan((0..<64).flatMap { j in (0..<64).map { mask[$0, j, k] } }.reduce(0, +), 0, "slice \(k) is segmented")
        }
        XCTAssertGreaterThan(try score(prediction: mask, truth: truth).dsc, 0.9)
    }

    func testHolesAreFilledPerSlice() {
        var (ct, truth) = ballScene(hu: 30, r: 12)
        for j in 28...32 { for i in 30...34 { ct[i, j, 12] = -900 } }   // a cavity inside the tumour
        let mask = ThresholdTeacher.predict(image: ct, boxes: axialBoxes(of: truth))
        XCTAssertEqual(mask[32, 30, 12], 1)
    }

    func testBoxesOutsideTheImageAreIgnored() {
        let (ct, _) = ballScene(hu: 30, r: 5)
        let mask = ThresholdTeacher.predict(image: ct, boxes: [Box(slice: 99, xMin: 0, yMin: 0, xMax: 5, yMax: 5)])
        XCTAssertEqual(mask.voxels.reduce(0, +), 0)
    }

    /// lung1 (a real CT with a small tumour at 5 mm slices): with its own boxes and with human-like
    /// boxes drawn from its label. The figures go to the test log and Docs/phantom.md.
    func testLung1() throws {
        let dir = try realCase("lung1")
        let ct = try NIfTI.read(dir + "/ct.nii.gz"), truth = try NIfTI.read(dir + "/label.nii.gz")
        let given = try JSONDecoder().decode(BoxFile.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/boxes.json")))
        let own = try score(prediction: ThresholdTeacher.predict(image: ct, boxes: given.boxes), truth: truth).dsc
        var human: [Double] = []
        let tight = axialBoxes(of: truth)
        for seed in 1...5 as ClosedRange<UInt64> {
            var rng = SeededGenerator(seed: seed)
            let boxes = humanLikeBoxes(tight, spacing: ct.spacing, size: ct.size, using: &rng)
            human.append(try score(prediction: ThresholdTeacher.predict(image: ct, boxes: boxes), truth: truth).dsc)
        }
        let m = MeanStd(human)
        print(String(format: "lung1 threshold teacher: DSC %.4f with boxes.json; %.4f ± %.4f with human-like boxes (5 seeds)", own, m.mean, m.std))
        XCTAssertGreaterThan(own, 0.7)
        XCTAssertGreaterThan(m.mean, 0.7)
    }
}
