import TestSupport
import XCTest
import Network
import Volumes
@testable import Student

/// `tutor segment`'s ensemble and left-right mirroring (Segmenter.meanProbabilities), and how the
/// bundled ensemble's files are found.
final class StudentEnsembleTests: XCTestCase {
    func student(seed: UInt64) -> StudentNetwork {
        StudentNetwork(net: UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2, 2, 4, 4, 4]), seed: seed),
                       variant: .so, weightsHash: "")
    }

    /// A 32 × 16 × 16 crop of smooth noise, not symmetric in any axis.
    var crop: Volume {
        var rng = SeededGenerator(seed: 3)
        return Volume(size: GridSize(32, 16, 16), spacing: SIMD3(1, 1, 1.5), voxels: (0..<8192).map { _ in Float(rng.normal()) })
    }

    func mirroredCrop(_ c: Volume) -> Volume {
        var m = c
        m.voxels = mirrored(c.voxels, c.size, true)
        return m
    }

    func assertClose(_ a: [Float], _ b: [Float], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-6, message, file: file, line: line)
    }

    func testEnsembleAveragesItsStudentsOnTheCropAndItsMirror() throws {
        let a = student(seed: 1), b = student(seed: 2), x = crop
        let pa = try a.probabilities(x), pb = try b.probabilities(x)
        let qa = mirrored(try a.probabilities(mirroredCrop(x)), x.size, true)
        let qb = mirrored(try b.probabilities(mirroredCrop(x)), x.size, true)

        let plain = try Segmenter(students: [a, b], mirror: false).meanProbabilities(x)
        assertClose(plain, zip(pa, pb).map { ($0 + $1) / 2 }, "without mirroring: the mean of the two students")
        let both = try Segmenter(students: [a, b], mirror: true).meanProbabilities(x)
        assertClose(both, (0..<pa.count).map { (pa[$0] + qa[$0] + pb[$0] + qb[$0]) / 4 }, "with mirroring: the mean of four runs")
        // Random networks are not mirror-symmetric, so mirroring must change something.
        XCTAssertGreaterThan(zip(both, plain).map { abs($0 - $1) }.max() ?? 0, 1e-4)
        // One student alone without mirroring is just that student.
        assertClose(try Segmenter(student: a, mirror: false).meanProbabilities(x), pa, "a lone student")
    }

    /// With mirroring, the probabilities of the mirrored crop are the mirror of the crop's
    /// probabilities: a tumour gets the same answer in either lung.
    func testMirroredSegmentationIsMirrorSymmetric() throws {
        let segmenter = Segmenter(student: student(seed: 5), mirror: true), x = crop
        let p = try segmenter.meanProbabilities(x)
        assertClose(try segmenter.meanProbabilities(mirroredCrop(x)), mirrored(p, x.size, true), "flip, segment = segment, flip")
        let plain = Segmenter(student: student(seed: 5), mirror: false)
        let unequal = zip(try plain.meanProbabilities(mirroredCrop(x)), mirrored(try plain.meanProbabilities(x), x.size, true))
        XCTAssertGreaterThan(unequal.map { abs($0 - $1) }.max() ?? 0, 1e-4, "without mirroring the symmetry does not hold")
    }

    func testBundledEnsembleIsTheFirstFileAndItsNumberedSiblings() throws {
        let dir = try temporaryFolder(self)
        for name in ["student-so.safetensors", "student-so-2.safetensors", "student-so-3.safetensors", "student-so-5.safetensors", "other-2.safetensors"] {
            try Data("x".utf8).write(to: dir.appendingPathComponent(name))
        }
        let found = BundledStudent.ensemble(startingAt: dir.appendingPathComponent("student-so.safetensors"))
        XCTAssertEqual(found.map(\.lastPathComponent), ["student-so.safetensors", "student-so-2.safetensors", "student-so-3.safetensors"],
                       "numbers count up from 2 and stop at the first gap")
    }
}
