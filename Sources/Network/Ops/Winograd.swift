/// What Winograd's F(2,3) (`Winograd3`) and F(4,3) (`Winograd4`) share: the output cut into tiles of
/// size³ voxels, each read from the (size + 2)³ input block around it; the input transformed into
/// V[ξ] and the weights into U[ξ] for each point ξ of a transformed tile; one product
/// M[ξ] = U[ξ]·V[ξ] ([Cout, Cin]·[Cin, tiles]) per point; and the output transform back to voxels.
/// Backward: dM = the output transform's adjoint of dY, dU[ξ] = Σ_tiles dM[ξ]·V[ξ]ᵀ, dW = the
/// weight transform's adjoint of dU; dX is the same convolution of dY with the kernel flipped and
/// its channel axes swapped. A kind supplies its tile size and its five transforms; the work is
/// cut into units of whole tile rows, one per worker at a time, whose V and M stay in L2.
///
/// Shapes as `Conv3.forward` at stride 1: Cin input channel pointers of `dims`, weights
/// [Cout, Cin·27] (PyTorch's [Cout, Cin, 3, 3, 3]), outputs [Cout, dims] in contiguous blocks.
protocol Winograd {
    /// Outputs per tile along each axis.
    static var tileSize: Int { get }
    /// Points of a transformed tile, (tileSize + 2)³; ξ = (z·n + y)·n + x.
    static var points: Int { get }
    /// The fewest tiles a unit gives each point product.
    static var minimumTiles: Int { get }
    /// Line buffers of `WinogradLayout.lineLength` the transforms use per unit.
    static var lineBuffers: Int { get }

    /// U[ξ][co][ci] from g [Cout, Cin·27].
    static func transformWeights<T: NetScalar>(_ g: UnsafePointer<T>, cout: Int, cin: Int, into u: UnsafeMutablePointer<T>)
    /// dW [Cout, Cin·27] += the weight transform's adjoint of dU[ξ][co][ci].
    static func transformWeightsAdjoint<T: NetScalar>(_ dU: UnsafePointer<T>, cout: Int, cin: Int, addingTo dW: UnsafeMutablePointer<T>)
    /// V[ξ][column] of one channel for the tiles in `rows` (zero outside the volume), planes `planeStride` apart.
    static func transformInput<T: NetScalar>(
        _ src: UnsafePointer<T>, grid: WinogradGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>, lineLength: Int,
        into v: UnsafeMutablePointer<T>, planeStride: Int)
    /// One channel's outputs (those inside the volume) from M[ξ][column], written or added.
    static func transformOutput<T: NetScalar>(
        _ m: UnsafePointer<T>, planeStride: Int, grid: WinogradGrid, rows: Range<Int>,
        lines: UnsafeMutablePointer<T>, into out: UnsafeMutablePointer<T>, accumulate: Bool)
    /// dM[ξ][column] of one channel from its dY (the output transform's adjoint).
    static func transformOutputAdjoint<T: NetScalar>(
        _ dy: UnsafePointer<T>, grid: WinogradGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>,
        into dM: UnsafeMutablePointer<T>, planeStride: Int)
}

