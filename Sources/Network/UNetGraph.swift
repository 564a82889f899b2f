/// The UNet3D of `shared/MODEL.md` over one number type: parameters and gradients in one
/// contiguous block each (so Adam is one loop), a forward pass that in training keeps what
/// backward needs, and the backward pass that consumes it.
///
/// Activations are channel-major [C, A, B, C'] with C' contiguous, as in the file layout.
final class UNetGraph<T: NetScalar> {
    let config: UNetConfig
    let params: Buffer<T>
    let grads: Buffer<T>
    /// Where each named tensor starts in `params` / `grads`.
    let offsets: [String: Int]
    let scratch = Scratch<T>()
    private var cache: Cache?

    init(config: UNetConfig) {
        self.config = config
        var offsets: [String: Int] = [:], total = 0
        for (name, shape) in config.parameterShapes {
            offsets[name] = total
            total += shape.reduce(1, *)
        }
        self.offsets = offsets
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
        let xhat: Buffer<T>, rstd: Buffer<T>
    }

    private final class Cache {
        var blocks: [String: BlockState] = [:]
        var headInput: Buffer<T>?
        var output: Buffer<T>?
        var dims = Dims(0, 0, 0)
    }

    /// p [outChannels, dims] for input x [inChannels, dims]; `training` keeps the state that
    /// `backward` needs (and costs the memory of every activation).
    func forward(_ x: Buffer<T>, dims: Dims, training: Bool) -> Buffer<T> {
        let c = config.channels, levels = config.levels
        cache = nil
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
        skips[levels - 1] = nil
        for i in (0..<(levels - 1)).reversed() {
            let up = upBlock("dec\(i).up", input: current[0].buffer, cin: c[i + 1], inDims: d, cout: c[i], state: state)
            d = d.doubled
            let joined: Segments = [(skips[i]!, c[i]), (up, c[i])]
            skips[i] = nil
            current = []
            let (y0, _) = block("dec\(i).0", input: joined, inDims: d, stride: 1, state: state)
            let (y1, _) = block("dec\(i).1", input: [(y0, c[i])], inDims: d, stride: 1, state: state)
            current = [(y1, c[i])]
        }
        let p = Buffer<T>(count: config.outChannels * dims.count)
        Head.forward(x: current[0].buffer.pointer, cin: c[0], spatial: dims.count,
                     weights: param("head.weight"), bias: param("head.bias"), cout: config.outChannels, p: p.pointer)
        state?.headInput = current[0].buffer
        state?.output = p
        cache = state
        if !training { scratch.release() }
        return p
    }

    private func channelPointers(_ s: Segments, spatial: Int) -> [UnsafeMutablePointer<T>] {
        s.flatMap { seg in (0..<seg.channels).map { seg.buffer.channel($0, spatial: spatial) } }
    }

    /// Conv3d → InstanceNorm3d → PReLU.
    private func block(_ prefix: String, input: Segments, inDims: Dims, stride: Int, state: Cache?) -> (Buffer<T>, Dims) {
        let cout = config.parameterShapes.first { $0.name == "\(prefix).conv.weight" }!.shape[0]
        let od = Conv3.outDims(inDims, stride: stride)
        let conv = Buffer<T>(count: cout * od.count)
        Conv3.forward(input: channelPointers(input, spatial: inDims.count).map { UnsafePointer($0) }, inDims: inDims,
                      stride: stride, weights: param("\(prefix).conv.weight"),
                      outputs: [(conv.pointer, cout)], accumulate: false, scratch: scratch)
        let y = normAct(prefix, conv, channels: cout, spatial: od.count, state: state) { xhat, rstd in
            BlockState(input: input, inDims: inDims, outDims: od, stride: stride, cout: cout, xhat: xhat, rstd: rstd)
        }
        return (y, od)
    }

    /// ConvTranspose3d → InstanceNorm3d → PReLU.
    private func upBlock(_ prefix: String, input: Buffer<T>, cin: Int, inDims: Dims, cout: Int, state: Cache?) -> Buffer<T> {
        let od = inDims.doubled
        let conv = Buffer<T>(count: cout * od.count)
        ConvTranspose2.forward(input: input.pointer, cin: cin, inDims: inDims, weights: param("\(prefix).conv.weight"),
                               cout: cout, output: conv.pointer, scratch: scratch)
        return normAct(prefix, conv, channels: cout, spatial: od.count, state: state) { xhat, rstd in
            BlockState(input: [(input, cin)], inDims: inDims, outDims: od, stride: 2, cout: cout, xhat: xhat, rstd: rstd)
        }
    }

