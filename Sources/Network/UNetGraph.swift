/// The UNet3D of `shared/MODEL.md` over one number type: parameters and gradients in one
/// contiguous block each (so Adam is one loop), a forward pass that in training keeps what
/// backward needs, and the backward pass that consumes it.
///
/// Activations are channel-major [C, A, B, C'] with C' contiguous, as in the file layout.
final class UNetGraph<T: NetScalar> {
    let config: UNetConfig
    let params: Buffer<T>
    let grads: Buffer<T>
    /// Where each named tensor starts in `params` / `grads`, and its shape.
    let offsets: [String: Int]
    let shapes: [String: [Int]]
    let scratch = Scratch<T>()
    /// Activation blocks kept between passes; several graphs may share one (`UNet3D.sharePool`).
    var pool = BufferPool<T>()
    /// Times each layer while set (benchmarks only).
    var clock: LayerClock?
    private var cache: Cache?

    init(config: UNetConfig) {
        self.config = config
        var offsets: [String: Int] = [:], shapes: [String: [Int]] = [:], total = 0
        for (name, shape) in config.parameterShapes {
            offsets[name] = total
            shapes[name] = shape
            total += shape.reduce(1, *)
        }
        self.offsets = offsets
        self.shapes = shapes
        params = Buffer(count: total, zeroed: true)
        grads = Buffer(count: total, zeroed: true)
    }

    func param(_ name: String) -> UnsafeMutablePointer<T> { params.pointer + offsets[name]! }
    func grad(_ name: String) -> UnsafeMutablePointer<T> { grads.pointer + offsets[name]! }

    // MARK: forward

    /// A feature map made of consecutive channel blocks (a concat costs nothing).
    typealias Segments = [(buffer: Buffer<T>, channels: Int)]

    private struct BlockState {
        let input: Segments
        let inDims: Dims, outDims: Dims, stride: Int, cout: Int
        /// The conv's output (the norm's input) and its channel statistics; when `inPlace`, the
        /// conv's output was overwritten by the activation, from which the backward recovers it.
        let conv: Buffer<T>, mean: Buffer<T>, rstd: Buffer<T>
        var inPlace = false
    }

    private final class Cache {
        var blocks: [String: BlockState] = [:]
        /// The top decoder level's output of each decoder that ran, in order.
        var headInputs: [Buffer<T>] = []
        var output: Buffer<T>?
        var dims = Dims(0, 0, 0)
    }

    /// The output size the next `backward` expects (nil when there is no training pass to go back through).
    var pendingOutputCount: Int? { cache?.output?.count }

    /// p [channels, dims] for input x [inChannels, dims], where the channels are the heads of the
    /// first `decoders` decoders (default: all); `training` keeps the state that `backward` needs
    /// (and costs the memory of every activation).
    func forward(_ x: Buffer<T>, dims: Dims, training: Bool, decoders: Int? = nil) -> Buffer<T> {
        let c = config.channels, levels = config.levels
        let running = min(max(decoders ?? config.decoders, 1), config.decoders), hc = config.headChannels
        cache = nil
        pool.prepare(for: dims)   // passes of one size reuse the blocks, as onnxruntime's arena does
        let state: Cache? = training ? Cache() : nil
        state?.dims = dims
        var current: Segments = [(x, config.inChannels)]
        var skips: [Buffer<T>?] = []
        var d = dims
        for i in 0..<levels {
            let (y0, d0) = block("enc\(i).0", input: current, inDims: d, stride: i == 0 ? 1 : 2, state: state)
            let (y1, _) = block("enc\(i).1", input: [(y0, c[i])], inDims: d0, stride: 1, state: state)
            skips.append(y1)
            current = [(y1, c[i])]
            d = d0
        }
        // The deepest level feeds each decoder's first up-convolution; it is no skip.
        let bottom = skips.removeLast()!
        current = []
        let p = Buffer<T>(count: running * hc * dims.count, pool: pool)
        for k in 0..<running {
            let prefix = UNetConfig.decoderPrefix(k)
            // Inference frees each skip as soon as the last decoder that reads it is done with it.
            let top = decode(prefix, bottom: bottom, bottomDims: d, skips: &skips, releaseSkips: k == running - 1, state: state)
            timed("\(prefix)head", training ? .training : .forward) {
                Head.forward(x: top.pointer, cin: c[0], spatial: dims.count, weights: param("\(prefix)head.weight"),
                             bias: param("\(prefix)head.bias"), cout: hc, p: p.pointer + k * hc * dims.count)
            }
            state?.headInputs.append(top)
        }
        state?.output = p
        cache = state
        if !training { scratch.release() }
        return p
    }

