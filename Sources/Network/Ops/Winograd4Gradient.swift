/// The weight gradient of `Winograd4.forward` in its transformed space, as
/// `Winograd3.weightGradient`: dM = A₃ dY per tile (the adjoint of the output transform, 4 → 6
/// along each axis), dU[ξ] = Σ_tiles dM[ξ]·V[ξ]ᵀ (216 products), dW = Gᵀ₃ dU.
///
/// Shapes as `Conv3.weightGradient` at stride 1: Cin input channel pointers of `dims`,
/// dOutput [Cout, dims], dWeights [Cout, Cin·27] (added to).
extension Winograd4 {
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

    /// The weight gradient and the input gradient in one pass over the tile rows, as
    /// `Winograd3.backward`: each unit reads its dY rows once for both (dM for dW, then dY's own
    /// input transform for dX, the stride-1 conv of dY with the kernel flipped and its channel
    /// axes swapped). dInput splits Cin into contiguous blocks; with `accumulate` false it is
    /// overwritten.
    static func backward<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, weights: UnsafePointer<T>, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, dInput: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool,
        scratch: Scratch<T>
    ) {
        let cin = input.count
        let flipped = Conv3.flippedWeights(weights, cout: cout, cin: cin)
        let uFlipped = Winograd3.PointWeights<T>(m: cin, k: cout, points: points) {   // [ξ][ci][co]
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
        _ unit: Unit<T>, dOutput: UnsafePointer<T>, cout: Int, cin: Int, into dU: UnsafeMutablePointer<T>
    ) {
        let layout = unit.layout, n = unit.grid.dims.count
        for co in 0..<cout {
            transformOutputAdjoint(dOutput + co * n, grid: unit.grid, rows: unit.rows, lines: unit.lines,
                                   into: unit.m + co * layout.columns, planeStride: layout.outputPlane)
        }
        let kernel = Winograd3.kernelTakes(T.self, rows: cout, k: cin)
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

    /// dW += Gᵀ₃ (Σ workers' dU).
    private static func finishWeightGradient<T: NetScalar>(
        _ partials: Partials<T>, cout: Int, cin: Int, addingTo dWeights: UnsafeMutablePointer<T>
    ) {
        let dU = Buffer<T>(count: points * cout * cin, zeroed: true)
        partials.add(into: dU.pointer)
        transformWeightsAdjoint(dU.pointer, cout: cout, cin: cin, addingTo: dWeights)
    }

    /// A along one axis on whole runs, 4 → 6: with e = y0 + y2, o = y1 + y3, E = y0 + 4y2,
    /// O = 2y1 + 8y3: (y0, e + o, e − o, E + O, E − O, y3).
    @inline(__always)
    private static func outputAdjoint<T: NetScalar>(
        _ a0: UnsafePointer<T>, _ a1: UnsafePointer<T>, _ a2: UnsafePointer<T>, _ a3: UnsafePointer<T>,
        into p: (Int) -> UnsafeMutablePointer<T>, count: Int
    ) {
        let p0 = p(0), p1 = p(1), p2 = p(2), p3 = p(3), p4 = p(4), p5 = p(5)
        let two = SIMD8<T>(repeating: 2), four = SIMD8<T>(repeating: 4), eight = SIMD8<T>(repeating: 8)
        var i = 0
        while i + 8 <= count {
            let y0 = load8(a0 + i), y1 = load8(a1 + i), y2 = load8(a2 + i), y3 = load8(a3 + i)
            let e = y0 + y2, o = y1 + y3, bigE = y0 + four * y2, bigO = two * y1 + eight * y3
            store8(y0, p0 + i); store8(e + o, p1 + i); store8(e - o, p2 + i)
            store8(bigE + bigO, p3 + i); store8(bigE - bigO, p4 + i); store8(y3, p5 + i)
            i += 8
        }
        while i < count {
            let y0 = a0[i], y1 = a1[i], y2 = a2[i], y3 = a3[i]
            let e = y0 + y2, o = y1 + y3, bigE = y0 + 4 * y2, bigO = 2 * y1 + 8 * y3
            p0[i] = y0; p1[i] = e + o; p2[i] = e - o; p3[i] = bigE + bigO; p4[i] = bigE - bigO; p5[i] = y3
            i += 1
        }
    }

    /// dM[ξ][column] = (A ⊗ A ⊗ A) of each tile's 4×4×4 block of dY (zero outside the volume),
    /// for the tiles in `rows` of one output channel. Each of a tile row's 16 dY lines is split
    /// into four phases P_j[t] = dy[4t + j], then expanded along x, y and z.
    static func transformOutputAdjoint<T: NetScalar>(
        _ dy: UnsafePointer<T>, grid: TileGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>,
        into dM: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let dims = grid.dims, w = grid.w
        /// Phases (z, y, j < 4), then x-expanded (z, y, x < 6), then y-expanded (z, y < 6, x).
        @inline(__always) func phase(_ z: Int, _ y: Int, _ j: Int) -> UnsafeMutablePointer<T> { lines + ((z * 4 + y) * 4 + j) * w }
        @inline(__always) func alongX(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> { lines + (64 + (z * 4 + y) * 6 + x) * w }
        @inline(__always) func alongY(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> { lines + (160 + (z * 6 + y) * 6 + x) * w }
        for row in rows {
            let z0 = 4 * (row / grid.h), y0 = 4 * (row % grid.h)
            let column0 = (row - rows.lowerBound) * w
            for z in 0..<4 { for y in 0..<4 {
                let q0 = phase(z, y, 0), q1 = phase(z, y, 1), q2 = phase(z, y, 2), q3 = phase(z, y, 3)
                guard z0 + z < dims.a && y0 + y < dims.b else {
                    for q in [q0, q1, q2, q3] { q.update(repeating: 0, count: w) }
                    continue
                }
                let line = dy + ((z0 + z) * dims.b + y0 + y) * dims.c
                var t = 0
                while 4 * t + 32 <= dims.c {
                    let run = UnsafeRawPointer(line + 4 * t).loadUnaligned(as: SIMD32<T>.self)
                    let even = run.evenHalf, odd = run.oddHalf
                    store8(even.evenHalf, q0 + t); store8(odd.evenHalf, q1 + t)
                    store8(even.oddHalf, q2 + t); store8(odd.oddHalf, q3 + t)
                    t += 8
                }
                while t < w {
                    let x = 4 * t
                    q0[t] = line[x]
                    q1[t] = x + 1 < dims.c ? line[x + 1] : 0
                    q2[t] = x + 2 < dims.c ? line[x + 2] : 0
                    q3[t] = x + 3 < dims.c ? line[x + 3] : 0
                    t += 1
                }
            }}
            for z in 0..<4 { for y in 0..<4 {
                outputAdjoint(phase(z, y, 0), phase(z, y, 1), phase(z, y, 2), phase(z, y, 3), into: { alongX(z, y, $0) }, count: w)
            }}
            for z in 0..<4 { for x in 0..<6 {
                outputAdjoint(alongX(z, 0, x), alongX(z, 1, x), alongX(z, 2, x), alongX(z, 3, x), into: { alongY(z, $0, x) }, count: w)
            }}
            for y in 0..<6 { for x in 0..<6 {
                outputAdjoint(alongY(0, y, x), alongY(1, y, x), alongY(2, y, x), alongY(3, y, x),
                              into: { dM + (($0 * 6 + y) * 6 + x) * planeStride + column0 }, count: w)
            }}
        }
    }

    /// Gᵀ along one axis, 6 → 3: (d0/4 − (d1 + d2)/6 + (d3 + d4)/24, (d2 − d1)/6 + (d3 − d4)/12,
    /// (d3 + d4 − d1 − d2)/6 + d5).
    @inline(__always)
    private static func weightAdjoint<T: NetScalar>(_ d: (Int) -> T) -> (T, T, T) {
        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5)
        let s12 = d1 + d2, s34 = d3 + d4
        return (d0 / 4 - s12 / 6 + s34 / 24, (d2 - d1) / 6 + (d3 - d4) / 12, (s34 - s12) / 6 + d5)
    }

    /// dW[co][ci] += (Gᵀ ⊗ Gᵀ ⊗ Gᵀ) dU[·][co][ci]. Pairs go in blocks of 64, read from dU in runs
    /// (as `transformWeights` writes U).
    static func transformWeightsAdjoint<T: NetScalar>(
        _ dU: UnsafePointer<T>, cout: Int, cin: Int, addingTo dW: UnsafeMutablePointer<T>
    ) {
        let plane = cout * cin, block = 64
        var local = [T](repeating: 0, count: points * block)
        var alongZ = [T](repeating: 0, count: 108), alongY = [T](repeating: 0, count: 54)
        for first in stride(from: 0, to: plane, by: block) {
            let count = min(block, plane - first)
            local.withUnsafeMutableBufferPointer { l in
                for xi in 0..<points { (l.baseAddress! + xi * block).update(from: dU + xi * plane + first, count: count) }
            }
            for pair in 0..<count {
                for yx in 0..<36 {   // z: 6 → 3, into [kd][y][x]
                    let t = weightAdjoint { local[($0 * 36 + yx) * block + pair] }
                    alongZ[yx] = t.0; alongZ[36 + yx] = t.1; alongZ[72 + yx] = t.2
                }
                for kd in 0..<3 { for x in 0..<6 {   // y: 6 → 3, into [kd][kh][x]
                    let t = weightAdjoint { alongZ[(kd * 6 + $0) * 6 + x] }
                    alongY[(kd * 3) * 6 + x] = t.0; alongY[(kd * 3 + 1) * 6 + x] = t.1; alongY[(kd * 3 + 2) * 6 + x] = t.2
                }}
                let g = dW + (first + pair) * 27
                for r in 0..<9 {   // x: 6 → 3, into [kd][kh][kw]
                    let t = weightAdjoint { alongY[r * 6 + $0] }
                    g[r * 3] += t.0; g[r * 3 + 1] += t.1; g[r * 3 + 2] += t.2
                }
            }
        }
    }
}
