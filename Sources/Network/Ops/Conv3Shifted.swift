/// Stride-1 Conv3d for the narrow layers (those Winograd's F(2,3) does not take) as im2col + GEMM
/// with a third of the copying: the three taps along x read the same input line shifted by one
/// voxel, so the column block holds each (ci, kd, kh) line once, zero-padded to w + 2, and tap kw
/// is that block read from `kw` on. The output is computed on the padded row grid (w + 2 columns
/// per row, the last two are discarded) by three GEMMs with K = 9·Cin that accumulate into one
/// scratch tile, which is then copied (or added) into the output rows. In Float on AVX2 CPUs the
/// three GEMMs (and the weight gradient's) are one pass of a kernel that reads the lines in place
/// (`LinesKernel`).
///
/// Shapes as `Conv3.forward`: input Cin channels of `dims`; weights [Cout, Cin·27]; output
/// [Cout, dims]. The weight gradient uses the same lines. For the 8-channel layers of a 128³
/// teacher this writes 72 instead of 216 values per output voxel before GEMM (im2col's copies
/// were a fifth of that network's forward pass).
enum Conv3Shifted {
    static func forward<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, weights: UnsafePointer<T>,
        outputs: [(UnsafeMutablePointer<T>, Int)], accumulate: Bool, scratch: Scratch<T>
    ) {
        let cout = outputs.reduce(0) { $0 + $1.1 }
        // The kernel reads its lines in place, so they should still be in L2 from `paddedLines`:
        // 128 KB blocks (16–32K values measured alike, 8K and 64K slower; the GEMM's 1 MB made
        // the kernel 13 % slower).
        let kernel = LinesKernel.applies(T.self, rows: cout)
        let plan = Plan(dims: dims, cin: input.count, cout: cout, scratch: scratch, tileValues: kernel ? 1 << 15 : 1 << 18)
        let k = plan.k, w = dims.c, pitch = plan.pitch
        let tapWeights = Buffer<T>(count: 3 * cout * k)
        if kernel {
            LinesKernel.pack(weights, m: cout, k: k, taps: 3, into: tapWeights.pointer)
        } else {
            plan.forEachWeight { perTap, pytorch in tapWeights.pointer[perTap] = weights[pytorch] }
        }
        Engine.forEachTile(plan.tiling.tiles) { tile, worker in
            let (rows, n, ldb) = plan.tile(tile)
            let col = scratch.block(worker), product = col + plan.linesCount
            paddedLines(input: input, dims: dims, rows: rows, col: col, ldb: ldb)
            if kernel {
                LinesKernel.product(packed: tapWeights.pointer, m: cout, k: k, taps: 3, lines: col, ldb: ldb, columns: n,
                                    into: product, ldp: n)
            } else {
                let step = Conv3.unpackedColumns(m: cout, k: k, columns: n)
                for j in Swift.stride(from: 0, to: n, by: step) {
                    for kw in 0..<3 {
                        T.gemm(transA: false, transB: false, m: cout, n: min(step, n - j), k: k,
                               alpha: 1, a: tapWeights.pointer + kw * cout * k, lda: k, b: col + kw + j, ldb: ldb,
                               beta: kw == 0 ? 0 : 1, c: product + j, ldc: n)
                    }
                }
            }
            var first = 0
            for (out, m) in outputs {
                for co in 0..<m {
                    let src = product + (first + co) * n
                    let dst = out + co * dims.count + rows.lowerBound * w
                    for t in 0..<rows.count {
                        let s = src + t * pitch, d = dst + t * w
                        if accumulate { for x in 0..<w { d[x] += s[x] } } else { d.update(from: s, count: w) }
                    }
                }
                first += m
            }
        }
    }

    /// dWeights[Cout, Cin·27] += dOutput · im2col(input)ᵀ, with the same shifted lines: on the
    /// padded row grid (dOutput copied in with zeros in the two padding columns of each row),
    /// tap kw's gradient is dOutput · (lines read from kw)ᵀ, a [Cout, Cin·9] product per tap.
    static func weightGradient<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, dOutput: UnsafePointer<T>, cout: Int,
        dWeights: UnsafeMutablePointer<T>, scratch: Scratch<T>
    ) {
        let kernel = LinesKernel.applies(T.self, rows: cout)
        let plan = Plan(dims: dims, cin: input.count, cout: cout, scratch: scratch)
        let k = plan.k, w = dims.c, pitch = plan.pitch
        let partials = Partials<T>(workers: Engine.threads, count: 3 * cout * k)
        Engine.forEachTile(plan.tiling.tiles) { tile, worker in
            let (rows, n, ldb) = plan.tile(tile)
            let col = scratch.block(worker), dy = col + plan.linesCount
            paddedLines(input: input, dims: dims, rows: rows, col: col, ldb: ldb)
            for co in 0..<cout {
                let src = dOutput + co * dims.count + rows.lowerBound * w
                for t in 0..<rows.count {
                    let d = dy + co * n + t * pitch
                    d.update(from: src + t * w, count: w)
                    d[w] = 0; d[w + 1] = 0
                }
            }
            if kernel {
                LinesKernel.gradient(dy: dy, lddy: n, m: cout, lines: col, ldb: ldb, k: k, columns: n, taps: 3,
                                     into: partials.block(worker))
                return
            }
            // In column slices small enough for OpenBLAS's unpacked kernel, as `Conv3.forwardIm2col`.
            let slice = Conv3.unpackedColumns(m: cout, k: k, columns: n)
            let step = slice >= 64 ? slice : n
            for j in Swift.stride(from: 0, to: n, by: step) {
                for kw in 0..<3 {
                    T.gemm(transA: false, transB: true, m: cout, n: k, k: min(step, n - j),
                           alpha: 1, a: dy + j, lda: n, b: col + kw + j, ldb: ldb,
                           beta: 1, c: partials.block(worker) + kw * cout * k, ldc: k)
                }
            }
        }
        let sum = Buffer<T>(count: 3 * cout * k, zeroed: true)
        partials.add(into: sum.pointer)
        plan.forEachWeight { perTap, pytorch in dWeights[pytorch] += sum.pointer[perTap] }
    }

    /// What forward and weight gradient share: the row tiles (on the padded row pitch), each
    /// worker's scratch (the lines, then a [Cout, columns] block), and the weight order.
    private struct Plan {
        let cin: Int, cout: Int, k: Int, pitch: Int
        let tiling: RowTiling
        /// Values of the lines block ahead of the [Cout, columns] block in a worker's scratch.
        let linesCount: Int

        init<T>(dims: Dims, cin: Int, cout: Int, scratch: Scratch<T>, tileValues: Int = 1 << 18) {
            self.cin = cin; self.cout = cout; k = cin * 9; pitch = dims.c + 2
            tiling = RowTiling(rows: dims.a * dims.b, rowLength: pitch, k: k, workers: Engine.threads, values: tileValues)
            linesCount = k * (tiling.maxColumns + 2)
            scratch.reserve(workers: Engine.threads, count: linesCount + cout * tiling.maxColumns)
        }

        /// A tile's output rows, its columns on the padded grid, and the lines' row stride.
        func tile(_ index: Int) -> (rows: Range<Int>, columns: Int, ldb: Int) {
            let rows = tiling.range(index)
            return (rows, rows.count * pitch, rows.count * pitch + 2)
        }

        /// Pairs each weight's index in the three per-tap [Cout, Cin·9] blocks with its index in
        /// PyTorch's [Cout, Cin·27] (kw innermost).
        func forEachWeight(_ body: (_ perTap: Int, _ pytorch: Int) -> Void) {
            for kw in 0..<3 { for co in 0..<cout { for r in 0..<k {
                body((kw * cout + co) * k + r, co * cin * 27 + r * 3 + kw)
            }}}
        }
    }

    /// col[Cin·9, ldb]: line (ci, kd, kh) holds, for each output row r of the tile, the input line
    /// at depth d + kd − 1 and row h + kh − 1 as [0, x₀ … x_{w−1}, 0] (all zeros off the volume),
    /// followed by two zeros that the shifted reads of the last row's padding columns touch.
    private static func paddedLines<T: NetScalar>(
        input: [UnsafePointer<T>], dims: Dims, rows: Range<Int>, col: UnsafeMutablePointer<T>, ldb: Int
    ) {
        let w = dims.c, pitch = w + 2
        for ci in 0..<input.count {
            let src = input[ci]
            for kd in 0..<3 { for kh in 0..<3 {
                let line = col + (ci * 9 + kd * 3 + kh) * ldb
                for r in rows {
                    let dst = line + (r - rows.lowerBound) * pitch
                    let id = r / dims.b + kd - 1, ih = r % dims.b + kh - 1
                    guard id >= 0 && id < dims.a && ih >= 0 && ih < dims.b else {
                        dst.update(repeating: 0, count: pitch)
                        continue
                    }
                    dst[0] = 0
                    (dst + 1).update(from: src + (id * dims.b + ih) * w, count: w)
                    dst[w + 1] = 0
                }
                line[ldb - 2] = 0; line[ldb - 1] = 0
            }}
        }
    }
}
