import Volumes
import XCTest
@testable import Network
import Volumes

/// Every op's backward, and the whole network's, against central finite differences in Double.
/// The checked code is the engine's own (generic over the number type; Double here).
final class GradientTests: XCTestCase {
    private var rng = SeededGenerator(seed: 42)

    private func randomBuffer(_ n: Int, scale: Double = 1) -> Buffer<Double> {
        let b = Buffer<Double>(count: n)
        for i in 0..<n { b.pointer[i] = rng.normal() * scale }
        return b
    }

    /// Compares analytic gradient entries with (f(x+h) − f(x−h)) / 2h on up to `samples` entries of x.
    private func checkGradient(_ label: String, x: UnsafeMutablePointer<Double>, count: Int, analytic: [Double],
                               samples: Int = 40, loss: () -> Double, file: StaticString = #filePath, line: UInt = #line) {
        let h = 1e-5
        let step = max(1, count / samples)
        var worst = 0.0
        for i in Swift.stride(from: 0, to: count, by: step) {
            let saved = x[i]
            x[i] = saved + h; let up = loss()
            x[i] = saved - h; let down = loss()
            x[i] = saved
            let numeric = (up - down) / (2 * h)
            let error = abs(numeric - analytic[i]) / max(abs(numeric), abs(analytic[i]), 1e-3)
            worst = error.isNaN ? .infinity : max(worst, error)   // max would pass a NaN by
        }
        XCTAssertLessThan(worst, 1e-5, "\(label): worst relative gradient error \(worst)", file: file, line: line)
    }

    /// Σ out · r: a loss whose gradient with respect to out is r.
    private func project(_ out: Buffer<Double>, _ r: Buffer<Double>) -> Double {
        (0..<out.count).reduce(0) { $0 + out.pointer[$1] * r.pointer[$1] }
    }

    func testConv3BothStrides() {
        for stride in [1, 2] {
            let scratch = Scratch<Double>()
            let inDims = stride == 1 ? Dims(6, 5, 3) : Dims(4, 6, 4)   // stride 1: tiles straddle depths
            let od = Conv3.outDims(inDims, stride: stride)
            let cinA = 2, cinB = 1, cout = 3, cin = cinA + cinB
            // Two input blocks, as the decoder's concat gives them.
            let a = randomBuffer(cinA * inDims.count), b = randomBuffer(cinB * inDims.count)
            let w = randomBuffer(cout * cin * 27, scale: 0.3), r = randomBuffer(cout * od.count)
            let inputs = (0..<cinA).map { UnsafePointer(a.channel($0, spatial: inDims.count)) } + [UnsafePointer(b.pointer)]
            func loss() -> Double {
                let out = Buffer<Double>(count: cout * od.count)
                Conv3.forward(input: inputs, inDims: inDims, stride: stride, weights: w.pointer,
                              outputs: [(out.pointer, 2), (out.pointer + 2 * od.count, 1)], accumulate: false, scratch: scratch)
                return project(out, r)
            }
            let dW = Buffer<Double>(count: w.count, zeroed: true)
            Conv3.weightGradient(input: inputs, inDims: inDims, stride: stride, dOutput: r.pointer, cout: cout,
                                 dWeights: dW.pointer, scratch: scratch)
            // dInput accumulates onto what is there: start from 1 and subtract it after.
            let dA = Buffer<Double>(count: a.count), dB = Buffer<Double>(count: b.count)
            dA.pointer.update(repeating: 1, count: dA.count); dB.pointer.update(repeating: 1, count: dB.count)
            Conv3.inputGradient(dOutput: r.pointer, cout: cout, inDims: inDims, stride: stride, weights: w.pointer,
                                dInput: [(dA.pointer, cinA), (dB.pointer, cinB)],
                                accumulate: true, scratch: scratch)
            checkGradient("conv stride \(stride) weights", x: w.pointer, count: w.count, analytic: dW.array, loss: loss)
            checkGradient("conv stride \(stride) input A", x: a.pointer, count: a.count, analytic: dA.array.map { $0 - 1 }, loss: loss)
            checkGradient("conv stride \(stride) input B", x: b.pointer, count: b.count, analytic: dB.array.map { $0 - 1 }, loss: loss)
        }
    }

