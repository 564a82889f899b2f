/// Conv3d with kernel 3, padding 1, stride 1 or 2, no bias, as im2col + GEMM over row tiles.
///
/// Shapes (batch 1, channel-major, last axis contiguous):
///   input   Cin channels of `inDims` (one pointer per channel, so a concat is free)
///   weights [Cout, Cin·27] — PyTorch's [Cout, Cin, 3, 3, 3] as is
///   output  [Cout, outDims], outDims = inDims (stride 1) or ⌈inDims / 2⌉ (stride 2)
/// The bias is left out: every such conv in the UNet feeds an InstanceNorm, which subtracts the
/// channel mean and with it any bias (so the bias gradient is exactly zero).
enum Conv3 {
    static func outDims(_ d: Dims, stride: Int) -> Dims {
        stride == 1 ? d : Dims((d.a - 1) / 2 + 1, (d.b - 1) / 2 + 1, (d.c - 1) / 2 + 1)
    }

    /// output = conv(input, weights). `outputs` splits Cout into consecutive contiguous blocks
    /// (pointer, channels); with `accumulate` the result is added to what they hold, by the
    /// layer's `method`.
    static func forward<T: NetScalar>(
        input: [UnsafePointer<T>], inDims: Dims, stride: Int, weights: UnsafePointer<T>,
        outputs: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool, scratch: Scratch<T>
    ) {
        switch method(stride: stride, cin: input.count, cout: outputs.reduce(0) { $0 + $1.1 }, dims: inDims) {
        case .winograd4:
            Winograd4.forward(input: input, dims: inDims, weights: weights, outputs: outputs,
                              accumulate: accumulate, scratch: scratch)
        case .winograd:
            Winograd3.forward(input: input, dims: inDims, weights: weights, outputs: outputs,
                              accumulate: accumulate, scratch: scratch)
        case .shiftedLines:
            Conv3Shifted.forward(input: input, dims: inDims, weights: weights, outputs: outputs,
                                 accumulate: accumulate, scratch: scratch)
        case .im2col:
            forwardIm2col(input: input, inDims: inDims, stride: stride, weights: weights, outputs: outputs,
                          accumulate: accumulate, scratch: scratch)
        }
    }

    /// How a layer is computed, forward and weight gradient alike.
    enum Method { case winograd4, winograd, shiftedLines, im2col }

    /// Stride 1: F(4,3) where the volume is large enough for its bigger tiles, else F(2,3) where
    /// the layer is wide enough, else shifted lines. Stride 2 (and everything with
    /// `TUTOR_CONV=im2col`): im2col.
    static func method(stride: Int, cin: Int, cout: Int, dims: Dims) -> Method {
        guard stride == 1 && Winograd3.enabled else { return .im2col }
        if Winograd4.pays(cin: cin, cout: cout, dims: dims) { return .winograd4 }
        return Winograd3.pays(cin: cin, cout: cout) ? .winograd : .shiftedLines
    }

    /// `forward` as im2col + GEMM over row tiles, for any stride and width.
    static func forwardIm2col<T: NetScalar>(
        input: [UnsafePointer<T>], inDims: Dims, stride: Int, weights: UnsafePointer<T>,
        outputs: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool, scratch: Scratch<T>
    ) {
        let k = input.count * 27
        let od = outDims(inDims, stride: stride)
        let tiling = RowTiling(rows: od.a * od.b, rowLength: od.c, k: k, workers: Engine.threads)
        scratch.reserve(workers: Engine.threads, count: k * tiling.maxColumns)
        Engine.forEachTile(tiling.tiles) { tile, worker in
            let rows = tiling.range(tile)
            let cols = rows.count * od.c
            let col = scratch.block(worker)
            im2col(input: input, inDims: inDims, outDims: od, stride: stride, rows: rows, col: col)
            var first = 0
            for (out, m) in outputs {
                let step = unpackedColumns(m: m, k: k, columns: cols)
                for j in Swift.stride(from: 0, to: cols, by: step) {
                    T.gemm(transA: false, transB: false, m: m, n: min(step, cols - j), k: k,
                           alpha: 1, a: weights + first * k, lda: k, b: col + j, ldb: cols,
                           beta: accumulate ? 1 : 0, c: out + rows.lowerBound * od.c + j, ldc: od.count)
                }
                first += m
            }
        }
    }