extension Winograd {
    static func forward<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, weights: UnsafePointer<T>,
        outputs: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool, scratch: Scratch<T>
    ) {
        let cin = input.count
        let cout = outputs.reduce(0) { $0 + $1.1 }
        let u = PointWeights<T>(m: cout, k: cin, points: points) { transformWeights(weights, cout: cout, cin: cin, into: $0) }
        let outChannels = outputs.flatMap { block in (0..<block.1).map { block.0 + $0 * dims.count } }
        forEachUnit(input: input, dims: dims, cout: cout, scratch: scratch) { unit in
            let layout = unit.layout
            u.multiply(unit.v, planeStride: layout.inputPlane, columns: layout.columns, tiles: unit.tiles,
                       into: unit.m, planeStride: layout.outputPlane)
            for co in 0..<cout {
                transformOutput(unit.m + co * layout.columns, planeStride: layout.outputPlane, grid: unit.grid,
                                rows: unit.rows, lines: unit.lines, into: outChannels[co], accumulate: accumulate)
            }
        }
    }

    /// dWeights [Cout, Cin·27] += the weight gradient, from the input and dOutput [Cout, dims].
    static func weightGradient<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, scratch: Scratch<T>
    ) {
        let partials = Partials<T>(workers: Engine.threads, count: points * cout * input.count)
        forEachUnit(input: input, dims: dims, cout: cout, scratch: scratch) { unit in
            addWeightGradient(unit, dOutput: dOutput, cout: cout, cin: input.count, into: partials.block(unit.worker))
        }
        finishWeightGradient(partials, cout: cout, cin: input.count, addingTo: dWeights)
    }

    /// The weight gradient and the input gradient of one layer in a single pass over its tile
    /// rows. The input gradient's tiles are the weight gradient's, so each unit reads its dY rows
    /// once for both (dM for dW, then dY's own input transform for dX) while they are still in
    /// cache, instead of two passes over all of dY. dInput splits Cin into contiguous blocks, as
    /// `Conv3.inputGradient`; with `accumulate` false it is overwritten.
    static func backward<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, weights: UnsafePointer<T>, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, dInput: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool,
        scratch: Scratch<T>
    ) {
        let cin = input.count
        let flipped = Conv3.flippedWeights(weights, cout: cout, cin: cin)
        let uFlipped = PointWeights<T>(m: cin, k: cout, points: points) {   // [ξ][ci][co]
            transformWeights(flipped.pointer, cout: cin, cin: cout, into: $0)
        }
        let dInputChannels = dInput.flatMap { block in (0..<block.1).map { block.0 + $0 * dims.count } }
        let partials = Partials<T>(workers: Engine.threads, count: points * cout * cin)
        forEachUnit(input: input, dims: dims, cout: cout, scratch: scratch) { unit in
            let layout = unit.layout
            addWeightGradient(unit, dOutput: dOutput, cout: cout, cin: cin, into: partials.block(unit.worker))
            // dX: dY's V (Cout channels, into m's planes), times the flipped kernel, into v's
            // planes (Cin channels), then the output transform onto dInput.
            for co in 0..<cout {
                transformInput(dOutput + co * dims.count, grid: unit.grid, rows: unit.rows, lines: unit.lines,
                               lineLength: layout.lineLength, into: unit.m + co * layout.columns,
                               planeStride: layout.outputPlane)
            }
            uFlipped.multiply(unit.m, planeStride: layout.outputPlane, columns: layout.columns, tiles: unit.tiles,
                              into: unit.v, planeStride: layout.inputPlane)
            for ci in 0..<cin {
                transformOutput(unit.v + ci * layout.columns, planeStride: layout.inputPlane, grid: unit.grid,
                                rows: unit.rows, lines: unit.lines, into: dInputChannels[ci], accumulate: accumulate)
            }
        }
        finishWeightGradient(partials, cout: cout, cin: cin, addingTo: dWeights)
    }

    /// One unit's share of dU: dM (into unit.m) from its dY rows, then dU[ξ] += dM[ξ]·V[ξ]ᵀ.
    private static func addWeightGradient<T: NetScalar>(
        _ unit: WinogradUnit<T>, dOutput: UnsafePointer<T>, cout: Int, cin: Int, into dU: UnsafeMutablePointer<T>
    ) {
        let layout = unit.layout, n = unit.grid.dims.count
        for co in 0..<cout {
            transformOutputAdjoint(dOutput + co * n, grid: unit.grid, rows: unit.rows, lines: unit.lines,
                                   into: unit.m + co * layout.columns, planeStride: layout.outputPlane)
        }
        let kernel = PointWeights<T>.kernelTakes(rows: cout, k: cin)
        for xi in 0..<points {
            if kernel {
                LinesKernel.gradient(dy: unit.m + xi * layout.outputPlane, lddy: layout.columns, m: cout,
                                     lines: unit.v + xi * layout.inputPlane, ldb: layout.columns, k: cin,
                                     columns: unit.tiles, taps: 1, into: dU + xi * cout * cin)
            } else {
                T.gemm(transA: false, transB: true, m: cout, n: cin, k: unit.tiles,
                       alpha: 1, a: unit.m + xi * layout.outputPlane, lda: layout.columns,
                       b: unit.v + xi * layout.inputPlane, ldb: layout.columns,
                       beta: 1, c: dU + xi * cout * cin, ldc: cin)
            }
        }
    }

    /// dW += the adjoint weight transform of Σ workers' dU.
    private static func finishWeightGradient<T: NetScalar>(
        _ partials: Partials<T>, cout: Int, cin: Int, addingTo dWeights: UnsafeMutablePointer<T>
    ) {
        let dU = Buffer<T>(count: points * cout * cin, zeroed: true)
        partials.add(into: dU.pointer)
        transformWeightsAdjoint(dU.pointer, cout: cout, cin: cin, addingTo: dWeights)
    }

    /// Runs `body` for each unit of tile rows of `dims`, its input already transformed into
    /// `unit.v`, on `Engine.threads` workers.
    static func forEachUnit<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, cout: Int, scratch: Scratch<T>, _ body: (WinogradUnit<T>) -> Void
    ) {
        let grid = WinogradGrid(dims, tileSize: tileSize)
        let layout = WinogradLayout(grid: grid, cin: input.count, cout: cout, workers: Engine.threads, points: points,
                                    minimumTiles: minimumTiles, lineBuffers: lineBuffers)
        let units = (grid.rows + layout.rowsPerUnit - 1) / layout.rowsPerUnit
        scratch.reserve(workers: Engine.threads, count: layout.scratchCount)
        Engine.forEachTile(units) { index, worker in
            let rows = (index * layout.rowsPerUnit)..<min(grid.rows, (index + 1) * layout.rowsPerUnit)
            let v = scratch.block(worker)
            let m = v + layout.inputPlanes
            let unit = WinogradUnit(grid: grid, layout: layout, rows: rows, v: v, m: m, lines: m + layout.outputPlanes,
                                    worker: worker)
            for ci in 0..<input.count {
                transformInput(input[ci], grid: grid, rows: rows, lines: unit.lines, lineLength: layout.lineLength,
                               into: v + ci * layout.columns, planeStride: layout.inputPlane)
            }
            body(unit)
        }
    }
}

