import Foundation
import XCTest
import Network
@testable import Teacher
import Volumes

/// The box-guided teacher's crop takes what the boxes need, within 64…128 per axis; the
/// post-processing grows the object into dense voxels the network does not rule out, and no
/// further.
final class CropAndGrowTests: XCTestCase {
    private func teacher(_ role: TeacherRole) -> NetworkTeacher {
        let config = UNetConfig(inChannels: role == .box ? 2 : 1, outChannels: 1, channels: [2, 4, 8, 16])
        return NetworkTeacher(net: UNet3D(config: config, seed: 1), role: role, weightsHash: "test")
    }

    /// A 0.5 × 0.5 × 2.5 mm image of `size`, normalised (its values do not matter here).
    private func image(_ size: GridSize) -> Normalised {
        let volume = Volume(size: size, spacing: SIMD3(0.5, 0.5, 2.5))
        return Preprocess().normalise(volume)
    }

    private func boxes(x: ClosedRange<Int>, y: ClosedRange<Int>, slices: ClosedRange<Int>) -> ObjectBoxes {
        ObjectBoxes(object: 1, boxes: slices.map { Box(slice: $0, xMin: x.lowerBound, yMin: y.lowerBound,
                                                       xMax: x.upperBound, yMax: y.upperBound) })
    }

    func testCropFitsTheBoxesBetween64And128() {
        let t = teacher(.box), ct = image(GridSize(512, 512, 120))
        // 20 mm × 20 mm × 5 slices (12.5 mm): 20 + 32 = 52 → 64 in-plane; 8.3 + 32 → 64 across.
        XCTAssertEqual(t.cropSize(for: boxes(x: 100...139, y: 200...239, slices: 50...54), in: ct), GridSize(64, 64, 64))
        // 50 mm wide, 30 mm deep, 30 slices (75 mm = 50 resampled voxels): 82 → 96, 62 → 64, 82 → 96.
        XCTAssertEqual(t.cropSize(for: boxes(x: 100...199, y: 200...259, slices: 40...69), in: ct), GridSize(96, 64, 96))
        // A 150 mm box is capped at the paper's 128.
        XCTAssertEqual(t.cropSize(for: boxes(x: 0...299, y: 0...39, slices: 10...12), in: ct).i, 128)
        // The point-guided teacher knows no extent: always the whole crop.
        XCTAssertEqual(teacher(.point).cropSize(for: boxes(x: 100...139, y: 200...239, slices: 50...54), in: ct),
                       GridSize(128, 128, 128))
    }

    func testTheInputHasTheCropsShape() {
        let t = teacher(.box), ct = image(GridSize(256, 256, 60))
        let (x, region) = t.input(image: ct, boxes: boxes(x: 100...139, y: 100...139, slices: 20...24))
        XCTAssertEqual(x.shape, [1, 2, 64, 64, 64])
        XCTAssertEqual(region.size, GridSize(64, 64, 64))
    }

    /// The mirror flips i only, and averaging a crop with its mirror's pass gives a left-right
    /// symmetric answer: the mirrored input's averaged probabilities are the mirror of the input's.
    func testMirrorAverageIsSymmetricUnderTheMirror() throws {
        let shape = [1, 2, 4, 3, 2]
        let t = Tensor(shape: shape, values: (0..<48).map(Float.init))
        let m = t.mirroredAlongI()
        XCTAssertEqual(m.values[0], 18, "element (c 0, i 0, j 0, k 0) comes from i 3")
        XCTAssertEqual(m.values[24], 42, "channel 1 flips within itself")
        XCTAssertEqual(m.mirroredAlongI(), t)

        let net = teacher(.box)
        net.mirrorAverage = true
        var ct = Volume(size: GridSize(64, 64, 8), spacing: SIMD3(1, 1, 1.5))
        for n in ct.voxels.indices { ct.voxels[n] = Float((n * 7919) % 200) - 100 }
        var flipped = ct
        for k in 0..<8 { for j in 0..<64 { for i in 0..<64 { flipped[i, j, k] = ct[63 - i, j, k] } } }
        let object = boxes(x: 20...43, y: 20...43, slices: 2...5)   // symmetric about the middle in i
        let (p, _) = try net.probabilities(image: Preprocess().normalise(ct), boxes: object)
        let (q, _) = try net.probabilities(image: Preprocess().normalise(flipped), boxes: object)
        let s = p.size
        var worst: Float = 0
        for k in 0..<s.k { for j in 0..<s.j { for i in 0..<s.i { worst = max(worst, abs(p[i, j, k] - q[s.i - 1 - i, j, k])) } } }
        XCTAssertLessThan(worst, 1e-5)
        net.mirrorAverage = false
        let (r, _) = try net.probabilities(image: Preprocess().normalise(flipped), boxes: object)
        var apart: Float = 0
        for k in 0..<s.k { for j in 0..<s.j { for i in 0..<s.i { apart = max(apart, abs(p[i, j, k] - r[s.i - 1 - i, j, k])) } } }
        XCTAssertGreaterThan(apart, 1e-3, "without the average a random network is not symmetric")
    }