    /// How many columns of a tile to give one GEMM. OpenBLAS (SkylakeX kernels) multiplies
    /// products with M·N·K under 100³ by a kernel that reads the operands in place instead of
    /// packing them first; with the im2col tile already in cache that runs about twice as fast
    /// for the narrow layers (Cout 8–32), so those tiles go to GEMM in slices of that size.
    /// Wide layers, where the slice would be too thin to pay, take the tile in one GEMM.
    static func unpackedColumns(m: Int, k: Int, columns: Int) -> Int {
        let limit = 980_000 / max(m * k, 1) / 8 * 8
        return limit >= 32 ? min(limit, columns) : columns
    }

    /// The layer's backward pass: dWeights += its weight gradient and, when `dInput` is given,
    /// dInput (+)= its input gradient (as `weightGradient` and `inputGradient`). Winograd layers do
    /// both in one pass over dOutput (`Winograd4.backward`, `Winograd3.backward`).
    static func backward<T: NetScalar>(
        input: [UnsafePointer<T>], inDims: Dims, stride: Int, weights: UnsafePointer<T>,
        dOutput: UnsafePointer<T>, cout: Int, dWeights: UnsafeMutablePointer<T>,
        dInput: [(UnsafeMutablePointer<T>, Int)]?, accumulate: Bool, scratch: Scratch<T>
    ) {
        if let dInput {
            switch method(stride: stride, cin: input.count, cout: cout, dims: inDims) {
            case .winograd4:
                return Winograd4.backward(input: input, dims: inDims, weights: weights, dOutput: dOutput, cout: cout,
                                          dWeights: dWeights, dInput: dInput, accumulate: accumulate, scratch: scratch)
            case .winograd:
                return Winograd3.backward(input: input, dims: inDims, weights: weights, dOutput: dOutput, cout: cout,
                                          dWeights: dWeights, dInput: dInput, accumulate: accumulate, scratch: scratch)
            case .shiftedLines, .im2col:
                break
            }
        }
        weightGradient(input: input, inDims: inDims, stride: stride, dOutput: dOutput, cout: cout,
                       dWeights: dWeights, scratch: scratch)
        if let dInput {
            inputGradient(dOutput: dOutput, cout: cout, inDims: inDims, stride: stride, weights: weights,
                          dInput: dInput, accumulate: accumulate, scratch: scratch)
        }
    }

    /// dWeights[Cout, Cin·27] += dOutput[Cout, outDims] · im2col(input)ᵀ, by the method `forward`
    /// uses for the layer.
    static func weightGradient<T: NetScalar>(
        input: [UnsafePointer<T>], inDims: Dims, stride: Int, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, scratch: Scratch<T>
    ) {
        switch method(stride: stride, cin: input.count, cout: cout, dims: inDims) {
        case .winograd4:
            Winograd4.weightGradient(input: input, dims: inDims, dOutput: dOutput, cout: cout,
                                     dWeights: dWeights, scratch: scratch)
        case .winograd:
            Winograd3.weightGradient(input: input, dims: inDims, dOutput: dOutput, cout: cout,
                                     dWeights: dWeights, scratch: scratch)
        case .shiftedLines:
            Conv3Shifted.weightGradient(input: input, dims: inDims, dOutput: dOutput, cout: cout,
                                        dWeights: dWeights, scratch: scratch)
        case .im2col:
            weightGradientIm2col(input: input, inDims: inDims, stride: stride, dOutput: dOutput, cout: cout,
                                 dWeights: dWeights, scratch: scratch)
        }
    }