    /// One decoder (tensor names `prefix` + MODEL.md's) from the deepest encoder output up to the
    /// top level; returns what its head reads.
    private func decode(_ prefix: String, bottom: Buffer<T>, bottomDims: Dims, skips: inout [Buffer<T>?],
                        releaseSkips: Bool, state: Cache?) -> Buffer<T> {
        let c = config.channels
        var current: Buffer<T>? = bottom, d = bottomDims
        for i in (0..<(config.levels - 1)).reversed() {
            let up = upBlock("\(prefix)dec\(i).up", input: current!, cin: c[i + 1], inDims: d, cout: c[i], state: state)
            current = nil
            d = d.doubled
            let joined: Segments = [(skips[i]!, c[i]), (up, c[i])]
            if releaseSkips { skips[i] = nil }
            let (y0, _) = block("\(prefix)dec\(i).0", input: joined, inDims: d, stride: 1, state: state)
            (current, _) = block("\(prefix)dec\(i).1", input: [(y0, c[i])], inDims: d, stride: 1, state: state)
        }
        return current!
    }

    private func channelPointers(_ s: Segments, spatial: Int) -> [UnsafeMutablePointer<T>] {
        s.flatMap { seg in (0..<seg.channels).map { seg.buffer.channel($0, spatial: spatial) } }
    }

    /// Conv3d → InstanceNorm3d → PReLU.
    private func block(_ prefix: String, input: Segments, inDims: Dims, stride: Int, state: Cache?) -> (Buffer<T>, Dims) {
        timed(prefix, state == nil ? .forward : .training) { blockForward(prefix, input: input, inDims: inDims, stride: stride, state: state) }
    }

    /// `body` under the clock's eye, when there is one.
    private func timed<R>(_ layer: String, _ pass: LayerClock.Pass, _ body: () -> R) -> R {
        guard let clock else { return body() }
        return clock.measure(layer, pass, body)
    }

    private func blockForward(_ prefix: String, input: Segments, inDims: Dims, stride: Int, state: Cache?) -> (Buffer<T>, Dims) {
        let cout = shapes["\(prefix).conv.weight"]![0]
        let od = Conv3.outDims(inDims, stride: stride)
        let conv = Buffer<T>(count: cout * od.count, pool: pool)
        Conv3.forward(input: channelPointers(input, spatial: inDims.count).map { UnsafePointer($0) }, inDims: inDims,
                      stride: stride, weights: param("\(prefix).conv.weight"),
                      outputs: [(conv.pointer, cout)], accumulate: false, scratch: scratch)
        let y = normAct(prefix, conv, channels: cout, spatial: od.count, state: state) { mean, rstd in
            BlockState(input: input, inDims: inDims, outDims: od, stride: stride, cout: cout, conv: conv, mean: mean, rstd: rstd)
        }
        return (y, od)
    }

    /// ConvTranspose3d → InstanceNorm3d → PReLU.
    private func upBlock(_ prefix: String, input: Buffer<T>, cin: Int, inDims: Dims, cout: Int, state: Cache?) -> Buffer<T> {
        timed(prefix, state == nil ? .forward : .training) {
            upBlockForward(prefix, input: input, cin: cin, inDims: inDims, cout: cout, state: state)
        }
    }

    private func upBlockForward(_ prefix: String, input: Buffer<T>, cin: Int, inDims: Dims, cout: Int, state: Cache?) -> Buffer<T> {
        let od = inDims.doubled
        let conv = Buffer<T>(count: cout * od.count, pool: pool)
        ConvTranspose2.forward(input: input.pointer, cin: cin, inDims: inDims, weights: param("\(prefix).conv.weight"),
                               cout: cout, output: conv.pointer, scratch: scratch)
        return normAct(prefix, conv, channels: cout, spatial: od.count, state: state) { mean, rstd in
            BlockState(input: [(input, cin)], inDims: inDims, outDims: od, stride: 2, cout: cout, conv: conv, mean: mean, rstd: rstd)
        }
    }

