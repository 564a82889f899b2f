import XCTest
import Foundation
@testable import Volumes

final class BoxFileTests: XCTestCase {
    func testDecodesDesignExampleWithDefaultObject() throws {
        let json = #"{"image": "ct.nii.gz", "boxes": [{"slice": 32, "x_min": 206, "y_min": 347, "x_max": 229, "y_max": 372}]}"#
        let file = try JSONDecoder().decode(BoxFile.self, from: Data(json.utf8))
        XCTAssertEqual(file.boxes, [Box(slice: 32, xMin: 206, yMin: 347, xMax: 229, yMax: 372, object: 1)])
    }
    func testSwappedCornersAreOrdered() {
        let b = Box(slice: 0, xMin: 9, yMin: 8, xMax: 1, yMax: 2)
        XCTAssertEqual([b.xMin, b.xMax, b.yMin, b.yMax], [1, 9, 2, 8])
    }
}