    /// Stride 2 on planes wide enough that each slab's input gradient is taken in chunks of rows
    /// (20 channels at 30² output: 17 rows, then 13): ⟨conv(x), r⟩ = ⟨x, ∂/∂x⟩ must still hold.
    func testConv3Stride2InputGradientInChunksIsTheAdjoint() {
        let scratch = Scratch<Double>()
        let inDims = Dims(3, 60, 59), cin = 20, cout = 2
        let od = Conv3.outDims(inDims, stride: 2)
        let x = randomBuffer(cin * inDims.count), w = randomBuffer(cout * cin * 27), r = randomBuffer(cout * od.count)
        let out = Buffer<Double>(count: r.count)
        Conv3.forward(input: (0..<cin).map { UnsafePointer(x.channel($0, spatial: inDims.count)) }, inDims: inDims,
                      stride: 2, weights: w.pointer, outputs: [(out.pointer, cout)], accumulate: false, scratch: scratch)
        let dX = Buffer<Double>(count: x.count)
        Conv3.inputGradient(dOutput: r.pointer, cout: cout, inDims: inDims, stride: 2, weights: w.pointer,
                            dInput: [(dX.pointer, cin)], accumulate: false, scratch: scratch)
        let lhs = project(out, r), rhs = project(x, dX)
        XCTAssertEqual(lhs, rhs, accuracy: 1e-9 * abs(lhs))
    }

    func testConvTranspose() {
        let scratch = Scratch<Double>()
        let inDims = Dims(2, 3, 2), cin = 3, cout = 2
        let x = randomBuffer(cin * inDims.count), w = randomBuffer(cin * cout * 8), r = randomBuffer(cout * inDims.doubled.count)
        func loss() -> Double {
            let out = Buffer<Double>(count: r.count)
            ConvTranspose2.forward(input: x.pointer, cin: cin, inDims: inDims, weights: w.pointer, cout: cout, output: out.pointer, scratch: scratch)
            return project(out, r)
        }
        let dW = Buffer<Double>(count: w.count, zeroed: true), dX = Buffer<Double>(count: x.count)
        let dOut = Buffer<Double>(r.array)
        ConvTranspose2.backward(input: x.pointer, cin: cin, inDims: inDims, weights: w.pointer, cout: cout, dOutput: dOut.pointer,
                                dWeights: dW.pointer, dInput: dX.pointer, scratch: scratch)
        checkGradient("transpose conv weights", x: w.pointer, count: w.count, analytic: dW.array, loss: loss)
        checkGradient("transpose conv input", x: x.pointer, count: x.count, analytic: dX.array, loss: loss)
    }

