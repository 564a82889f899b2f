import Foundation
import XCTest
@testable import Volumes

final class BoxFormatsTests: XCTestCase {
    var tmp = ""
    override func setUpWithError() throws {
        tmp = NSTemporaryDirectory() + "tutor-boxes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: tmp) }

    let sample = BoxFile(image: "ct.nii.gz", boxes: [
        Box(slice: 3, xMin: 10, yMin: 20, xMax: 30, yMax: 40, object: 1),
        Box(slice: 4, xMin: 11, yMin: 21, xMax: 31, yMax: 41, object: 1),
        Box(slice: 4, xMin: 100, yMin: 120, xMax: 110, yMax: 125, object: 2),
    ])

    func testCSVRoundTrip() throws {
        let file = tmp + "/b.csv"
        try sample.csvData().write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(String(decoding: sample.csvData(), as: UTF8.self).split(separator: "\n").first,
                       "image,slice,x_min,y_min,x_max,y_max,object")
        XCTAssertEqual(try BoxFile.load(anyFormat: file), sample)
    }

    func testCSVWithoutObjectOrImageColumnsAndExtraColumns() throws {
        let file = tmp + "/b.csv"
        try Data("note, Y_MAX ,x_max,y_min,x_min,slice\r\nhello,9,8,7,6,5\r\n".utf8).write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try BoxFile.load(csv: file).boxes, [Box(slice: 5, xMin: 6, yMin: 7, xMax: 8, yMax: 9, object: 1)])
    }

    func testVOCRoundTripThroughAFolderOfSlices() throws {
        let folder = tmp + "/voc"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let docs = sample.vocDocuments(size: GridSize(512, 512, 80))
        XCTAssertEqual(docs.map(\.name), ["slice_0003.xml", "slice_0004.xml"])
        for doc in docs { try doc.data.write(to: URL(fileURLWithPath: folder + "/" + doc.name)) }
        XCTAssertEqual(try BoxFile.load(anyFormat: folder), sample)
        // VOC is 1-based on disk.
        XCTAssertTrue(String(decoding: docs[0].data, as: UTF8.self).contains("<xmin>11</xmin>"))
    }

    func testLungPETCTDxStyleFileTakesItsSliceFromTheName() throws {
        let xml = """
        <annotation>
          <folder>A0001</folder><filename>1.3.6.1.4.1.14519.5.2.1.6655.2359.1</filename>
          <source><database>Unknown</database></source>
          <size><width>512</width><height>512</height><depth>3</depth></size>
          <segmented>0</segmented>
          <object><name>A</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>
            <bndbox><xmin>265</xmin><ymin>326</ymin><xmax>300</xmax><ymax>360</ymax></bndbox></object>
        </annotation>
        """
        let file = tmp + "/A0001_slice_41.xml"
        try Data(xml.utf8).write(to: URL(fileURLWithPath: file))
        let boxes = try BoxFile.load(anyFormat: file)
        XCTAssertEqual(boxes.boxes, [Box(slice: 41, xMin: 264, yMin: 325, xMax: 299, yMax: 359, object: 1)])
        XCTAssertEqual(boxes.image, "1.3.6.1.4.1.14519.5.2.1.6655.2359.1")
    }

    func testUnknownExtensionAndNamelessSliceAreRefused() throws {
        let txt = tmp + "/b.txt"
        try Data().write(to: URL(fileURLWithPath: txt))
        XCTAssertThrowsError(try BoxFile.load(anyFormat: txt)) { XCTAssertTrue("\($0)".contains("unknown format")) }
        let xml = tmp + "/nameless.xml"
        try Data("<annotation><object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>".utf8)
            .write(to: URL(fileURLWithPath: xml))
        XCTAssertThrowsError(try BoxFile.load(anyFormat: xml)) { XCTAssertTrue("\($0)".contains("no slice number")) }
    }

    func testJSONSaveIsStableAndLoadsBack() throws {
        let file = tmp + "/b.json"
        try sample.jsonData().write(to: URL(fileURLWithPath: file))
        XCTAssertEqual(try BoxFile.load(json: file), sample)
        XCTAssertEqual(sample.jsonData(), sample.jsonData())
    }
}
