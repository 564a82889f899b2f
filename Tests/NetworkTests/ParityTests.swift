import Foundation
import TestSupport
import XCTest
@testable import Network
import Volumes

/// The forward pass against onnxruntime running the same graph (shared/tools/unet_ref.py).
final class ParityTests: XCTestCase {
    private func check(weights: URL, input: URL, expected: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let net = try UNet3D(contentsOf: weights)
        let x = try SafetensorsFile(contentsOf: input).tensor("input", in: input.path)
        let reference = try SafetensorsFile(contentsOf: expected).tensor("output", in: expected.path)
        let y = try net.forward(x)
        XCTAssertEqual(y.shape, reference.shape, file: file, line: line)
        let error = relativeError(y.values, reference.values)
        XCTAssertLessThan(error, 1e-4, "relative error \(error) for \(weights.path)", file: file, line: line)
    }

    func testSharedFixture() throws {
        guard let shared = sharedFolder() else { throw XCTSkip("shared/ not found") }
        let dir = shared.appendingPathComponent("fixtures/unet3d-small")
        guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("expected.safetensors").path) else {
            throw XCTSkip("fixture unet3d-small absent")
        }
        try check(weights: dir.appendingPathComponent("weights.safetensors"), input: dir.appendingPathComponent("input.safetensors"),
                  expected: dir.appendingPathComponent("expected.safetensors"))
    }

    /// Cases of our own: other depths, channel lists, input and output channel counts.
    func testGeneratedCases() throws {
        let tool = try referenceTool()
        let cases: [(channels: String, cin: Int, cout: Int, size: Int, seed: Int)] = [
            ("8", 1, 1, 8, 3),                 // one level: no decoder at all
            ("4,8", 2, 1, 16, 4),
            ("3,5,7", 2, 2, 12, 5),            // odd channel counts, two outputs
            ("4,8,16,32", 2, 1, 16, 6),        // the teacher's depth
            ("2,4,8,16,32", 1, 1, 32, 7),      // the students' depth
            ("16,24,40", 2, 1, 20, 8),         // Winograd F(2,3) layers, odd tile rows at 5³
            ("16,32", 2, 1, 34, 9),            // F(4,3) at 34³ (a partial last tile), F(2,3) at 17³
        ]
        for c in cases {
            let dir = try temporaryFolder(self)
            let (status, output) = try python([tool.path, "make", "--channels", c.channels, "--in", String(c.cin),
                                               "--out-channels", String(c.cout), "--size", String(c.size),
                                               "--seed", String(c.seed), dir.path])
            XCTAssertEqual(status, 0, output)
            try check(weights: dir.appendingPathComponent("weights.safetensors"), input: dir.appendingPathComponent("input.safetensors"),
                      expected: dir.appendingPathComponent("expected.safetensors"))
        }
    }

    /// A non-cubic input (the tool makes cubes; its `run` takes any input).
    func testNonCubicInput() throws {
        let tool = try referenceTool()
        let dir = try temporaryFolder(self)
        XCTAssertEqual(try python([tool.path, "make", "--channels", "4,8,16", "--in", "2", "--size", "8", "--seed", "9", dir.path]).0, 0)
        let net = try UNet3D(contentsOf: dir.appendingPathComponent("weights.safetensors"))
        var rng = SeededGenerator(seed: 11)
        let shape = [1, 2, 8, 12, 20]
        let x = Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
        let input = dir.appendingPathComponent("odd.safetensors"), expected = dir.appendingPathComponent("odd-expected.safetensors")
        try SafetensorsFile(tensors: ["input": x]).write(to: input)
        let (status, output) = try python([tool.path, "run", dir.appendingPathComponent("weights.safetensors").path, input.path, expected.path])
        XCTAssertEqual(status, 0, output)
        let reference = try SafetensorsFile(contentsOf: expected).tensor("output", in: expected.path)
        let y = try net.forward(x)
        XCTAssertEqual(y.shape, [1, 1, 8, 12, 20])
        XCTAssertLessThan(relativeError(y.values, reference.values), 1e-4)
    }

    /// Saving and reloading keeps every weight and the extra metadata, and the same output.
    func testSaveReloadRoundTrip() throws {
        let dir = try temporaryFolder(self)
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]), seed: 5)
        net.info = ["role": "teacher-box", "provenance": "test"]
        let url = dir.appendingPathComponent("w.safetensors")
        try net.save(to: url)
        let back = try UNet3D(contentsOf: url)
        XCTAssertEqual(back.config, net.config)
        XCTAssertEqual(back.info, net.info)
        XCTAssertEqual(back.weightsFile().tensors, net.weightsFile().tensors)
        var rng = SeededGenerator(seed: 1)
        let x = Tensor(shape: [1, 2, 8, 8, 8], values: (0..<1024).map { _ in Float(rng.normal()) })
        XCTAssertEqual(try back.forward(x), try net.forward(x))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "w.safetensors" }
        XCTAssertEqual(leftovers, [], "the atomic write leaves no temporary file")
    }
}
