import Foundation
import Volumes
import TestSupport
import XCTest
@testable import Network

/// Bad files and inputs are refused with one sentence that names the first problem.
final class SafetensorsTests: XCTestCase {
    private let config = UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8])

    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as TutorError { return e.message } catch { return "unexpected \(error)" }
        return "no error"
    }

    /// Writes a file from a raw header and data block.
    private func raw(_ header: String, data: [UInt8], in dir: URL) throws -> URL {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8) + data
        let url = dir.appendingPathComponent("raw.safetensors")
        try Data(bytes).write(to: url)
        return url
    }

    func testRoundTripKeepsTensorsAndMetadata() throws {
        let dir = try temporaryFolder(self)
        let file = SafetensorsFile(tensors: ["a": Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]), "b\"q": Tensor(shape: [], values: [7])],
                                   metadata: ["k": "v \"quoted\""])
        let url = dir.appendingPathComponent("t.safetensors")
        try file.write(to: url)
        let back = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(back.tensors, file.tensors)
        XCTAssertEqual(back.metadata, file.metadata)
        let headerLength = try Data(contentsOf: url).prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual((8 + headerLength) % 8, 0, "data starts 8-byte aligned")
    }

    func testBrokenFilesAreRefused() throws {
        let dir = try temporaryFolder(self)
        let four = [UInt8](repeating: 0, count: 16)
        var url = try raw(#"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, data: Array(four.prefix(10)), in: dir)
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: url) }.contains("truncated"))
        url = try raw(#"{"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: four, in: dir)
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: url) }.contains("F16"))
        url = try raw(#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: four, in: dir)
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: url) }.contains("shape [3]"))
        url = try raw(#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: four, in: dir)
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: url) }.contains("overlap"))
        url = try raw("{not json", data: four, in: dir)
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: url) }.contains("not valid JSON"))
        try Data([1, 2, 3]).write(to: url)
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: url) }.contains("not a safetensors file"))
        XCTAssertTrue(message { _ = try SafetensorsFile(contentsOf: dir.appendingPathComponent("absent")) }.contains("cannot read"))
    }

    func testModelFilesThatDisagreeWithTheContractAreRefused() throws {
        let good = UNet3D(config: config).weightsFile()
        var f = good
        f.tensors["dec0.1.norm.bias"] = nil
        XCTAssertEqual(message { _ = try UNet3D(file: f, name: "w") }, "w has no tensor 'dec0.1.norm.bias', which a 2-level UNet3D with channels 4,8 needs.")
        f = good
        f.tensors["dec0.up.conv.weight"] = Tensor(zeros: [4, 8, 2, 2, 2])
        XCTAssertEqual(message { _ = try UNet3D(file: f, name: "w") }, "w: tensor 'dec0.up.conv.weight' has shape [4, 8, 2, 2, 2], expected [8, 4, 2, 2, 2].")
        f = good
        f.metadata["channels"] = "4,x"
        XCTAssertTrue(message { _ = try UNet3D(file: f, name: "w") }.contains("metadata 'channels'"))
        f = good
        f.metadata["format"] = nil
        XCTAssertTrue(message { _ = try UNet3D(file: f, name: "w") }.contains("'format' is missing"))
        f = good
        f.metadata["version"] = "2"
        XCTAssertTrue(message { _ = try UNet3D(file: f, name: "w") }.contains("'version' is '2'"))
        f = good
        f.tensors["extra"] = Tensor(zeros: [1])
        XCTAssertTrue(message { _ = try UNet3D(file: f, name: "w") }.contains("'extra'"))
    }

    func testInputsThatDoNotFitAreRefused() throws {
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [2, 2, 2]))
        XCTAssertTrue(message { _ = try net.forward(Tensor(zeros: [1, 2, 8, 8, 6])) }.contains("not divisible by 4"))
        XCTAssertTrue(message { _ = try net.forward(Tensor(zeros: [1, 1, 8, 8, 8])) }.contains("1 channels but the network takes 2"))
        XCTAssertTrue(message { _ = try net.forward(Tensor(zeros: [2, 8, 8, 8])) }.contains("must have shape"))
        XCTAssertTrue(message { try net.backward(Tensor(zeros: [1, 1, 8, 8, 8])) }.contains("training: true"))
    }
}
