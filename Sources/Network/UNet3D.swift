import Foundation
import Volumes

/// The UNet3D of `shared/MODEL.md` in float32: what the teacher and the students run and train.
///
///     let net = try UNet3D(contentsOf: weightsURL)          // or UNet3D(config:seed:) for He init
///     let p = try net.forward(input)                         // [1, in, A, B, C'] → [1, out, A, B, C']
///     let p = try net.forward(input, training: true)         // keeps what backward needs
///     let loss = DiceLoss.evaluate(prediction: p, target: g) // loss + ∂loss/∂p
///     try net.backward(loss.gradient)                        // gradients accumulate
///     optimizer.step(net); net.zeroGrad()
public final class UNet3D {
    public let config: UNetConfig
    /// Metadata written with the weights beyond the contract's keys: `role` (teacher-box,
    /// teacher-point, student-so, student-do), input names, spacing, crop, provenance…
    public var info: [String: String] = [:]
    let graph: UNetGraph<Float>

    /// Prefix of the optimiser tensors a checkpoint carries besides the weights.
    static let optimiserPrefix = "optim."

    /// A network with He-initialised weights (normal, σ = √(2 / fan-in)), unit norm scales,
    /// zero shifts and biases, PReLU slopes 0.25; `seed` makes it reproducible.
    public init(config: UNetConfig, seed: UInt64 = 1) {
        self.config = config
        graph = UNetGraph(config: config)
        var rng = SeededGenerator(seed: seed)
        for (name, shape) in config.parameterShapes {
            let p = graph.param(name), count = shape.reduce(1, *)
            if name.hasSuffix("conv.weight") || name.hasSuffix("head.weight") {
                // ConvTranspose3d k2 s2: each output voxel sums over the input channels only.
                let fanIn = name.contains(".up.") ? shape[0] : shape[1...].reduce(1, *)
                let sigma = (2 / Double(fanIn)).squareRoot()
                for i in 0..<count { p[i] = Float(rng.normal() * sigma) }
            } else if name.hasSuffix("norm.weight") {
                p.update(repeating: 1, count: count)
            } else if name.hasSuffix("act.weight") {
                p.update(repeating: 0.25, count: count)
            }
        }
    }

    /// Loads a weights file (or a checkpoint, whose optimiser tensors it ignores), refusing with
    /// one sentence naming the first disagreement with the contract.
    public convenience init(contentsOf url: URL) throws {
        try self.init(file: SafetensorsFile(contentsOf: url), name: url.path)
    }

    /// Builds the network a parsed safetensors file describes; `name` names it in errors.
    public init(file: SafetensorsFile, name: String) throws {
        config = try UNetConfig(metadata: file.metadata, file: name)
        graph = UNetGraph(config: config)
        let shapes = config.parameterShapes
        for (key, shape) in shapes {
            guard let t = file.tensors[key] else { throw TutorError("\(name) has no tensor '\(key)', which \(config.summary) needs.") }
            guard t.shape == shape else { throw TutorError("\(name): tensor '\(key)' has shape \(t.shape), expected \(shape).") }
            graph.param(key).update(from: t.values, count: t.values.count)
        }
        let known = Set(shapes.map(\.name))
        if let extra = file.tensors.keys.sorted().first(where: { !known.contains($0) && !$0.hasPrefix(Self.optimiserPrefix) }) {
            let hint = config.decoders == 1 && extra.hasPrefix(UNetConfig.decoderPrefix(1))
                ? " (a second decoder's tensor, but the metadata lacks '\(UNetConfig.decodersKey)' = 2)" : ""
            throw TutorError("\(name) has a tensor '\(extra)' that \(config.summary) does not have\(hint).")
        }
        info = file.metadata.filter { !UNetConfig.shapeKeys.contains($0.key) && !$0.key.hasPrefix(Self.optimiserPrefix) }
    }

    /// Makes this network keep its activation blocks between passes in `other`'s pool, for
    /// networks that run one after the other on inputs of one size (an ensemble): the blocks
    /// one pass frees, the next one reuses, so the ensemble holds one pass's memory instead of
    /// one per network and does not fault it in again for each.
    public func sharePool(with other: UNet3D) { graph.pool = other.graph.pool }

    /// Gives back the activation blocks kept for the next pass (`BufferPool`): for a program that
    /// sits idle between passes, such as the workbench between proposals, where holding a pass's
    /// memory costs more than faulting it in again (a few per cent of the next pass).
    public func releaseBuffers() { graph.pool.drain() }

    /// The number of trainable values.
    public var parameterCount: Int { graph.params.count }

    /// The weights as named tensors, with the contract's metadata and `info`.
    public func weightsFile() -> SafetensorsFile {
        var file = SafetensorsFile(metadata: info.merging(config.metadata) { _, contract in contract })
        for (name, shape) in config.parameterShapes {
            let p = graph.param(name)
            file.tensors[name] = Tensor(shape: shape, values: Array(UnsafeBufferPointer(start: p, count: shape.reduce(1, *))))
        }
        return file
    }

    /// Writes the weights atomically as safetensors.
    public func save(to url: URL) throws { try weightsFile().write(to: url) }

    /// One forward pass: input [1, in_channels, A, B, C'] → output [1, out_channels, A, B, C']
    /// (sigmoid probabilities). With `training` the activations are kept for `backward`.
    /// `firstDecoderOnly` runs the first decoder alone (its head's channels; all of them for a
    /// one-decoder network): the dual-output student's mask without the cost of its box decoder.
    public func forward(_ input: Tensor, training: Bool = false, name: String = "input",
                        firstDecoderOnly: Bool = false) throws -> Tensor {
        let dims = try config.inputDims(input.shape, name: name)
        let x = Buffer<Float>(input.values)
        let decoders = firstDecoderOnly ? 1 : config.decoders
        let p = graph.forward(x, dims: dims, training: training, decoders: decoders)
        return Tensor(shape: [1, decoders * config.headChannels, dims.a, dims.b, dims.c], values: p.array)
    }

    /// Adds ∂loss/∂parameters to the gradients, given dOutput = ∂loss/∂output for the last
    /// `forward(_, training: true)` (of its shape). Gradients accumulate until `zeroGrad`.
    public func backward(_ dOutput: Tensor) throws {
        if let expected = graph.pendingOutputCount, dOutput.values.count != expected {
            throw TutorError("backward got \(dOutput.values.count) output gradients for an output of \(expected) values.")
        }
        guard graph.backward(Buffer(dOutput.values)) else {
            throw TutorError("backward needs a forward pass with training: true just before it.")
        }
    }

    /// Times every layer of the following passes while set (`tutor bench teacher --layers`).
    public var layerClock: LayerClock? {
        get { graph.clock }
        set { graph.clock = newValue }
    }

    /// Sets every gradient to zero.
    public func zeroGrad() { graph.grads.zero() }

    /// The gradient block, in the order of `config.parameterShapes` (for inspection and tests).
    public var gradients: [Float] { graph.grads.array }
}

