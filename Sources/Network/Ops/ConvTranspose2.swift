/// ConvTranspose3d with kernel 2, stride 2, no bias (it feeds an InstanceNorm, see Conv3).
/// Each input voxel writes its own 2×2×2 output block, so the op is one GEMM per row tile and
/// a scatter, with no overlap between tiles.
///
/// Shapes: input [Cin, inDims]; weights [Cin, Cout·8] — PyTorch's [Cin, Cout, 2, 2, 2] as is;
/// output [Cout, 2·inDims].
enum ConvTranspose2 {
    /// output = convT(input, weights).
    static func forward<T: NetScalar>(
        input: UnsafePointer<T>, cin: Int, inDims: Dims, weights: UnsafePointer<T>, cout: Int,
        output: UnsafeMutablePointer<T>, scratch: Scratch<T>
    ) {
        let m = cout * 8
        let tiling = RowTiling(rows: inDims.a * inDims.b, rowLength: inDims.c, k: m, workers: Engine.threads)
        scratch.reserve(workers: Engine.threads, count: m * tiling.maxColumns)
        Engine.forEachTile(tiling.tiles) { tile, worker in
            let rows = tiling.range(tile)
            let cols = rows.count * inDims.c
            let blocks = scratch.block(worker)
            T.gemm(transA: true, transB: false, m: m, n: cols, k: cin,
                   alpha: 1, a: weights, lda: m, b: input + rows.lowerBound * inDims.c, ldb: inDims.count,
                   beta: 0, c: blocks, ldc: cols)
            move(blocks: blocks, output: output, cout: cout, inDims: inDims, rows: rows, scatter: true)
        }
    }

    /// dWeights[Cin, Cout·8] += input · gather(dOutput)ᵀ; dInput[Cin, inDims] = W · gather(dOutput).
    static func backward<T: NetScalar>(
        input: UnsafePointer<T>, cin: Int, inDims: Dims, weights: UnsafePointer<T>, cout: Int,
        dOutput: UnsafeMutablePointer<T>, dWeights: UnsafeMutablePointer<T>,
        dInput: UnsafeMutablePointer<T>?, scratch: Scratch<T>
    ) {
        let m = cout * 8
        let tiling = RowTiling(rows: inDims.a * inDims.b, rowLength: inDims.c, k: m, workers: Engine.threads)
        scratch.reserve(workers: Engine.threads, count: m * tiling.maxColumns)
        let partials = Partials<T>(workers: Engine.threads, count: cin * m)
        Engine.forEachTile(tiling.tiles) { tile, worker in
            let rows = tiling.range(tile)
            let cols = rows.count * inDims.c
            let blocks = scratch.block(worker)
            move(blocks: blocks, output: dOutput, cout: cout, inDims: inDims, rows: rows, scatter: false)
            T.gemm(transA: false, transB: true, m: cin, n: m, k: cols,
                   alpha: 1, a: input + rows.lowerBound * inDims.c, lda: inDims.count, b: blocks, ldb: cols,
                   beta: 1, c: partials.block(worker), ldc: m)
            if let dInput {
                T.gemm(transA: false, transB: false, m: cin, n: cols, k: m,
                       alpha: 1, a: weights, lda: m, b: blocks, ldb: cols,
                       beta: 0, c: dInput + rows.lowerBound * inDims.c, ldc: inDims.count)
            }
        }
        partials.add(into: dWeights)
    }

    /// blocks[Cout·8, rows·inC] ↔ output[Cout, 2·inDims]: row (co, da, db, dc) of `blocks` holds,
    /// for each input voxel (a, b, c) of the tile, output voxel (2a+da, 2b+db, 2c+dc) of channel co.
    /// `scatter` writes blocks into output; otherwise it gathers output into blocks.
    private static func move<T: NetScalar>(
        blocks: UnsafeMutablePointer<T>, output: UnsafeMutablePointer<T>, cout: Int, inDims: Dims,
        rows: Range<Int>, scatter: Bool
    ) {
        let cols = rows.count * inDims.c
        let od = inDims.doubled
        for co in 0..<cout {
            let channel = output + co * od.count
            for j in 0..<8 {
                let da = j >> 2, db = (j >> 1) & 1, dc = j & 1
                let base = blocks + (co * 8 + j) * cols
                for r in rows {
                    let a = r / inDims.b, b = r % inDims.b
                    let line = channel + ((2 * a + da) * od.b + 2 * b + db) * od.c + dc
                    let seg = base + (r - rows.lowerBound) * inDims.c
                    if scatter {
                        for c in 0..<inDims.c { line[2 * c] = seg[c] }
                    } else {
                        for c in 0..<inDims.c { seg[c] = line[2 * c] }
                    }
                }
            }
        }
    }
}
