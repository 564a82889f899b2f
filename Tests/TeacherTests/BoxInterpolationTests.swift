import XCTest
import Volumes
@testable import Teacher

final class BoxInterpolationTests: XCTestCase {
    func testSkippedSlicesGetLinearlyMovingBoxes() {
        let boxes = [Box(slice: 2, xMin: 10, yMin: 20, xMax: 20, yMax: 30),
                     Box(slice: 5, xMin: 13, yMin: 20, xMax: 29, yMax: 24)]
        XCTAssertEqual(interpolateBoxes(boxes), [
            boxes[0],
            Box(slice: 3, xMin: 11, yMin: 20, xMax: 23, yMax: 28),
            Box(slice: 4, xMin: 12, yMin: 20, xMax: 26, yMax: 26),
            boxes[1],
        ])
    }

    func testObjectsAreInterpolatedSeparatelyAndSameSliceBoxesMerge() {
        let boxes = [Box(slice: 0, xMin: 0, yMin: 0, xMax: 4, yMax: 4, object: 2),
                     Box(slice: 0, xMin: 6, yMin: 1, xMax: 8, yMax: 2, object: 2),
                     Box(slice: 1, xMin: 50, yMin: 50, xMax: 60, yMax: 60, object: 1),
                     Box(slice: 3, xMin: 50, yMin: 50, xMax: 60, yMax: 60, object: 1)]
        let out = interpolateBoxes(boxes)
        XCTAssertEqual(out.map(\.object), [1, 1, 1, 2])
        XCTAssertEqual(out.map(\.slice), [1, 2, 3, 0])
        XCTAssertEqual(out[3], Box(slice: 0, xMin: 0, yMin: 0, xMax: 8, yMax: 4, object: 2))
    }
}
