import COpenBLAS
import Foundation

/// How many cores the engine keeps busy. Work is split into tiles that workers take in turn;
/// each worker calls a single-threaded OpenBLAS on a tile that fits in its own cache, which beats
/// one large multi-threaded GEMM over a buffer that does not (see Docs/network.md).
public enum Engine {
    nonisolated(unsafe) private static var configuredThreads: Int = {
        OpenBLASCore.selectKernels()
        openblas_set_num_threads(1)
        return max(1, min(threadsFromEnvironment ?? usableCores, 64))
    }()

    /// `TUTOR_THREADS=N` sets the engine's workers (a shared server, or several runs side by side).
    static var threadsFromEnvironment: Int? {
        ProcessInfo.processInfo.environment["TUTOR_THREADS"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The cores this process may run on: its CPU affinity (`taskset`, a container's cpuset),
    /// not every core of the machine. Two workers taking turns on one core make a pass five
    /// times slower, as each waits for the other's tiles.
    static var usableCores: Int {
        // Linux: the hex mask of /proc/self/status's "Cpus_allowed:" line (Glibc does not export
        // sched_getaffinity to Swift).
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let count = line.dropFirst("Cpus_allowed:".count).reduce(0) { sum, c in
                sum + (c.hexDigitValue?.nonzeroBitCount ?? 0)
            }
            if count > 0 { return count }
        }
        return ProcessInfo.processInfo.activeProcessorCount
    }

    /// The OpenBLAS kernel family in use (e.g. SkylakeX), for benchmark reports.
    public static var blasCore: String {
        _ = threads
        return String(cString: openblas_get_corename())
    }

    /// Whether the narrow convolutions and small Winograd products run on tutor's own AVX2
    /// kernels (`LinesKernel`) rather than OpenBLAS, for benchmark reports.
    public static var ownKernels: Bool { LinesKernel.enabled }

    /// Worker count for every pass of the engine (default: the number of active cores, or
    /// `TUTOR_THREADS`).
    public static var threads: Int {
        get { configuredThreads }
        set { configuredThreads = max(1, newValue) }
    }

    /// Runs `body(tile, worker)` for every tile in `0..<tiles`, on up to `threads` workers;
    /// `worker` (0..<threads) indexes per-worker scratch. Tiles go to whichever worker is free.
    static func forEachTile(_ tiles: Int, _ body: (_ tile: Int, _ worker: Int) -> Void) {
        let workers = min(threads, tiles)
        if workers <= 1 {
            for t in 0..<tiles { body(t, 0) }
            return
        }
        let next = TileCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while let t = next.take(below: tiles) { body(t, worker) }
        }
    }
}

/// A shared tile counter; tiles are coarse (a GEMM each), so a lock costs nothing measurable.
private final class TileCounter: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()
    func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard next < limit else { return nil }
        next += 1
        return next - 1
    }
}

/// One scratch block per worker, grown on demand and reused across layers.
final class Scratch<T: NetScalar>: @unchecked Sendable {
    private var blocks: [UnsafeMutablePointer<T>] = []
    private var sizes: [Int] = []

    /// Returns worker `w`'s block with room for `count` values. Call before going parallel.
    func reserve(workers: Int, count: Int) {
        while blocks.count < workers { blocks.append(.allocate(capacity: 1)); sizes.append(1) }
        for w in 0..<workers where sizes[w] < count {
            blocks[w].deallocate()
            blocks[w] = .allocate(capacity: count)
            sizes[w] = count
        }
    }
    func block(_ w: Int) -> UnsafeMutablePointer<T> { blocks[w] }
    /// Frees every block (after a pass, so the scratch does not count towards idle memory).
    func release() {
        for b in blocks { b.deallocate() }
        blocks = []; sizes = []
    }
    deinit { release() }
}