    func testNormPReLU() {
        let c = 3, n = 60
        let x = randomBuffer(c * n, scale: 2), r = randomBuffer(c * n)
        let gamma = Buffer<Double>([1.2, 0.7, -0.5]), beta = Buffer<Double>([0.1, -0.3, 0.2]), slope = Buffer<Double>([0.25, 0.05, 0.4])
        func loss() -> Double {
            let work = Buffer<Double>(x.array), mean = Buffer<Double>(count: c), rstd = Buffer<Double>(count: c)
            NormPReLU.forward(x: work.pointer, channels: c, spatial: n, gamma: gamma.pointer, beta: beta.pointer,
                              slope: slope.pointer, y: nil, mean: mean.pointer, rstd: rstd.pointer)
            return project(work, r)
        }
        let kept = Buffer<Double>(x.array), y = Buffer<Double>(count: x.count)
        let mean = Buffer<Double>(count: c), rstd = Buffer<Double>(count: c)
        NormPReLU.forward(x: kept.pointer, channels: c, spatial: n, gamma: gamma.pointer, beta: beta.pointer,
                          slope: slope.pointer, y: y.pointer, mean: mean.pointer, rstd: rstd.pointer)
        XCTAssertEqual(project(y, r), loss(), accuracy: 1e-9, "training and inference paths agree")
        XCTAssertEqual(kept.array, x.array, "training keeps the norm's input as it was")
        let d = Buffer<Double>(r.array)
        let dG = Buffer<Double>(count: c, zeroed: true), dB = Buffer<Double>(count: c, zeroed: true), dS = Buffer<Double>(count: c, zeroed: true)
        NormPReLU.backward(dy: d.pointer, x: kept.pointer, channels: c, spatial: n, gamma: gamma.pointer, beta: beta.pointer,
                           slope: slope.pointer, mean: mean.pointer, rstd: rstd.pointer,
                           dGamma: dG.pointer, dBeta: dB.pointer, dSlope: dS.pointer)
        checkGradient("norm input", x: x.pointer, count: x.count, analytic: d.array, loss: loss)
        checkGradient("norm scale", x: gamma.pointer, count: c, analytic: dG.array, loss: loss)
        checkGradient("norm shift", x: beta.pointer, count: c, analytic: dB.array, loss: loss)
        checkGradient("PReLU slope", x: slope.pointer, count: c, analytic: dS.array, loss: loss)
        // From the activation alone (written over the input, as training does where it can):
        // the same gradients.
        XCTAssertTrue(NormPReLU.recoverable(gamma: gamma.pointer, slope: slope.pointer, channels: c))
        let act = Buffer<Double>(x.array)
        NormPReLU.forward(x: act.pointer, channels: c, spatial: n, gamma: gamma.pointer, beta: beta.pointer,
                          slope: slope.pointer, y: nil, mean: mean.pointer, rstd: rstd.pointer)
        let d2 = Buffer<Double>(r.array)
        let dG2 = Buffer<Double>(count: c, zeroed: true), dB2 = Buffer<Double>(count: c, zeroed: true), dS2 = Buffer<Double>(count: c, zeroed: true)
        NormPReLU.backward(dy: d2.pointer, y: act.pointer, channels: c, spatial: n, gamma: gamma.pointer, beta: beta.pointer,
                           slope: slope.pointer, rstd: rstd.pointer, dGamma: dG2.pointer, dBeta: dB2.pointer, dSlope: dS2.pointer)
        for (name, a, b) in [("input", d.array, d2.array), ("scale", dG.array, dG2.array), ("shift", dB.array, dB2.array),
                             ("slope", dS.array, dS2.array)] {
            for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-10 * max(1, abs(u)), "from the activation: \(name)") }
        }
        slope.pointer[1] = -0.1
        XCTAssertFalse(NormPReLU.recoverable(gamma: gamma.pointer, slope: slope.pointer, channels: c), "a negative slope hides z's sign")
        slope.pointer[1] = 0.05; gamma.pointer[2] = 1e-4
        XCTAssertFalse(NormPReLU.recoverable(gamma: gamma.pointer, slope: slope.pointer, channels: c), "γ near 0 loses x̂")
    }

    func testHead() {
        let cin = 3, cout = 2, n = 40
        let x = randomBuffer(cin * n), w = randomBuffer(cout * cin), b = randomBuffer(cout), r = randomBuffer(cout * n)
        func loss() -> Double {
            let p = Buffer<Double>(count: cout * n)
            Head.forward(x: x.pointer, cin: cin, spatial: n, weights: w.pointer, bias: b.pointer, cout: cout, p: p.pointer)
            return project(p, r)
        }
        let p = Buffer<Double>(count: cout * n)
        Head.forward(x: x.pointer, cin: cin, spatial: n, weights: w.pointer, bias: b.pointer, cout: cout, p: p.pointer)
        let d = Buffer<Double>(r.array), dW = Buffer<Double>(count: w.count, zeroed: true)
        let dB = Buffer<Double>(count: cout, zeroed: true), dX = Buffer<Double>(count: x.count)
        Head.backward(x: x.pointer, cin: cin, spatial: n, weights: w.pointer, cout: cout, p: p.pointer, dp: d.pointer,
                      dWeights: dW.pointer, dBias: dB.pointer, dx: dX.pointer)
        checkGradient("head weights", x: w.pointer, count: w.count, analytic: dW.array, loss: loss)
        checkGradient("head bias", x: b.pointer, count: cout, analytic: dB.array, loss: loss)
        checkGradient("head input", x: x.pointer, count: x.count, analytic: dX.array, loss: loss)
    }

    func testDiceLoss() {
        let n = 50
        let p = Buffer<Double>((0..<n).map { _ in Double.random(in: 0.01..<0.99, using: &rng) })
        let g = Buffer<Double>((0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < 0.3 ? 1 : 0 })
        let grad = Buffer<Double>(count: n), scratchGrad = Buffer<Double>(count: n)
        _ = DiceLoss.evaluate(p: p.pointer, g: g.pointer, count: n, gradient: grad.pointer)
        checkGradient("dice", x: p.pointer, count: n, analytic: grad.array) {
            DiceLoss.evaluate(p: p.pointer, g: g.pointer, count: n, gradient: scratchGrad.pointer)
        }
        // A perfect prediction has loss 0.
        XCTAssertEqual(DiceLoss.evaluate(p: g.pointer, g: g.pointer, count: n, gradient: scratchGrad.pointer), 0, accuracy: 1e-9)
    }

    /// Two output channels (the DO student's tumour and box): the loss is the mean of the two
    /// channels' own Dice losses, so a large box target cannot drown a small tumour's.
    func testDiceLossIsTheMeanOverChannels() {
        let tumour: [Float] = [1, 0, 0, 0, 0, 0, 0, 0], box: [Float] = [1, 1, 1, 1, 1, 1, 0, 0]
        let target = Tensor(shape: [1, 2, 2, 2, 2], values: tumour + box)
        // Tumour missed entirely, box perfect: one channel at loss ≈ 1, the other at 0.
        let prediction = Tensor(shape: [1, 2, 2, 2, 2], values: [Float](repeating: 0, count: 8) + box)
        let (loss, gradient) = DiceLoss.evaluate(prediction: prediction, target: target)
        XCTAssertEqual(loss, 0.5, accuracy: 1e-4, "mean of 1 (tumour) and 0 (box)")
        XCTAssertLessThan(gradient.values[0], -0.5, "the missed tumour voxel pulls up")
        XCTAssertLessThan(gradient.values[8...].map { abs($0) }.max()!, 0.1, "the box channel barely moves")
        // And the gradient is the loss's: central differences on a few entries of each channel.
        var p = Tensor(shape: [1, 2, 2, 2, 2], values: (0..<16).map { Float(0.2 + 0.04 * Double($0)) })
        let analytic = DiceLoss.evaluate(prediction: p, target: target).gradient
        for i in [0, 3, 8, 14] {
            let saved = p.values[i], h: Float = 1e-3
            p.values[i] = saved + h; let up = DiceLoss.evaluate(prediction: p, target: target).loss
            p.values[i] = saved - h; let down = DiceLoss.evaluate(prediction: p, target: target).loss
            p.values[i] = saved
            XCTAssertEqual((up - down) / Double(2 * h), Double(analytic.values[i]), accuracy: 1e-3, "entry \(i)")
        }
    }

    /// Cross-entropy: its gradient against central differences, a known value, and a false
    /// positive on an empty target that Dice barely feels but cross-entropy pushes down.
    func testCrossEntropyLoss() {
        let g = Tensor(shape: [1, 1, 2, 2, 2], values: [1, 0, 0, 1, 0, 0, 0, 0])
        var p = Tensor(shape: [1, 1, 2, 2, 2], values: [0.7, 0.2, 0.4, 0.9, 0.1, 0.3, 0.6, 0.05])
        let (loss, gradient) = CrossEntropyLoss.evaluate(prediction: p, target: g)
        let expected = -[0.7, 0.8, 0.6, 0.9, 0.9, 0.7, 0.4, 0.95].map { log($0) }.reduce(0, +) / 8
        XCTAssertEqual(loss, expected, accuracy: 1e-6)
        for i in 0..<8 {
            let saved = p.values[i], h: Float = 1e-3
            p.values[i] = saved + h; let up = CrossEntropyLoss.evaluate(prediction: p, target: g).loss
            p.values[i] = saved - h; let down = CrossEntropyLoss.evaluate(prediction: p, target: g).loss
            p.values[i] = saved
            XCTAssertEqual((up - down) / Double(2 * h), Double(gradient.values[i]), accuracy: 1e-3, "entry \(i)")
        }
        let empty = Tensor(zeros: [1, 1, 2, 2, 2])
        var falsePositive = Tensor(shape: [1, 1, 2, 2, 2], values: [Float](repeating: 0.3, count: 8))
        falsePositive.values[0] = 0.9
        let dice = TrainingLoss.dice.evaluate(prediction: falsePositive, target: empty).gradient.values[0]
        let both = TrainingLoss.diceCrossEntropy.evaluate(prediction: falsePositive, target: empty).gradient.values[0]
        XCTAssertLessThan(abs(dice), 1e-5, "Dice on an empty target gives the false positive almost no gradient")
        XCTAssertGreaterThan(both, 0.5, "cross-entropy pushes it down")
    }

    /// The whole UNet (3 levels: both conv strides, concat, transpose conv, head) under Dice loss.
    func testWholeNetwork() {
        checkWholeNetwork(UNetConfig(inChannels: 2, outChannels: 1, channels: [2, 3, 4]))
    }

    /// Two decoders on one encoder: each decoder's tensors, and the encoder's gradient, which is
    /// the sum of what both decoders send back through the skips and the deepest level.
    func testWholeNetworkWithTwoDecoders() {
        checkWholeNetwork(UNetConfig(inChannels: 2, outChannels: 2, channels: [2, 3, 4], decoders: 2))
    }

    /// Layers whose norm input cannot be recovered from the activation (a negative PReLU slope,
    /// a scale of 0) keep the conv's output for the backward; the others work from the activation.
    func testWholeNetworkWithLayersThatKeepTheirConvOutput() {
        checkWholeNetwork(UNetConfig(inChannels: 2, outChannels: 1, channels: [2, 3, 4])) { graph in
            graph.param("enc1.1.act.weight")[0] = -0.2
            graph.param("dec0.0.norm.weight")[1] = 0
            graph.param("dec1.up.act.weight")[2] = -0.3
        }
    }

    private func checkWholeNetwork(_ config: UNetConfig, file: StaticString = #filePath, line: UInt = #line,
                                   adjust: (UNetGraph<Double>) -> Void = { _ in }) {
        let graph = UNetGraph<Double>(config: config)
        for (name, shape) in config.parameterShapes {
            let p = graph.param(name), count = shape.reduce(1, *)
            for i in 0..<count {
                if name.hasSuffix("norm.weight") { p[i] = 1 + 0.2 * rng.normal() }
                else if name.hasSuffix("act.weight") { p[i] = Double.random(in: 0.05..<0.4, using: &rng) }
                else { p[i] = rng.normal() * (name.hasSuffix("weight") ? 0.5 : 0.1) }
            }
        }
        adjust(graph)
        let dims = Dims(4, 4, 8), n = config.outChannels * dims.count
        let x = randomBuffer(2 * dims.count)
        // One target pattern per output channel (the second a different stripe, as a box would be).
        let target = Buffer<Double>((0..<n).map { ($0 % 8) < 3 + $0 / dims.count ? 1 : 0 })
        let scratchGrad = Buffer<Double>(count: n)
        func loss() -> Double {
            let p = graph.forward(x, dims: dims, training: false)
            return DiceLoss.evaluate(p: p.pointer, g: target.pointer, count: n, gradient: scratchGrad.pointer)
        }
        let p = graph.forward(x, dims: dims, training: true)
        XCTAssertEqual(p.count, n, file: file, line: line)
        let dp = Buffer<Double>(count: n)
        _ = DiceLoss.evaluate(p: p.pointer, g: target.pointer, count: n, gradient: dp.pointer)
        graph.grads.zero()
        XCTAssertTrue(graph.backward(dp), file: file, line: line)
        XCTAssertFalse(graph.backward(dp), "a second backward without a forward is refused", file: file, line: line)
        let analytic = graph.grads.array
        checkGradient("UNet parameters", x: graph.params.pointer, count: graph.params.count, analytic: analytic, samples: 300,
                      loss: loss, file: file, line: line)
        // The conv biases before an InstanceNorm cancel: their gradient is zero, and so is ours.
        for (name, shape) in config.parameterShapes where name.hasSuffix("conv.bias") {
            let o = graph.offsets[name]!
            for i in 0..<shape[0] { XCTAssertEqual(analytic[o + i], 0, file: file, line: line) }
        }
        // Every decoder's tensors get a gradient (none is left out of backward).
        for d in 0..<config.decoders {
            let head = graph.offsets[UNetConfig.decoderPrefix(d) + "head.weight"]!
            XCTAssertNotEqual(analytic[head], 0, "decoder \(d + 1)'s head", file: file, line: line)
            let up = graph.offsets[UNetConfig.decoderPrefix(d) + "dec0.up.norm.weight"]!
            XCTAssertNotEqual(analytic[up], 0, "decoder \(d + 1)'s up-convolution", file: file, line: line)
        }
        // The first encoder conv's weights see the sum of every decoder's gradient: check all
        // of its entries, not a sample.
        let first = graph.offsets["enc0.0.conv.weight"]!, count = config.parameterShapes[0].shape.reduce(1, *)
        checkGradient("first encoder conv", x: graph.params.pointer + first, count: count,
                      analytic: Array(analytic[first..<(first + count)]), samples: count, loss: loss, file: file, line: line)
    }
}