    /// A dense 10³ cube; the network is sure of its inner 6³ only and barely believes the rest;
    /// a dense blob outside the cube, not touching it, must not join.
    func testGrowingTakesDenseConnectedVoxelsOnly() {
        let size = GridSize(24, 24, 24)
        var hu = Volume(size: size, spacing: SIMD3(1, 1, 1)), p = Volume(size: size, spacing: SIMD3(1, 1, 1))
        for k in 0..<24 { for j in 0..<24 { for i in 0..<24 {
            hu[i, j, k] = -800
            let inCube = (5..<15).contains(i) && (5..<15).contains(j) && (5..<15).contains(k)
            let core = (7..<13).contains(i) && (7..<13).contains(j) && (7..<13).contains(k)
            let blob = (18..<21).contains(i) && (18..<21).contains(j) && (18..<21).contains(k)
            if inCube || blob { hu[i, j, k] = 40 }
            p[i, j, k] = core ? 0.95 : (inCube || blob ? 0.4 : 0.01)
        } } }
        let all = boxes(x: 0...23, y: 0...23, slices: 0...23)
        func volume(grow: Float?) -> Int {
            var mask = Volume(size: size, spacing: SIMD3(1, 1, 1))
            Postprocess(grow: grow, agreement: nil).apply(probabilities: p, boxes: all, lower: .zero, upper: SIMD3(23, 23, 23),
                                          hu: hu, into: &mask)
            return mask.voxels.reduce(0) { $0 + Int($1) }
        }
        XCTAssertEqual(volume(grow: nil), 216, "without growing only the sure core")
        XCTAssertEqual(volume(grow: 0.3), 1000, "growing fills the dense cube, not the separate blob")
        XCTAssertEqual(volume(grow: 0.5), 216, "voxels the network rules out stay out")
    }

    /// The probabilities of just the block the boxes span, placed by `origin`, give the mask that
    /// the whole grid's give (with the HU edge and growing, which read neighbours).
    func testPostprocessingABlockEqualsPostprocessingTheWholeGrid() {
        let size = GridSize(24, 24, 24)
        var hu = Volume(size: size, spacing: SIMD3(1, 1, 1)), p = Volume(size: size, spacing: SIMD3(1, 1, 1))
        for k in 0..<24 { for j in 0..<24 { for i in 0..<24 {
            let d = SIMD3(Double(i) - 12, Double(j) - 11, Double(k) - 12)
            let r = (d * d).sum().squareRoot()
            hu[i, j, k] = r < 5 ? 30 : (r < 6 ? -450 : -820)
            p[i, j, k] = Float(max(0.01, min(0.99, 1.2 - r / 6)))
        } } }
        let box = boxes(x: 5...19, y: 4...18, slices: 6...18)
        let lower = SIMD3(5, 4, 6), upper = SIMD3(19, 18, 18)
        var block = Volume(size: GridSize(15, 15, 13), spacing: SIMD3(1, 1, 1))
        for k in 0..<13 { for j in 0..<15 { for i in 0..<15 { block[i, j, k] = p[i + 5, j + 4, k + 6] } } }
        var whole = Volume(size: size, spacing: SIMD3(1, 1, 1)), placed = whole
        Postprocess().apply(probabilities: p, boxes: box, lower: lower, upper: upper, hu: hu, into: &whole)
        Postprocess().apply(probabilities: block, origin: lower, boxes: box, lower: lower, upper: upper, hu: hu, into: &placed)
        XCTAssertGreaterThan(whole.voxels.reduce(0, +), 300)
        XCTAssertEqual(placed.voxels, whole.voxels)
    }