/// The output's tiles: `d × h` rows of `w` tiles, numbered depth-major like voxels.
struct WinogradGrid {
    let dims: Dims
    let d: Int, h: Int, w: Int
    var rows: Int { d * h }
    init(_ dims: Dims, tileSize s: Int) {
        self.dims = dims
        d = (dims.a + s - 1) / s; h = (dims.b + s - 1) / s; w = (dims.c + s - 1) / s
    }
}

/// How one worker's scratch holds a unit of whole tile rows: the transformed input
/// V[points][Cin][columns] and products M[points][Cout][columns], then the transforms' line buffers.
/// Each plane is padded by a cache line so that the planes a tile touches do not all fall in the
/// same cache set (with power-of-two strides every plane's store would evict the last).
struct WinogradLayout {
    let rowsPerUnit: Int, columns: Int
    let inputPlane: Int, outputPlane: Int, lineLength: Int
    let inputPlanes: Int, outputPlanes: Int, scratchCount: Int

    /// Rows per unit: ~512 KB of transformed values, so that V and M stay in a core's L2 between
    /// the transform that writes them and the product that reads them (4 MB units, in L3, made
    /// the whole 16,32,64,128 forward pass 20 % slower), at least `minimumTiles` per product,
    /// and two units per worker.
    init(grid: WinogradGrid, cin: Int, cout: Int, workers: Int, points: Int, minimumTiles: Int, lineBuffers: Int) {
        let tiles = max(minimumTiles, (1 << 17) / points / max(cin + cout, 1))
        var rows = max(1, tiles / grid.w)
        rows = min(rows, max(1, grid.rows / (2 * workers)))
        rowsPerUnit = rows
        columns = (rows * grid.w + 15) / 16 * 16
        inputPlane = cin * columns + 16
        outputPlane = cout * columns + 16
        lineLength = grid.w + 9   // + 8: room for the last 8-wide load at t + 1
        inputPlanes = points * inputPlane
        outputPlanes = points * outputPlane
        scratchCount = inputPlanes + outputPlanes + lineBuffers * lineLength
    }
}

/// One worker's unit of tile rows, its input already transformed into `v` (V[ξ][ci][column]);
/// `m` (M[ξ][co][column], or dM in the weight gradient) and `lines` are its scratch.
struct WinogradUnit<T: NetScalar> {
    let grid: WinogradGrid, layout: WinogradLayout, rows: Range<Int>
    let v: UnsafeMutablePointer<T>, m: UnsafeMutablePointer<T>, lines: UnsafeMutablePointer<T>
    let worker: Int
    var tiles: Int { rows.count * grid.w }
}

