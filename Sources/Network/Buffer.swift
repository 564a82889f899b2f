import Foundation

/// A flat block of numbers owned by the engine: an activation [C, A, B, C'] (last axis contiguous),
/// a gradient, or scratch. Freed when the last reference goes, which keeps inference memory to the
/// tensors still needed.
final class Buffer<T: NetScalar>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    let count: Int
    private let pool: BufferPool<T>?

    /// A new block; from `pool` when it holds a freed block of the same size, and back to it
    /// when this buffer goes.
    init(count: Int, zeroed: Bool = false, pool: BufferPool<T>? = nil) {
        self.count = count
        self.pool = pool
        pointer = pool?.take(count) ?? .allocate(capacity: max(count, 1))
        if zeroed { pointer.update(repeating: 0, count: count) }
    }

    convenience init(_ values: [T]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit {
        if let pool { pool.park(pointer, count: count) } else { pointer.deallocate() }
    }

    func zero() { pointer.update(repeating: 0, count: count) }
    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The start of channel `c` in a [C, spatial] layout.
    func channel(_ c: Int, spatial: Int) -> UnsafeMutablePointer<T> { pointer + c * spatial }
}

/// Freed activation blocks kept for the next request of the same size, within a pass and from one
/// pass to the next, so the engine does not hand 100 MB blocks back to the kernel only to fault
/// them in again (page zeroing and faults cost 5–8 % of a forward pass). It is drained when a pass
/// of another input size begins, so it never holds more than one pass's peak; networks that run
/// one after the other on the same inputs (an ensemble) share one pool.
final class BufferPool<T: NetScalar>: @unchecked Sendable {
    private var free: [Int: [UnsafeMutablePointer<T>]] = [:]
    private var dims: Dims?
    private let lock = NSLock()

    /// Called at the start of a pass: keeps the blocks when the last pass had the same input size,
    /// frees them otherwise.
    func prepare(for dims: Dims) {
        lock.lock(); defer { lock.unlock() }
        if self.dims != dims { freeAll(); self.dims = dims }
    }

    func take(_ count: Int) -> UnsafeMutablePointer<T>? {
        lock.lock(); defer { lock.unlock() }
        return free[count]?.popLast()
    }

    func park(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        lock.lock(); defer { lock.unlock() }
        free[count, default: []].append(pointer)
    }

    /// Frees every kept block (a program that goes idle between passes gives them back).
    func drain() {
        lock.lock(); defer { lock.unlock() }
        freeAll(); dims = nil
    }

    private func freeAll() {
        for blocks in free.values { for b in blocks { b.deallocate() } }
        free = [:]
    }

    deinit { freeAll() }
}

/// Spatial extent (A, B, C') of one channel, C' contiguous.
public struct Dims: Equatable, Sendable, CustomStringConvertible {
    public var a: Int, b: Int, c: Int
    public init(_ a: Int, _ b: Int, _ c: Int) { self.a = a; self.b = b; self.c = c }
    public var count: Int { a * b * c }
    public var halved: Dims { Dims(a / 2, b / 2, c / 2) }
    public var doubled: Dims { Dims(a * 2, b * 2, c * 2) }
    public var description: String { "\(a)×\(b)×\(c)" }
}