    /// Ground glass around a small solid core: the dense voxels (the core) and the network's mask
    /// (the whole lesion) disagree, so the HU values must not cut the lesion down to its core;
    /// where the two agree, the HU edge decides, even against a sure network.
    func testTheHUEdgeIsUsedOnlyWhereItAgreesWithTheNetwork() {
        let size = GridSize(24, 24, 24)
        var hu = Volume(size: size, spacing: SIMD3(1, 1, 1)), p = Volume(size: size, spacing: SIMD3(1, 1, 1))
        func mask(lesion: ClosedRange<Int>, dense: ClosedRange<Int>, rule: Postprocess) -> Int {
            for k in 0..<24 { for j in 0..<24 { for i in 0..<24 {
                let inLesion = lesion.contains(i) && lesion.contains(j) && lesion.contains(k)
                let inDense = dense.contains(i) && dense.contains(j) && dense.contains(k)
                hu[i, j, k] = inDense ? 40 : (inLesion ? -600 : -850)
                p[i, j, k] = inLesion ? 0.95 : 0.01
            } } }
            var m = Volume(size: size, spacing: SIMD3(1, 1, 1))
            let box = boxes(x: lesion, y: lesion, slices: lesion)   // tight: Otsu splits lesion from core
            rule.apply(probabilities: p, boxes: box, lower: .zero, upper: SIMD3(23, 23, 23), hu: hu, into: &m)
            return m.voxels.reduce(0) { $0 + Int($1) }
        }
        // A 12³ ground-glass lesion with a 4³ solid core: DSC between them 0.07.
        XCTAssertEqual(mask(lesion: 6...17, dense: 10...13, rule: Postprocess()), 1728, "the network's lesion stands")
        XCTAssertEqual(mask(lesion: 6...17, dense: 10...13, rule: Postprocess(agreement: nil)), 64,
                       "always trusting the HU values cuts it to the core")
        // A solid 10³ tumour the network sees one voxel too wide on every side: DSC 0.73 → agreement 0.7.
        XCTAssertEqual(mask(lesion: 5...16, dense: 6...15, rule: Postprocess(agreement: 0.7)), 1000,
                       "where they agree, the HU edge decides")
        XCTAssertEqual(mask(lesion: 5...16, dense: 6...15, rule: Postprocess(agreement: 0.8)), 1728)
    }

    /// A fusion rule survives its own text, and malformed or out-of-range ones are refused.
    func testFusionRuleTextRoundTripsAndBadOnesAreRefused() throws {
        for rule in [Postprocess(), Postprocess(threshold: 0.4, sure: 0.8, grow: nil, agreement: nil)] {
            let back = try Postprocess(text: rule.text)
            XCTAssertEqual([back.threshold, back.sure, back.grow ?? -1, back.agreement ?? -1],
                           [rule.threshold, rule.sure, rule.grow ?? -1, rule.agreement ?? -1])
        }
        XCTAssertEqual(try Postprocess(text: "0.5,0.9,0.3").agreement, nil, "three parts: the HU edge always")
        for bad in ["", "0.5,0.9", "0.5,0.9,0.3,2", "0.5,0.9,0.3,0.7,1", "a,0.9,0.3", "0.5,1.5,0.3", "0.5,0.9,x", "0.5,,0.3"] {
            XCTAssertThrowsError(try Postprocess(text: bad), bad)
        }
    }
}