/// U[ξ] for the per-point products M[ξ] = U[ξ]·V[ξ] ([m, k] · [k, tiles]), in the order their
/// multiplier wants: as is for OpenBLAS, packed for `LinesKernel` where it applies.
struct PointWeights<T: NetScalar> {
    let m: Int, k: Int, kernel: Bool, points: Int
    let u: Buffer<T>

    /// The largest U[ξ] (rows × columns) whose products go to `LinesKernel`: measured per layer
    /// on the Zen 1 EPYC, 16 × 16 and 16 × 32 products gain 1–11 %, 32 × 32 and larger lose
    /// 17–27 % to OpenBLAS, whose packing pays once K and M are that large.
    static var maxKernelProduct: Int { 512 }

    /// Whether a point product of `rows` × `k` weights (forward, dX, or dU's transpose) goes to
    /// `LinesKernel`.
    static func kernelTakes(rows: Int, k: Int) -> Bool {
        LinesKernel.applies(T.self, rows: rows) && rows * k <= maxKernelProduct
    }

    /// `fill` writes U[ξ][m][k], `points` planes of m·k.
    init(m: Int, k: Int, points: Int, fill: (UnsafeMutablePointer<T>) -> Void) {
        self.m = m; self.k = k; self.points = points
        kernel = Self.kernelTakes(rows: m, k: k)
        let plain = Buffer<T>(count: points * m * k)
        fill(plain.pointer)
        if kernel {
            u = Buffer<T>(count: points * m * k)
            for xi in 0..<points {
                LinesKernel.pack(plain.pointer + xi * m * k, m: m, k: k, taps: 1, into: u.pointer + xi * m * k)
            }
        } else {
            u = plain
        }
    }

    /// out[ξ][m][column] = U[ξ] · x[ξ][k][column] for the first `tiles` columns of each plane.
    func multiply(_ x: UnsafePointer<T>, planeStride xStride: Int, columns: Int, tiles: Int,
                  into out: UnsafeMutablePointer<T>, planeStride outStride: Int) {
        for xi in 0..<points {
            if kernel {
                LinesKernel.product(packed: u.pointer + xi * m * k, m: m, k: k, taps: 1, lines: x + xi * xStride,
                                    ldb: columns, columns: tiles, into: out + xi * outStride, ldp: columns)
            } else {
                T.gemm(transA: false, transB: false, m: m, n: tiles, k: k, alpha: 1, a: u.pointer + xi * m * k, lda: k,
                       b: x + xi * xStride, ldb: columns, beta: 0, c: out + xi * outStride, ldc: columns)
            }
        }
    }
}

/// Writes the transformed weights of (co, ci) pairs in runs: pairs go in blocks of 64 through a
/// local [points][64] buffer, then each point's 64 values land in U as one run (one value per
/// pair straight into its planes touched a new page per write, which for a 128-channel layer at
/// 8³ cost six times the products).
struct PairBlocks<T: NetScalar> {
    static var size: Int { 64 }

    /// For each block: `transform(pair, put)` fills pair `pair`'s values with `put(ξ, value)`, then
    /// the block is copied into u[ξ·(cout·cin) + pair].
    static func write(pairs: Int, points: Int, into u: UnsafeMutablePointer<T>,
                      _ transform: (_ pair: Int, _ put: (Int, T) -> Void) -> Void) {
        var local = [T](repeating: 0, count: points * size)
        for first in stride(from: 0, to: pairs, by: size) {
            let count = min(size, pairs - first)
            local.withUnsafeMutableBufferPointer { l in
                let base = l.baseAddress!
                for pair in 0..<count { transform(first + pair) { base[$0 * size + pair] = $1 } }
                for xi in 0..<points { (u + xi * pairs + first).update(from: base + xi * size, count: count) }
            }
        }
    }

    /// For each block: copies u[ξ·(cout·cin) + pair] out in runs, then `use(pair, value)` reads
    /// pair `pair`'s values with `value(ξ)`.
    static func read(pairs: Int, points: Int, from u: UnsafePointer<T>,
                     _ use: (_ pair: Int, _ value: (Int) -> T) -> Void) {
        var local = [T](repeating: 0, count: points * size)
        for first in stride(from: 0, to: pairs, by: size) {
            let count = min(size, pairs - first)
            local.withUnsafeMutableBufferPointer { l in
                let base = l.baseAddress!
                for xi in 0..<points { (base + xi * size).update(from: u + xi * pairs + first, count: count) }
                for pair in 0..<count { use(first + pair) { base[$0 * size + pair] } }
            }
        }
    }
}
