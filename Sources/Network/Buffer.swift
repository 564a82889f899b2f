/// A flat block of numbers owned by the engine: an activation [C, A, B, C'] (last axis contiguous),
/// a gradient, or scratch. Freed when the last reference goes, which keeps inference memory to the
/// tensors still needed.
final class Buffer<T: NetScalar>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    let count: Int

    init(count: Int, zeroed: Bool = false) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: count) }
    }

    convenience init(_ values: [T]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { pointer.deallocate() }

    func zero() { pointer.update(repeating: 0, count: count) }
    var array: [T] { Array(UnsafeBufferPointer(start: pointer, count: count)) }

    /// The start of channel `c` in a [C, spatial] layout.
    func channel(_ c: Int, spatial: Int) -> UnsafeMutablePointer<T> { pointer + c * spatial }
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
