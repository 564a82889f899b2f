import Foundation
import TestSupport
import XCTest
@testable import Network
import Volumes

/// The dual-output student's graph: a second decoder (`dec2_` + MODEL.md's decoder names) on the
/// same encoder, its file format, and that one-decoder files mean exactly what they meant before.
final class TwoDecoderTests: XCTestCase {
    private let config = UNetConfig(inChannels: 1, outChannels: 2, channels: [3, 4, 5], decoders: 2)

    private func message(_ body: () throws -> Void) -> String {
        do { try body() } catch let e as TutorError { return e.message } catch { return "unexpected \(error)" }
        return "no error"
    }

    private func randomInput(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SeededGenerator(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
    }

    /// The one-decoder network made of the shared encoder and decoder `d` of `file` (its tensors
    /// with the prefix dropped).
    private func singleDecoder(_ d: Int, of file: SafetensorsFile) throws -> UNet3D {
        let prefix = UNetConfig.decoderPrefix(d)
        var single = SafetensorsFile(metadata: UNetConfig(inChannels: 1, outChannels: 1, channels: [3, 4, 5]).metadata)
        for (name, t) in file.tensors where name.hasPrefix("enc") { single.tensors[name] = t }
        for (name, t) in file.tensors where (d == 0) == !name.hasPrefix("dec2_") && !name.hasPrefix("enc") {
            single.tensors[String(name.dropFirst(prefix.count))] = t
        }
        return try UNet3D(file: single, name: "decoder \(d + 1)")
    }

    func testTwoDecodersAreTwoOneDecoderNetworksSharingTheEncoder() throws {
        let net = UNet3D(config: config, seed: 3)
        let x = randomInput([1, 1, 8, 8, 12], seed: 4)
        let y = try net.forward(x)
        XCTAssertEqual(y.shape, [1, 2, 8, 8, 12])
        let n = 8 * 8 * 12
        let mask = try singleDecoder(0, of: net.weightsFile()).forward(x)
        let box = try singleDecoder(1, of: net.weightsFile()).forward(x)
        XCTAssertEqual(Array(y.values[0..<n]), mask.values, "channel 0 is the first decoder's head")
        XCTAssertEqual(Array(y.values[n...]), box.values, "channel 1 is the second decoder's head")
        XCTAssertNotEqual(mask.values, box.values)
        // Inference may skip the box decoder: the same mask, one channel.
        let first = try net.forward(x, firstDecoderOnly: true)
        XCTAssertEqual(first.shape, [1, 1, 8, 8, 12])
        XCTAssertEqual(first.values, mask.values)
        // A one-level network: both heads on the encoder's output.
        let flat = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 2, channels: [3], decoders: 2), seed: 5)
        XCTAssertEqual(try flat.forward(randomInput([1, 1, 4, 4, 4], seed: 6)).shape, [1, 2, 4, 4, 4])
    }

    func testTensorNamesAndParameterCount() {
        let names = config.parameterShapes.map(\.name)
        let one = UNetConfig(inChannels: 1, outChannels: 1, channels: [3, 4, 5]).parameterShapes
        XCTAssertEqual(Array(config.parameterShapes.prefix(one.count)).map(\.name), one.map(\.name),
                       "the first decoder keeps MODEL.md's names and order")
        let second = one.filter { !$0.name.hasPrefix("enc") }.map { "dec2_" + $0.name }
        XCTAssertEqual(Array(names[one.count...]), second, "then the second decoder: dec2_ + MODEL.md's names")
        XCTAssertTrue(names.contains("dec2_dec1.up.conv.weight"))
        let shapes = Dictionary(uniqueKeysWithValues: config.parameterShapes.map { ($0.name, $0.shape) })
        XCTAssertEqual(shapes["head.weight"], [1, 3, 1, 1, 1])
        XCTAssertEqual(shapes["dec2_head.weight"], [1, 3, 1, 1, 1])
        XCTAssertEqual(shapes["dec2_dec0.0.conv.weight"], [3, 6, 3, 3, 3])
        XCTAssertEqual(config.metadata["decoders"], "2")
    }

    func testSaveLoadRoundTripAndCheckpoint() throws {
        let dir = try temporaryFolder(self)
        let net = UNet3D(config: config, seed: 7)
        net.info = ["role": "student-do"]
        let url = dir.appendingPathComponent("do.safetensors")
        try net.save(to: url)
        let raw = try SafetensorsFile(contentsOf: url)
        XCTAssertEqual(raw.metadata["decoders"], "2")
        XCTAssertNotNil(raw.tensors["dec2_head.bias"])
        let back = try UNet3D(contentsOf: url)
        XCTAssertEqual(back.config, net.config)
        XCTAssertEqual(back.info, net.info, "'decoders' is a shape key, not info")
        XCTAssertEqual(back.weightsFile().tensors, net.weightsFile().tensors)
        let x = randomInput([1, 1, 8, 8, 8], seed: 8)
        XCTAssertEqual(try back.forward(x), try net.forward(x))

        // A training step through both decoders, saved and resumed as a checkpoint.
        let trainer = Trainer(net: back, virtualBatch: 1)
        let target = Tensor(shape: [1, 2, 8, 8, 8], values: (0..<1024).map { Float(($0 / 7) % 2) })
        try trainer.train(input: x, target: target)
        let checkpoint = dir.appendingPathComponent("checkpoint.safetensors")
        try trainer.saveCheckpoint(to: checkpoint)
        let resumed = try Trainer(checkpoint: checkpoint)
        XCTAssertEqual(resumed.net.config.decoders, 2)
        XCTAssertEqual(resumed.optimizer.step, 1)
        XCTAssertEqual(try resumed.net.forward(x), try back.forward(x))
        XCTAssertNotEqual(try back.forward(x), try net.forward(x), "the step changed the weights")
    }

    /// MODEL.md's files are untouched: no `decoders` key is written, absent means one decoder, and
    /// the shared fixture still loads and runs (its values: ParityTests.testSharedFixture).
    func testOneDecoderFilesAreMODELmdFiles() throws {
        let single = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]), seed: 2)
        let file = single.weightsFile()
        XCTAssertNil(file.metadata["decoders"])
        XCTAssertEqual(file.tensors.keys.sorted(), [
            "dec0.0.act.weight", "dec0.0.conv.bias", "dec0.0.conv.weight", "dec0.0.norm.bias", "dec0.0.norm.weight",
            "dec0.1.act.weight", "dec0.1.conv.bias", "dec0.1.conv.weight", "dec0.1.norm.bias", "dec0.1.norm.weight",
            "dec0.up.act.weight", "dec0.up.conv.bias", "dec0.up.conv.weight", "dec0.up.norm.bias", "dec0.up.norm.weight",
            "enc0.0.act.weight", "enc0.0.conv.bias", "enc0.0.conv.weight", "enc0.0.norm.bias", "enc0.0.norm.weight",
            "enc0.1.act.weight", "enc0.1.conv.bias", "enc0.1.conv.weight", "enc0.1.norm.bias", "enc0.1.norm.weight",
            "enc1.0.act.weight", "enc1.0.conv.bias", "enc1.0.conv.weight", "enc1.0.norm.bias", "enc1.0.norm.weight",
            "enc1.1.act.weight", "enc1.1.conv.bias", "enc1.1.conv.weight", "enc1.1.norm.bias", "enc1.1.norm.weight",
            "head.bias", "head.weight"])
        var explicit = file
        explicit.metadata["decoders"] = "1"
        let loaded = try UNet3D(file: explicit, name: "w")
        XCTAssertEqual(loaded.config.decoders, 1)
        XCTAssertNil(loaded.info["decoders"])
        // On a one-decoder network the first decoder is the whole network, two-channel head included.
        let two = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 2, channels: [2, 2]), seed: 3)
        let x = randomInput([1, 1, 4, 4, 4], seed: 9)
        XCTAssertEqual(try two.forward(x, firstDecoderOnly: true), try two.forward(x))

        guard let shared = sharedFolder() else { throw XCTSkip("shared/ not found") }
        let fixture = shared.appendingPathComponent("fixtures/unet3d-small/weights.safetensors")
        guard FileManager.default.fileExists(atPath: fixture.path) else { throw XCTSkip("fixture unet3d-small absent") }
        let net = try UNet3D(contentsOf: fixture)
        XCTAssertEqual(net.config.decoders, 1)
        XCTAssertNil(net.weightsFile().metadata["decoders"])
    }

    func testBadTwoDecoderFilesAreRefusedInOneSentence() {
        let good = UNet3D(config: config).weightsFile()
        var f = good
        f.tensors["dec2_head.bias"] = nil
        XCTAssertEqual(message { _ = try UNet3D(file: f, name: "w") },
                       "w has no tensor 'dec2_head.bias', which a 3-level two-decoder UNet3D with channels 3,4,5 needs.")
        f = good
        f.tensors["dec2_dec0.0.conv.weight"] = Tensor(zeros: [3, 3, 3, 3, 3])
        XCTAssertEqual(message { _ = try UNet3D(file: f, name: "w") },
                       "w: tensor 'dec2_dec0.0.conv.weight' has shape [3, 3, 3, 3, 3], expected [3, 6, 3, 3, 3].")
        f = good
        f.metadata["decoders"] = "3"
        XCTAssertEqual(message { _ = try UNet3D(file: f, name: "w") }, "w: metadata 'decoders' is '3', expected 1 or 2.")
        f = good
        f.metadata["out_channels"] = "1"
        XCTAssertTrue(message { _ = try UNet3D(file: f, name: "w") }.contains("'decoders' is 2 but 'out_channels' is 1"))
        f = good
        f.metadata["decoders"] = nil
        XCTAssertTrue(message { _ = try UNet3D(file: f, name: "w") }.contains("'head.weight' has shape [1, 3, 1, 1, 1], expected [2, 3, 1, 1, 1]"))
        f.tensors["head.weight"] = Tensor(zeros: [2, 3, 1, 1, 1]); f.tensors["head.bias"] = Tensor(zeros: [2])
        XCTAssertEqual(message { _ = try UNet3D(file: f, name: "w") },
                       "w has a tensor 'dec2_dec0.0.act.weight' that a 3-level UNet3D with channels 3,4,5 does not have (a second decoder's tensor, but the metadata lacks 'decoders' = 2).")
    }

    func testBackwardRefusesAGradientOfTheWrongSize() throws {
        let net = UNet3D(config: config)
        _ = try net.forward(Tensor(zeros: [1, 1, 4, 4, 4]), training: true)
        XCTAssertEqual(message { try net.backward(Tensor(zeros: [1, 1, 4, 4, 4])) },
                       "backward got 64 output gradients for an output of 128 values.")
    }
}