    private func normAct(_ prefix: String, _ conv: Buffer<T>, channels: Int, spatial: Int, state: Cache?,
                         record: (Buffer<T>, Buffer<T>) -> BlockState) -> Buffer<T> {
        let rstd = Buffer<T>(count: channels)
        let y = state == nil ? nil : Buffer<T>(count: conv.count)
        NormPReLU.forward(x: conv.pointer, channels: channels, spatial: spatial,
                          gamma: param("\(prefix).norm.weight"), beta: param("\(prefix).norm.bias"),
                          slope: param("\(prefix).act.weight"), y: y?.pointer, rstd: rstd.pointer)
        state?.blocks[prefix] = record(conv, rstd)
        return y ?? conv
    }

    // MARK: backward

    /// grads += ∂loss/∂parameters, given dp = ∂loss/∂p for the last training forward pass
    /// (dp is consumed). Returns false when there was no training forward pass to go back through.
    @discardableResult
    func backward(_ dp: Buffer<T>) -> Bool {
        guard let state = cache, let headInput = state.headInput, let p = state.output else { return false }
        cache = nil
        let c = config.channels, levels = config.levels
        let n0 = state.dims.count
        var dBelow = Buffer<T>(count: c[0] * n0)
        Head.backward(x: headInput.pointer, cin: c[0], spatial: n0, weights: param("head.weight"), cout: config.outChannels,
                      p: p.pointer, dp: dp.pointer, dWeights: grad("head.weight"), dBias: grad("head.bias"), dx: dBelow.pointer)
        var dSkips: [Buffer<T>?] = Array(repeating: nil, count: levels)
        for i in 0..<(levels - 1) {
            let n = config.dims(at: i, input: state.dims).count
            let d0 = Buffer<T>(count: c[i] * n)
            blockBackward("dec\(i).1", state, dy: dBelow, dInput: [(d0, c[i])], accumulate: false)
            let dSkip = Buffer<T>(count: c[i] * n), dUp = Buffer<T>(count: c[i] * n)
            blockBackward("dec\(i).0", state, dy: d0, dInput: [(dSkip, c[i]), (dUp, c[i])], accumulate: false)
            dSkips[i] = dSkip
            let nBelow = config.dims(at: i + 1, input: state.dims).count
            let dIn = Buffer<T>(count: c[i + 1] * nBelow)
            upBackward("dec\(i).up", state, dy: dUp, dInput: dIn)
            dBelow = dIn
        }
        var dCurrent = dBelow
        for i in (0..<levels).reversed() {
            let n = config.dims(at: i, input: state.dims).count
            let d0 = Buffer<T>(count: c[i] * n)
            blockBackward("enc\(i).1", state, dy: dCurrent, dInput: [(d0, c[i])], accumulate: false)
            if i > 0 {
                let dSkip = dSkips[i - 1]!
                blockBackward("enc\(i).0", state, dy: d0, dInput: [(dSkip, c[i - 1])], accumulate: true)
                dCurrent = dSkip
            } else {
                blockBackward("enc0.0", state, dy: d0, dInput: nil, accumulate: false)
            }
        }
        scratch.release()
        return true
    }

    private func normActBackward(_ prefix: String, _ s: BlockState, dy: Buffer<T>) {
        NormPReLU.backward(dy: dy.pointer, xhat: s.xhat.pointer, channels: s.cout, spatial: s.outDims.count,
                           gamma: param("\(prefix).norm.weight"), beta: param("\(prefix).norm.bias"),
                           slope: param("\(prefix).act.weight"), rstd: s.rstd.pointer,
                           dGamma: grad("\(prefix).norm.weight"), dBeta: grad("\(prefix).norm.bias"),
                           dSlope: grad("\(prefix).act.weight"))
    }

    private func blockBackward(_ prefix: String, _ state: Cache, dy: Buffer<T>, dInput: Segments?, accumulate: Bool) {
        let s = state.blocks[prefix]!
        normActBackward(prefix, s, dy: dy)
        let input = channelPointers(s.input, spatial: s.inDims.count).map { UnsafePointer($0) }
        Conv3.weightGradient(input: input, inDims: s.inDims, stride: s.stride, dOutput: dy.pointer, cout: s.cout,
                             dWeights: grad("\(prefix).conv.weight"), scratch: scratch)
        if let dInput {
            Conv3.inputGradient(dOutput: dy.pointer, cout: s.cout, inDims: s.inDims, stride: s.stride,
                                weights: param("\(prefix).conv.weight"),
                                dInput: dInput.map { ($0.buffer.pointer, $0.channels) }, accumulate: accumulate, scratch: scratch)
        }
        state.blocks[prefix] = nil
    }

    private func upBackward(_ prefix: String, _ state: Cache, dy: Buffer<T>, dInput: Buffer<T>) {
        let s = state.blocks[prefix]!
        normActBackward(prefix, s, dy: dy)
        ConvTranspose2.backward(input: s.input[0].buffer.pointer, cin: s.input[0].channels, inDims: s.inDims,
                                weights: param("\(prefix).conv.weight"), cout: s.cout, dOutput: dy.pointer,
                                dWeights: grad("\(prefix).conv.weight"), dInput: dInput.pointer, scratch: scratch)
        state.blocks[prefix] = nil
    }
}