    /// Training writes the activation over the conv's output, as inference does, wherever the
    /// backward can recover the one from the other (`NormPReLU.recoverable`): a second buffer
    /// per layer would cost a third of a training pass's memory and 4 % of its forward time.
    private func normAct(_ prefix: String, _ conv: Buffer<T>, channels: Int, spatial: Int, state: Cache?,
                         record: (_ mean: Buffer<T>, _ rstd: Buffer<T>) -> BlockState) -> Buffer<T> {
        let mean = Buffer<T>(count: channels), rstd = Buffer<T>(count: channels)
        let gamma = param("\(prefix).norm.weight"), slope = param("\(prefix).act.weight")
        let inPlace = state == nil || NormPReLU.recoverable(gamma: gamma, slope: slope, channels: channels)
        let y = inPlace ? nil : Buffer<T>(count: conv.count, pool: pool)
        NormPReLU.forward(x: conv.pointer, channels: channels, spatial: spatial, gamma: gamma,
                          beta: param("\(prefix).norm.bias"), slope: slope, y: y?.pointer, mean: mean.pointer,
                          rstd: rstd.pointer)
        if let state {
            var block = record(mean, rstd)
            block.inPlace = inPlace
            state.blocks[prefix] = block
        }
        return y ?? conv
    }

    // MARK: backward

    /// grads += ∂loss/∂parameters, given dp = ∂loss/∂p for the last training forward pass
    /// (dp is consumed). Returns false when there was no training forward pass to go back through.
    /// With two decoders the encoder's gradient is the sum of what each decoder sends back.
    @discardableResult
    func backward(_ dp: Buffer<T>) -> Bool {
        guard let state = cache, let p = state.output, !state.headInputs.isEmpty else { return false }
        cache = nil
        let c = config.channels, levels = config.levels, hc = config.headChannels
        let n0 = state.dims.count
        var dSkips: [Buffer<T>?] = Array(repeating: nil, count: levels)
        var dBottom: Buffer<T>?
        for (k, headInput) in state.headInputs.enumerated() {
            let prefix = UNetConfig.decoderPrefix(k), channel = k * hc * n0
            let dTop = Buffer<T>(count: c[0] * n0, pool: pool)
            timed("\(prefix)head", .backward) {
                Head.backward(x: headInput.pointer, cin: c[0], spatial: n0, weights: param("\(prefix)head.weight"), cout: hc,
                              p: p.pointer + channel, dp: dp.pointer + channel, dWeights: grad("\(prefix)head.weight"),
                              dBias: grad("\(prefix)head.bias"), dx: dTop.pointer)
            }
            let dDeepest = decoderBackward(prefix, state, dTop: dTop, dSkips: &dSkips)
            if let sum = dBottom {
                for j in 0..<sum.count { sum.pointer[j] += dDeepest.pointer[j] }
            } else {
                dBottom = dDeepest
            }
        }
        var dCurrent = dBottom!
        for i in (0..<levels).reversed() {
            let n = config.dims(at: i, input: state.dims).count
            let d0 = Buffer<T>(count: c[i] * n, pool: pool)
            blockBackward("enc\(i).1", state, dy: dCurrent, dInput: [(d0, c[i])], accumulate: false)
            if i > 0 {
                let dSkip = dSkips[i - 1]!
                blockBackward("enc\(i).0", state, dy: d0, dInput: [(dSkip, c[i - 1])], accumulate: true)
                dCurrent = dSkip
            } else {
                blockBackward("enc0.0", state, dy: d0, dInput: nil, accumulate: false)
            }
        }
        // The pool keeps this step's blocks for the next step of the same size (no page faults).
        scratch.release()
        return true
    }

