import Foundation
import Volumes

/// The shape of a UNet3D as `shared/MODEL.md` fixes it: input channels, output channels and
/// one channel count per level, top level first (the teacher has 4 levels, a student 5).
///
/// `decoders` = 2 is our extension for the dual-output student (Docs/network.md): a second decoder
/// on the same encoder, with its own 1-channel head; the output is [first head, second head].
public struct UNetConfig: Equatable, Sendable {
    public var inChannels: Int
    public var outChannels: Int
    public var channels: [Int]
    /// 1 (MODEL.md's graph) or 2 (then `outChannels` is 2: one channel per decoder).
    public var decoders: Int

    public init(inChannels: Int, outChannels: Int, channels: [Int], decoders: Int = 1) {
        precondition(decoders == 1 || (decoders == 2 && outChannels == 2), "a two-decoder UNet3D has out_channels 2")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.channels = channels
        self.decoders = decoders
    }

    public var levels: Int { channels.count }

    /// Reads the contract's metadata keys; `file` names the source in the error.
    public init(metadata m: [String: String], file: String) throws {
        guard m["format"] == "unet3d" else {
            throw TutorError("\(file): metadata 'format' is \(m["format"].map { "'\($0)'" } ?? "missing"), expected 'unet3d'.")
        }
        guard m["version"] == "1" else {
            throw TutorError("\(file): metadata 'version' is \(m["version"].map { "'\($0)'" } ?? "missing"), expected '1'.")
        }
        func count(_ key: String) throws -> Int {
            guard let s = m[key], let v = Int(s.trimmingCharacters(in: .whitespaces)), v > 0 else {
                throw TutorError("\(file): metadata '\(key)' is \(m[key].map { "'\($0)'" } ?? "missing"), expected a positive integer.")
            }
            return v
        }
        let inC = try count("in_channels"), outC = try count("out_channels")
        let list = (m["channels"] ?? "").split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw TutorError("\(file): metadata 'channels' is \(m["channels"].map { "'\($0)'" } ?? "missing"), expected a comma list of positive integers such as 8,16,32,64.")
        }
        let decoders = try Self.decoders(metadata: m, outChannels: outC, file: file)
        self.init(inChannels: inC, outChannels: outC, channels: list.map { $0! }, decoders: decoders)
    }

    /// The metadata keys that describe the shape (the rest of a file's metadata is `UNet3D.info`).
    static let shapeKeys: Set<String> = ["format", "version", "in_channels", "out_channels", "channels", decodersKey]

    /// The contract's metadata keys for this shape; `decoders` only when it is 2, so a one-decoder
    /// file is exactly MODEL.md's.
    public var metadata: [String: String] {
        var m = ["format": "unet3d", "version": "1", "in_channels": String(inChannels),
                 "out_channels": String(outChannels), "channels": channels.map(String.init).joined(separator: ",")]
        if decoders > 1 { m[Self.decodersKey] = String(decoders) }
        return m
    }

    /// Every parameter tensor, name and PyTorch shape, in the contract's order.
    public var parameterShapes: [(name: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        func block(_ prefix: String, _ a: Int, _ b: Int) {
            out.append(("\(prefix).conv.weight", [b, a, 3, 3, 3]))
            affine(prefix, b)
        }
        func affine(_ prefix: String, _ b: Int) {
            for p in ["conv.bias", "norm.weight", "norm.bias", "act.weight"] { out.append(("\(prefix).\(p)", [b])) }
        }
        var prev = inChannels
        for (i, c) in channels.enumerated() {
            block("enc\(i).0", prev, c)
            block("enc\(i).1", c, c)
            prev = c
        }
        for d in 0..<decoders {
            let name = Self.decoderPrefix(d)
            for i in (0..<(levels - 1)).reversed() {
                let c = channels[i], below = channels[i + 1]
                out.append(("\(name)dec\(i).up.conv.weight", [below, c, 2, 2, 2]))
                affine("\(name)dec\(i).up", c)
                block("\(name)dec\(i).0", 2 * c, c)
                block("\(name)dec\(i).1", c, c)
            }
            out.append(("\(name)head.weight", [headChannels, channels[0], 1, 1, 1]))
            out.append(("\(name)head.bias", [headChannels]))
        }
        return out
    }

    /// The spatial size of the level-`level` feature maps for an input of `dims`.
    func dims(at level: Int, input: Dims) -> Dims {
        Dims(input.a >> level, input.b >> level, input.c >> level)
    }

    /// Checks an input shape [1, C, A, B, C'] against this network; `name` names it in the error.
    public func inputDims(_ shape: [Int], name: String) throws -> Dims {
        guard shape.count == 5, shape[0] == 1 else {
            throw TutorError("\(name): the input must have shape [1, \(inChannels), A, B, C], not \(shape).")
        }
        guard shape[1] == inChannels else {
            throw TutorError("\(name): the input has \(shape[1]) channels but the network takes \(inChannels).")
        }
        let factor = 1 << (levels - 1)
        for axis in 2..<5 where shape[axis] <= 0 || shape[axis] % factor != 0 {
            throw TutorError("\(name): input size \(shape[2])×\(shape[3])×\(shape[4]) is not divisible by \(factor) (2^\(levels - 1) for a \(levels)-level network) on every axis.")
        }
        return Dims(shape[2], shape[3], shape[4])
    }

    /// Multiply-adds ×2 of one forward pass on an input of `dims` (convolutions only).
    public func flops(input dims: Dims) -> Double {
        var total = 0.0, prev = inChannels
        for (i, c) in channels.enumerated() {
            let n = Double(self.dims(at: i, input: dims).count)
            total += 2 * n * 27 * Double(prev * c) + 2 * n * 27 * Double(c * c)
            prev = c
        }
        for i in 0..<(levels - 1) {
            let c = Double(channels[i]), below = Double(channels[i + 1])
            let n = Double(self.dims(at: i, input: dims).count)
            total += Double(decoders) * (2 * n * below * c + 2 * n * 27 * 2 * c * c + 2 * n * 27 * c * c)
        }
        return total + 2 * Double(dims.count) * Double(channels[0] * outChannels)
    }
}