    /// `weightGradient` as im2col tiles times dOutput, for any stride and width.
    static func weightGradientIm2col<T: NetScalar>(
        input: [UnsafePointer<T>], inDims: Dims, stride: Int, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, scratch: Scratch<T>
    ) {
        let k = input.count * 27
        let od = outDims(inDims, stride: stride)
        let tiling = RowTiling(rows: od.a * od.b, rowLength: od.c, k: k, workers: Engine.threads)
        scratch.reserve(workers: Engine.threads, count: k * tiling.maxColumns)
        let partials = Partials<T>(workers: Engine.threads, count: cout * k)
        Engine.forEachTile(tiling.tiles) { tile, worker in
            let rows = tiling.range(tile)
            let cols = rows.count * od.c
            let col = scratch.block(worker)
            im2col(input: input, inDims: inDims, outDims: od, stride: stride, rows: rows, col: col)
            // Slices pay here only when they stay wide (measured: Cout 16 gains, Cout 32 loses).
            let slice = unpackedColumns(m: cout, k: k, columns: cols)
            let step = slice >= 64 ? slice : cols
            for j in Swift.stride(from: 0, to: cols, by: step) {
                T.gemm(transA: false, transB: true, m: cout, n: k, k: min(step, cols - j),
                       alpha: 1, a: dOutput + rows.lowerBound * od.c + j, lda: od.count, b: col + j, ldb: cols,
                       beta: 1, c: partials.block(worker), ldc: k)
            }
        }
        partials.add(into: dWeights)
    }

    /// dInput (+)= the gradient of the conv with respect to its input. `dInput` splits Cin into
    /// consecutive contiguous blocks (pointer, channels); with `accumulate` false it is overwritten.
    /// Stride 1: a stride-1 conv of dOutput with the kernel flipped and its channel axes swapped.
    /// Stride 2: dcol = Wᵀ · dOutput per output slab, scattered back (col2im); slabs one apart
    /// share input slices, so even slabs run first, then odd ones.
    static func inputGradient<T: NetScalar>(
        dOutput: UnsafePointer<T>, cout: Int, inDims: Dims, stride: Int, weights: UnsafePointer<T>,
        dInput: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool, scratch: Scratch<T>
    ) {
        let cin = dInput.reduce(0) { $0 + $1.1 }
        let k = cin * 27
        let od = outDims(inDims, stride: stride)
        if stride == 1 {
            let flipped = flippedWeights(weights, cout: cout, cin: cin)
            let channels = (0..<cout).map { UnsafePointer(dOutput + $0 * od.count) }
            forward(input: channels, inDims: od, stride: 1, weights: flipped.pointer,
                    outputs: dInput, accumulate: accumulate, scratch: scratch)
            return
        }
        let channels = dInput.flatMap { block in (0..<block.1).map { block.0 + $0 * inDims.count } }
        if !accumulate { for p in channels { p.update(repeating: 0, count: inDims.count) } }
        // A whole slab's dcol (K × B·C', 7 MB for 16 → 32 channels at 64²) would leave the cache
        // between the GEMM that writes it and col2im that reads it, so each worker takes its slab
        // in chunks of rows about 1 MB of dcol each (one after the other, so they may overlap).
        let chunkRows = min(od.b, max(1, max(512, (1 << 18) / max(k, 1)) / max(od.c, 1)))
        scratch.reserve(workers: Engine.threads, count: k * chunkRows * od.c)
        for parity in 0..<2 {
            let slabs = Array(Swift.stride(from: parity, to: od.a, by: 2))
            Engine.forEachTile(slabs.count) { tile, worker in
                let d = slabs[tile]
                let col = scratch.block(worker)
                for h0 in Swift.stride(from: 0, to: od.b, by: chunkRows) {
                    let rows = (d * od.b + h0)..<(d * od.b + min(od.b, h0 + chunkRows))
                    let cols = rows.count * od.c
                    T.gemm(transA: true, transB: false, m: k, n: cols, k: cout,
                           alpha: 1, a: weights, lda: k, b: dOutput + rows.lowerBound * od.c, ldb: od.count,
                           beta: 0, c: col, ldc: cols)
                    col2imAdd(col: col, dInput: channels, inDims: inDims, outDims: od, stride: stride, rows: rows)
                }
            }
        }
    }