    /// One decoder's backward, from the gradient at its top level: the skips' gradients go to
    /// `dSkips` (created by the first decoder, added to by the second); returns the gradient of
    /// the deepest encoder output.
    private func decoderBackward(_ prefix: String, _ state: Cache, dTop: Buffer<T>, dSkips: inout [Buffer<T>?]) -> Buffer<T> {
        let c = config.channels
        var dBelow = dTop
        for i in 0..<(config.levels - 1) {
            let n = config.dims(at: i, input: state.dims).count
            let d0 = Buffer<T>(count: c[i] * n, pool: pool)
            blockBackward("\(prefix)dec\(i).1", state, dy: dBelow, dInput: [(d0, c[i])], accumulate: false)
            // The input gradient of the concat [skip, up] is written in one call, either fresh or
            // added onto the other decoder's skip gradient (then dUp starts from zero).
            let first = dSkips[i] == nil
            let dSkip = dSkips[i] ?? Buffer<T>(count: c[i] * n, pool: pool)
            let dUp = Buffer<T>(count: c[i] * n, zeroed: !first, pool: pool)
            blockBackward("\(prefix)dec\(i).0", state, dy: d0, dInput: [(dSkip, c[i]), (dUp, c[i])], accumulate: !first)
            dSkips[i] = dSkip
            let nBelow = config.dims(at: i + 1, input: state.dims).count
            let dIn = Buffer<T>(count: c[i + 1] * nBelow, pool: pool)
            upBackward("\(prefix)dec\(i).up", state, dy: dUp, dInput: dIn)
            dBelow = dIn
        }
        return dBelow
    }

    private func normActBackward(_ prefix: String, _ s: BlockState, dy: Buffer<T>) {
        let gamma = param("\(prefix).norm.weight"), beta = param("\(prefix).norm.bias"), slope = param("\(prefix).act.weight")
        let dGamma = grad("\(prefix).norm.weight"), dBeta = grad("\(prefix).norm.bias"), dSlope = grad("\(prefix).act.weight")
        if s.inPlace {
            NormPReLU.backward(dy: dy.pointer, y: s.conv.pointer, channels: s.cout, spatial: s.outDims.count, gamma: gamma,
                               beta: beta, slope: slope, rstd: s.rstd.pointer, dGamma: dGamma, dBeta: dBeta, dSlope: dSlope)
        } else {
            NormPReLU.backward(dy: dy.pointer, x: s.conv.pointer, channels: s.cout, spatial: s.outDims.count, gamma: gamma,
                               beta: beta, slope: slope, mean: s.mean.pointer, rstd: s.rstd.pointer,
                               dGamma: dGamma, dBeta: dBeta, dSlope: dSlope)
        }
    }

    private func blockBackward(_ prefix: String, _ state: Cache, dy: Buffer<T>, dInput: Segments?, accumulate: Bool) {
        timed(prefix, .backward) { blockBackwardUntimed(prefix, state, dy: dy, dInput: dInput, accumulate: accumulate) }
    }

    private func blockBackwardUntimed(_ prefix: String, _ state: Cache, dy: Buffer<T>, dInput: Segments?, accumulate: Bool) {
        let s = state.blocks[prefix]!
        normActBackward(prefix, s, dy: dy)
        let input = channelPointers(s.input, spatial: s.inDims.count).map { UnsafePointer($0) }
        Conv3.backward(input: input, inDims: s.inDims, stride: s.stride, weights: param("\(prefix).conv.weight"),
                       dOutput: dy.pointer, cout: s.cout, dWeights: grad("\(prefix).conv.weight"),
                       dInput: dInput?.map { ($0.buffer.pointer, $0.channels) }, accumulate: accumulate, scratch: scratch)
        state.blocks[prefix] = nil
    }

    private func upBackward(_ prefix: String, _ state: Cache, dy: Buffer<T>, dInput: Buffer<T>) {
        timed(prefix, .backward) { upBackwardUntimed(prefix, state, dy: dy, dInput: dInput) }
    }

    private func upBackwardUntimed(_ prefix: String, _ state: Cache, dy: Buffer<T>, dInput: Buffer<T>) {
        let s = state.blocks[prefix]!
        normActBackward(prefix, s, dy: dy)
        ConvTranspose2.backward(input: s.input[0].buffer.pointer, cin: s.input[0].channels, inDims: s.inDims,
                                weights: param("\(prefix).conv.weight"), cout: s.cout, dOutput: dy.pointer,
                                dWeights: grad("\(prefix).conv.weight"), dInput: dInput.pointer, scratch: scratch)
        state.blocks[prefix] = nil
    }
}
