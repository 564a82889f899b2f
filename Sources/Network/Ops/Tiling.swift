/// How a pass over an output of `rows` rows of `rowLength` values is cut into tiles: whole rows,
/// about `targetColumns` values wide so that a tile's im2col block (K × columns) stays in a
/// core's cache, and at least two tiles per worker so both cores stay busy to the end.
struct RowTiling {
    let rows: Int
    let rowLength: Int
    let rowsPerTile: Int
    var tiles: Int { (rows + rowsPerTile - 1) / rowsPerTile }
    var maxColumns: Int { rowsPerTile * rowLength }

    /// `values`: the im2col block's target size (1 MB by default; less where the block should
    /// stay in L2 for a kernel that reads it in place).
    init(rows: Int, rowLength: Int, k: Int, workers: Int, values: Int = 1 << 18) {
        self.rows = rows
        self.rowLength = rowLength
        // ~1 MB of im2col per tile, never fewer than 512 columns (GEMM efficiency).
        let target = max(512, values / max(k, 1))
        var perTile = max(1, target / max(rowLength, 1))
        perTile = min(perTile, max(1, rows / (2 * workers)))
        rowsPerTile = min(perTile, rows)
    }

    func range(_ tile: Int) -> Range<Int> {
        let r0 = tile * rowsPerTile
        return r0..<min(rows, r0 + rowsPerTile)
    }
}

/// Per-worker gradient accumulators for a weight of `count` values, summed into the real
/// gradient at the end, so workers never write the same memory.
final class Partials<T: NetScalar> {
    let count: Int
    private let buffers: [Buffer<T>]

    init(workers: Int, count: Int) {
        self.count = count
        buffers = (0..<workers).map { _ in Buffer<T>(count: count, zeroed: true) }
    }

    func block(_ worker: Int) -> UnsafeMutablePointer<T> { buffers[worker].pointer }

    /// target += Σ workers' partial sums.
    func add(into target: UnsafeMutablePointer<T>) {
        for b in buffers {
            let p = b.pointer
            for i in 0..<count { target[i] += p[i] }
        }
    }
}