    /// The stride-1 input gradient's kernel: [Cin, Cout, 27] from [Cout, Cin, 27], each 3×3×3
    /// kernel turned around (tap j → 26 − j).
    static func flippedWeights<T: NetScalar>(_ weights: UnsafePointer<T>, cout: Int, cin: Int) -> Buffer<T> {
        let flipped = Buffer<T>(count: cin * cout * 27)
        for co in 0..<cout { for ci in 0..<cin { for j in 0..<27 {
            flipped.pointer[(ci * cout + co) * 27 + 26 - j] = weights[(co * cin + ci) * 27 + j]
        }}}
        return flipped
    }

    /// col[Cin·27, rows·outC]: row (ci, kd, kh, kw) holds input ci at each output voxel's
    /// neighbour (d·s + kd − 1, h·s + kh − 1, w·s + kw − 1), zero outside the volume.
    static func im2col<T: NetScalar>(
        input: [UnsafePointer<T>], inDims: Dims, outDims od: Dims, stride s: Int, rows: Range<Int>,
        col: UnsafeMutablePointer<T>
    ) {
        if s == 1 { return im2colStride1(input: input, dims: inDims, rows: rows, col: col) }
        let cols = rows.count * od.c
        let inC = inDims.c
        for ci in 0..<input.count {
            let src = input[ci]
            for kd in 0..<3 { for kh in 0..<3 { for kw in 0..<3 {
                let base = col + (ci * 27 + kd * 9 + kh * 3 + kw) * cols
                for r in rows {
                    let dst = base + (r - rows.lowerBound) * od.c
                    let id = (r / od.b) * s + kd - 1, ih = (r % od.b) * s + kh - 1
                    if id < 0 || id >= inDims.a || ih < 0 || ih >= inDims.b {
                        dst.update(repeating: 0, count: od.c)
                        continue
                    }
                    let line = src + (id * inDims.b + ih) * inC
                    var w = 0
                    if s == 2 {   // every other sample from kw − 1 on: the even half of 16 loaded
                        w = kw == 0 ? 1 : 0
                        while 2 * w + kw - 1 + 16 <= inC && w + 8 <= od.c {
                            store8(UnsafeRawPointer(line + 2 * w + kw - 1).loadUnaligned(as: SIMD16<T>.self).evenHalf, dst + w)
                            w += 8
                        }
                        if kw == 0 { dst[0] = 0 }
                    }
                    while w < od.c {
                        let iw = w * s + kw - 1
                        dst[w] = iw >= 0 && iw < inC ? line[iw] : 0
                        w += 1
                    }
                }
            }}}
        }
    }

