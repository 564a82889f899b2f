/// The weight gradient of `Winograd3.forward`, in the same transformed space: with
/// M[ξ] = U[ξ]·V[ξ] and Y = Aᵀ₃ M per tile, dM = A₃ dY per tile (the adjoint of the output
/// transform), dU[ξ] = Σ_tiles dM[ξ]·V[ξ]ᵀ (64 GEMMs), and dW = Gᵀ₃ dU (the adjoint of the weight
/// transform). Again 3.4× fewer flops than im2col's dY·colᵀ.
///
/// Shapes as `Conv3.weightGradient` at stride 1: Cin input channel pointers of `dims`,
/// dOutput [Cout, dims], dWeights [Cout, Cin·27] (added to).
extension Winograd3 {
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

    /// One unit's share of dU: dM (into unit.m) from its dOutput rows, then
    /// dU[ξ] += dM[ξ]·V[ξ]ᵀ against the input's V.
    private static func addWeightGradient<T: NetScalar>(
        _ unit: Unit<T>, dOutput: UnsafePointer<T>, cout: Int, cin: Int, into dU: UnsafeMutablePointer<T>
    ) {
        let layout = unit.layout, n = unit.grid.dims.count
        for co in 0..<cout {
            transformOutputAdjoint(dOutput + co * n, grid: unit.grid, rows: unit.rows, lines: unit.lines,
                                   into: unit.m + co * layout.columns, planeStride: layout.outputPlane)
        }
        let kernel = kernelTakes(T.self, rows: cout, k: cin)
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

    /// The weight gradient and the input gradient of one layer in a single pass over its tile
    /// rows. The input gradient is the stride-1 conv of dY with the kernel flipped and its channel
    /// axes swapped, whose tiles are the weight gradient's: each unit reads its dY rows once for
    /// both (dM for dW, then dY's own input transform for dX), while they are still in cache,
    /// instead of two passes over all of dY. dInput splits Cin into contiguous blocks, as
    /// `Conv3.inputGradient`; with `accumulate` false it is overwritten.
    static func backward<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, weights: UnsafePointer<T>, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, dInput: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool,
        scratch: Scratch<T>
    ) {
        let cin = input.count
        let flipped = Conv3.flippedWeights(weights, cout: cout, cin: cin)
        let uFlipped = PointWeights<T>(m: cin, k: cout) {   // [ξ][ci][co]
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

    /// dM[ξ][column] = (A ⊗ A ⊗ A) of each tile's 2×2×2 block of dY (zero outside the volume),
    /// for the tiles in `rows` of one output channel; A's columns give (y0, y0 + y1, y0 − y1, −y1)
    /// along each axis. Runs on whole lines like the forward transforms.
    static func transformOutputAdjoint<T: NetScalar>(
        _ dy: UnsafePointer<T>, grid: TileGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>,
        into dM: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let dims = grid.dims, w = grid.w
        @inline(__always) func run(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> {
            lines + ((z * 4 + y) * 4 + x) * w
        }
        @inline(__always) func expand(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                                      _ out: (Int) -> UnsafeMutablePointer<T>) {
            let o0 = out(0), o1 = out(1), o2 = out(2), o3 = out(3)
            var t = 0
            while t + 8 <= w {
                let p = load8(a + t), q = load8(b + t)
                store8(p, o0 + t); store8(p + q, o1 + t); store8(p - q, o2 + t); store8(-q, o3 + t)
                t += 8
            }
            while t < w {
                let p = a[t], q = b[t]
                o0[t] = p; o1[t] = p + q; o2[t] = p - q; o3[t] = -q
                t += 1
            }
        }
        for row in rows {
            let z0 = 2 * (row / grid.h), y0 = 2 * (row % grid.h)
            let column0 = (row - rows.lowerBound) * w
            // Even and odd voxels of the tile row's four dY lines, into runs (z, y, 2) and (z, y, 3).
            for z in 0..<2 { for y in 0..<2 {
                let e = run(z, y, 2), o = run(z, y, 3)
                guard z0 + z < dims.a && y0 + y < dims.b else {
                    e.update(repeating: 0, count: w); o.update(repeating: 0, count: w)
                    continue
                }
                let line = dy + ((z0 + z) * dims.b + y0 + y) * dims.c
                var t = 0
                while 2 * t + 16 <= dims.c {
                    let pair = UnsafeRawPointer(line + 2 * t).loadUnaligned(as: SIMD16<T>.self)
                    store8(pair.evenHalf, e + t); store8(pair.oddHalf, o + t)
                    t += 8
                }
                while t < w {
                    e[t] = line[2 * t]
                    o[t] = 2 * t + 1 < dims.c ? line[2 * t + 1] : 0
                    t += 1
                }
            }}
            // Along x, y, then z (into the planes).
            for z in 0..<2 { for y in 0..<2 { expand(run(z, y, 2), run(z, y, 3)) { run(z, y, $0) } } }
            for z in 0..<2 { for x in 0..<4 { expand(run(z, 0, x), run(z, 1, x)) { run(z, $0, x) } } }
            for y in 0..<4 { for x in 0..<4 {
                expand(run(0, y, x), run(1, y, x)) { dM + (($0 * 4 + y) * 4 + x) * planeStride + column0 }
            }}
        }
    }

    /// dW[co][ci] += (Gᵀ ⊗ Gᵀ ⊗ Gᵀ) dU[·][co][ci], Gᵀ taking (d0, d1, d2, d3) to
    /// (d0 + (d1 + d2)/2, (d1 − d2)/2, (d1 + d2)/2 + d3) along each axis. Pairs go in blocks of
    /// 64, read from dU in runs (as `transformWeights` writes U).
    static func transformWeightsAdjoint<T: NetScalar>(
        _ dU: UnsafePointer<T>, cout: Int, cin: Int, addingTo dW: UnsafeMutablePointer<T>
    ) {
        @inline(__always) func apply(_ a: T, _ b: T, _ c: T, _ d: T) -> (T, T, T) {
            (a + (b + c) / 2, (b - c) / 2, (b + c) / 2 + d)
        }
        var alongZ = [T](repeating: 0, count: 48), alongY = [T](repeating: 0, count: 36)
        let plane = cout * cin, block = 64
        var local = [T](repeating: 0, count: points * block)
        for first in stride(from: 0, to: plane, by: block) {
            let count = min(block, plane - first)
            local.withUnsafeMutableBufferPointer { l in
                for xi in 0..<points { (l.baseAddress! + xi * block).update(from: dU + xi * plane + first, count: count) }
            }
            for pair in 0..<count {
                for yx in 0..<16 {   // z: 4 → 3, into [kd][y][x]
                    let t = apply(local[yx * block + pair], local[(16 + yx) * block + pair],
                                  local[(32 + yx) * block + pair], local[(48 + yx) * block + pair])
                    alongZ[yx] = t.0; alongZ[16 + yx] = t.1; alongZ[32 + yx] = t.2
                }
                for kd in 0..<3 { for x in 0..<4 {   // y: 4 → 3, into [kd][kh][x]
                    let b = kd * 16 + x
                    let t = apply(alongZ[b], alongZ[b + 4], alongZ[b + 8], alongZ[b + 12])
                    alongY[(kd * 3) * 4 + x] = t.0; alongY[(kd * 3 + 1) * 4 + x] = t.1; alongY[(kd * 3 + 2) * 4 + x] = t.2
                }}
                let g = dW + (first + pair) * 27
                for r in 0..<9 {   // x: 4 → 3, into [kd][kh][kw]
                    let t = apply(alongY[r * 4], alongY[r * 4 + 1], alongY[r * 4 + 2], alongY[r * 4 + 3])
                    g[r * 3] += t.0; g[r * 3 + 1] += t.1; g[r * 3 + 2] += t.2
                }
            }
        }
    }
}
