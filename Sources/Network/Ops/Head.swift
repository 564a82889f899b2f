/// The head: Conv3d kernel 1 with bias, then sigmoid, over column tiles.
///
/// Shapes: x [Cin, N], weights [Cout, Cin] (PyTorch's [Cout, Cin, 1, 1, 1]), bias [Cout],
/// p [Cout, N] = σ(W·x + b).
enum Head {
    static let tileColumns = 16384

    static func forward<T: NetScalar>(
        x: UnsafePointer<T>, cin: Int, spatial n: Int, weights: UnsafePointer<T>, bias: UnsafePointer<T>,
        cout: Int, p: UnsafeMutablePointer<T>
    ) {
        let tiles = (n + tileColumns - 1) / tileColumns
        Engine.forEachTile(tiles) { tile, _ in
            let n0 = tile * tileColumns, cols = min(n, n0 + tileColumns) - n0
            T.gemm(transA: false, transB: false, m: cout, n: cols, k: cin,
                   alpha: 1, a: weights, lda: cin, b: x + n0, ldb: n,
                   beta: 0, c: p + n0, ldc: n)
            for co in 0..<cout {
                let q = p + co * n + n0, b = bias[co]
                for j in 0..<cols { q[j] = 1 / (1 + T.exp(-(q[j] + b))) }
            }
        }
    }

    /// In place: dp becomes the gradient of the logits; dWeights, dBias += their gradients;
    /// dx [Cin, N] = Wᵀ · dlogits (overwritten).
    static func backward<T: NetScalar>(
        x: UnsafePointer<T>, cin: Int, spatial n: Int, weights: UnsafePointer<T>, cout: Int,
        p: UnsafePointer<T>, dp: UnsafeMutablePointer<T>,
        dWeights: UnsafeMutablePointer<T>, dBias: UnsafeMutablePointer<T>, dx: UnsafeMutablePointer<T>
    ) {
        let tiles = (n + tileColumns - 1) / tileColumns
        let partials = Partials<T>(workers: Engine.threads, count: cout * cin + cout)
        Engine.forEachTile(tiles) { tile, worker in
            let n0 = tile * tileColumns, cols = min(n, n0 + tileColumns) - n0
            let part = partials.block(worker)
            for co in 0..<cout {
                let q = p + co * n + n0, d = dp + co * n + n0
                var sum: T = 0
                for j in 0..<cols { d[j] *= q[j] * (1 - q[j]); sum += d[j] }
                part[cout * cin + co] += sum
            }
            T.gemm(transA: false, transB: true, m: cout, n: cin, k: cols,
                   alpha: 1, a: dp + n0, lda: n, b: x + n0, ldb: n,
                   beta: 1, c: part, ldc: cin)
            T.gemm(transA: true, transB: false, m: cin, n: cols, k: cout,
                   alpha: 1, a: weights, lda: cin, b: dp + n0, ldb: n,
                   beta: 0, c: dx + n0, ldc: n)
        }
        let sums = Buffer<T>(count: cout * cin + cout, zeroed: true)
        partials.add(into: sums.pointer)
        for i in 0..<(cout * cin) { dWeights[i] += sums.pointer[i] }
        for co in 0..<cout { dBias[co] += sums.pointer[cout * cin + co] }
    }
}