    /// Stride 1: the rows of a tile that share a depth and read inside the volume read one
    /// contiguous run of the input, so each (ci, kd, kh, kw) needs one copy per depth, shifted by
    /// kw − 1, and then zeros where a row's neighbour falls off its end.
    private static func im2colStride1<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, rows: Range<Int>, col: UnsafeMutablePointer<T>
    ) {
        let w = dims.c, cols = rows.count * w
        for ci in 0..<input.count {
            let src = input[ci]
            for kd in 0..<3 { for kh in 0..<3 { for kw in 0..<3 {
                let base = col + (ci * 27 + kd * 9 + kh * 3 + kw) * cols
                var r = rows.lowerBound
                while r < rows.upperBound {
                    let d = r / dims.b, h0 = r % dims.b
                    let h1 = min(dims.b, h0 + rows.upperBound - r)   // rows [h0, h1) of depth d
                    let dst = base + (r - rows.lowerBound) * w
                    r += h1 - h0
                    let id = d + kd - 1
                    guard id >= 0 && id < dims.a else { dst.update(repeating: 0, count: (h1 - h0) * w); continue }
                    // Rows whose neighbour row h + kh − 1 lies inside the volume.
                    let lo = max(h0, 1 - kh), hi = min(h1, dims.b + 1 - kh)
                    if lo > h0 { dst.update(repeating: 0, count: (lo - h0) * w) }
                    if hi < h1 { (dst + (hi - h0) * w).update(repeating: 0, count: (h1 - hi) * w) }
                    guard hi > lo else { continue }
                    let out = dst + (lo - h0) * w, n = (hi - lo) * w
                    let line = src + (id * dims.b + lo + kh - 1) * w
                    switch kw {
                    case 1:
                        out.update(from: line, count: n)
                    case 0:
                        (out + 1).update(from: line, count: n - 1)
                        for row in 0..<(hi - lo) { out[row * w] = 0 }
                    default:
                        out.update(from: line + 1, count: n - 1)
                        for row in 0..<(hi - lo) { out[row * w + w - 1] = 0 }
                    }
                }
            }}}
        }
    }

    /// The adjoint of `im2col`: adds each col entry back onto the input voxel it was read from.
    static func col2imAdd<T: NetScalar>(
        col: UnsafePointer<T>, dInput: [UnsafeMutablePointer<T>], inDims: Dims, outDims od: Dims,
        stride s: Int, rows: Range<Int>
    ) {
        let cols = rows.count * od.c
        if s == 2 { return col2imAddStride2(col: col, dInput: dInput, inDims: inDims, outDims: od, rows: rows) }
        for ci in 0..<dInput.count {
            let dst = dInput[ci]
            for kd in 0..<3 { for kh in 0..<3 { for kw in 0..<3 {
                let base = col + (ci * 27 + kd * 9 + kh * 3 + kw) * cols
                for r in rows {
                    let src = base + (r - rows.lowerBound) * od.c
                    let id = (r / od.b) * s + kd - 1, ih = (r % od.b) * s + kh - 1
                    if id < 0 || id >= inDims.a || ih < 0 || ih >= inDims.b { continue }
                    let line = dst + (id * inDims.b + ih) * inDims.c
                    for w in 0..<od.c {
                        let iw = w * s + kw - 1
                        if iw >= 0 && iw < inDims.c { line[iw] += src[w] }
                    }
                }
            }}}
        }
    }

    /// `col2imAdd` at stride 2 with the three kw taps of a line at once: output w reads inputs
    /// 2w − 1, 2w, 2w + 1, so input 2w gets tap 1 of w and input 2w + 1 taps 2 of w and 0 of
    /// w + 1, eight pairs per vector step.
    private static func col2imAddStride2<T: NetScalar>(
        col: UnsafePointer<T>, dInput: [UnsafeMutablePointer<T>], inDims: Dims, outDims od: Dims, rows: Range<Int>
    ) {
        let cols = rows.count * od.c, inC = inDims.c
        for ci in 0..<dInput.count {
            let dst = dInput[ci]
            for kd in 0..<3 { for kh in 0..<3 {
                let base = col + (ci * 27 + kd * 9 + kh * 3) * cols
                for r in rows {
                    let id = (r / od.b) * 2 + kd - 1, ih = (r % od.b) * 2 + kh - 1
                    if id < 0 || id >= inDims.a || ih < 0 || ih >= inDims.b { continue }
                    let line = dst + (id * inDims.b + ih) * inC
                    let t0 = base + (r - rows.lowerBound) * od.c, t1 = t0 + cols, t2 = t1 + cols
                    var w = 0
                    while w + 9 <= od.c && 2 * w + 16 <= inC {
                        let even = load8(t1 + w), odd = load8(t2 + w) + load8(t0 + w + 1)
                        let target = UnsafeMutableRawPointer(line + 2 * w)
                        target.storeBytes(of: target.loadUnaligned(as: SIMD16<T>.self) + interleave(even, odd), as: SIMD16<T>.self)
                        w += 8
                    }
                    while w < od.c {
                        line[2 * w] += t1[w]   // 2w < inC always (od.c = ⌈inC / 2⌉)
                        if 2 * w + 1 < inC { line[2 * w + 1] += t2[w] + (w + 1 < od.c ? t0[w + 1] : 0) }
                        w += 1
                    }
                }
            }}
        }
    }
}
