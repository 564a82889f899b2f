import XCTest
@testable import Volumes

final class BoxesFromMaskTests: XCTestCase {
    /// A 10×8×4 mask with voxels set at the given (i, j, k).
    func mask(_ points: [(Int, Int, Int)], spacing: SIMD3<Double> = [1, 1, 1]) -> Volume {
        var m = Volume(size: GridSize(10, 8, 4), spacing: spacing)
        for (i, j, k) in points { m[i, j, k] = 1 }
        return m
    }

    func testTwoObjectsGiveOneBoxPerSlicePerObjectNumberedFromTheLowestSlice() {
        let m = mask([(1, 1, 1), (2, 3, 1), (2, 2, 2),   // object 1: slices 1-2
                      (7, 6, 0), (8, 6, 0)])              // object 2 starts lower: it is object 1
        let boxes = axialBoxes(of: m)
        XCTAssertEqual(boxes, [
            Box(slice: 0, xMin: 7, yMin: 6, xMax: 8, yMax: 6, object: 1),
            Box(slice: 1, xMin: 1, yMin: 1, xMax: 2, yMax: 3, object: 2),
            Box(slice: 2, xMin: 2, yMin: 2, xMax: 2, yMax: 2, object: 2),
        ])
    }

    func testDiagonalNeighboursJoinUnderFullButNotFaceConnectivity() {
        let m = mask([(1, 1, 1), (2, 2, 2)])
        XCTAssertEqual(connectedComponents(of: m).count, 1)
        XCTAssertEqual(connectedComponents(of: m, connectivity: .faces).count, 2)
        XCTAssertEqual(connectedComponents(of: m, connectivity: .faces).voxelCounts, [1, 1])
    }

    /// `filterObjects` sees the objects `connectedComponents` finds, in its order, and clears
    /// exactly those it is told to drop (here every second one and every one under 4 voxels).
    func testFilterObjectsDropsWhatConnectedComponentsWouldDrop() {
        var rng = SeededGenerator(seed: 11)
        // Below each connectivity's percolation threshold, so that there are many objects.
        for (connectivity, density) in [(Connectivity.full, 0.06), (.faces, 0.2)] {
            var m = Volume(size: GridSize(23, 17, 9), spacing: SIMD3(1, 1, 1))
            for v in m.voxels.indices where rng.uniform(0...1) < density { m.voxels[v] = 1 }
            let objects = connectedComponents(of: m, connectivity: connectivity)
            XCTAssertGreaterThan(objects.count, 20)
            var expected = m
            for v in expected.voxels.indices where objects.labels[v] > 0 {
                let n = Int(objects.labels[v])
                if n % 2 == 0 || objects.voxelCounts[n - 1] < 4 { expected.voxels[v] = 0 }
            }
            var seen = 0, sizes: [Int] = []
            filterObjects(of: &m, connectivity: connectivity) { voxels in
                seen += 1
                sizes.append(voxels.count)
                return seen % 2 == 1 && voxels.count >= 4
            }
            XCTAssertEqual(sizes, objects.voxelCounts, "the same objects in the same order")
            XCTAssertEqual(m.voxels, expected.voxels)
        }
    }

    func testEmptyMaskHasNoBoxes() {
        XCTAssertEqual(axialBoxes(of: mask([])), [])
    }

    func testExactStyleReturnsTheTightBoxes() {
        let tight = axialBoxes(of: mask([(3, 3, 0), (4, 4, 1), (4, 5, 2), (3, 3, 3)]))
        var rng = SeededGenerator(seed: 1)
        XCTAssertEqual(humanLikeBoxes(tight, spacing: [0.7, 0.7, 2], size: GridSize(10, 8, 4),
                                      style: .exact, using: &rng), tight)
    }

    func testHumanBoxesGrowWithinThreeMillimetresAndKeepTheEndSlices() {
        var big = Volume(size: GridSize(100, 100, 30), spacing: [0.5, 0.8, 2])
        for k in 5...20 { for j in 40...60 { for i in 30...70 { big[i, j, k] = 1 } } }
        let tight = axialBoxes(of: big)
        var rng = SeededGenerator(seed: 7)
        let style = AnnotatorStyle(maxGrowMM: 3, maxShiftMM: 0, skipProbability: 0.3)
        let loose = humanLikeBoxes(tight, spacing: big.spacing, size: big.size, style: style, using: &rng)
        XCTAssertEqual(loose.first?.slice, 5)
        XCTAssertEqual(loose.last?.slice, 20)
        XCTAssertLessThan(loose.count, tight.count, "with a 30 % skip chance over 14 inner slices some are skipped")
        for b in loose {
            XCTAssert((30 - 6)...30 ~= b.xMin && 70...(70 + 6) ~= b.xMax, "x grows by at most 3 mm = 6 voxels: \(b)")
            XCTAssert((40 - 4)...40 ~= b.yMin && 60...(60 + 4) ~= b.yMax, "y grows by at most 3 mm ≈ 4 voxels: \(b)")
        }
        XCTAssertNotEqual(Set(loose.map(\.xMin)).count, 1, "growth varies from slice to slice")
    }

    func testHumanBoxesAreReproducedFromTheSeedAndStayInsideTheGrid() {
        let tight = [Box(slice: 0, xMin: 0, yMin: 0, xMax: 9, yMax: 7), Box(slice: 1, xMin: 0, yMin: 0, xMax: 9, yMax: 7)]
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        let style = AnnotatorStyle(maxGrowMM: 3, maxShiftMM: 2, skipProbability: 0)
        let one = humanLikeBoxes(tight, spacing: [1, 1, 1], size: GridSize(10, 8, 2), style: style, using: &a)
        let two = humanLikeBoxes(tight, spacing: [1, 1, 1], size: GridSize(10, 8, 2), style: style, using: &b)
        XCTAssertEqual(one, two)
        for box in one { XCTAssert(box.xMin >= 0 && box.xMax <= 9 && box.yMin >= 0 && box.yMax <= 7) }
    }
}
