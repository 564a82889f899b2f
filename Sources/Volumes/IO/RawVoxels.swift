/// Converts between packed voxel bytes in a file and the Float voxels of a `Volume`.
enum RawVoxels {
    /// Decodes `count` voxels of `type` starting at `raw` (any alignment) into Floats,
    /// swapping bytes when the file's byte order differs from the machine's, then applying
    /// `value · slope + intercept` when `scaled` (NIfTI scl_slope / scl_inter). Runs on all cores.
    static func decode(_ raw: UnsafeRawPointer, count: Int, type: VoxelType, byteSwapped: Bool,
                       slope: Double = 1, intercept: Double = 0, scaled: Bool = false) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialised in
            decode(raw, count: count, type: type, byteSwapped: byteSwapped, slope: slope, intercept: intercept,
                   scaled: scaled, into: buffer.baseAddress!)
            initialised = count
        }
    }

    /// `decode` into `count` Floats at `out`.
    static func decode(_ raw: UnsafeRawPointer, count: Int, type: VoxelType, byteSwapped: Bool,
                       slope: Double, intercept: Double, scaled: Bool, into out: UnsafeMutablePointer<Float>) {
            Parallel.forEachChunk(count, minimumChunk: 1 << 16) { range in
                func run<T: RawScalar>(_: T.Type) {
                    for n in range {
                        let v = T.load(raw, at: n, swapped: byteSwapped)
                        out[n] = scaled ? Float(v.doubleValue * slope + intercept) : v.floatValue
                    }
                }
                switch type {
                case .uint8: run(UInt8.self)
                case .int8: run(Int8.self)
                case .int16: run(Int16.self)
                case .uint16: run(UInt16.self)
                case .int32: run(Int32.self)
                case .uint32: run(UInt32.self)
                case .int64: run(Int64.self)
                case .uint64: run(UInt64.self)
                case .float32: run(Float.self)
                case .float64: run(Double.self)
                }
            }
    }

    /// Encodes Float voxels as little-endian `type` into `out` (which holds `values.count · type.size`
    /// bytes). Integer types round to nearest and clamp to the type's range; NaN becomes 0.
    static func encode(_ values: [Float], as type: VoxelType, into out: UnsafeMutableRawPointer) {
        values.withUnsafeBufferPointer { src in
            Parallel.forEachChunk(src.count, minimumChunk: 1 << 16) { range in
                func run<T: RawScalar>(_: T.Type) {
                    for n in range { T(clamping: src[n]).storeLittleEndian(out, at: n) }
                }
                switch type {
                case .uint8: run(UInt8.self)
                case .int8: run(Int8.self)
                case .int16: run(Int16.self)
                case .uint16: run(UInt16.self)
                case .int32: run(Int32.self)
                case .uint32: run(UInt32.self)
                case .int64: run(Int64.self)
                case .uint64: run(UInt64.self)
                case .float32: run(Float.self)
                case .float64: run(Double.self)
                }
            }
        }
    }
}

/// A fixed-size number as it lies in a voxel file.
protocol RawScalar {
    static func load(_ raw: UnsafeRawPointer, at index: Int, swapped: Bool) -> Self
    init(clamping value: Float)
    func storeLittleEndian(_ raw: UnsafeMutableRawPointer, at index: Int)
    var doubleValue: Double { get }
    var floatValue: Float { get }
}

extension RawScalar where Self: FixedWidthInteger {
    @inline(__always) static func load(_ raw: UnsafeRawPointer, at index: Int, swapped: Bool) -> Self {
        let v = raw.loadUnaligned(fromByteOffset: index * MemoryLayout<Self>.size, as: Self.self)
        return swapped ? v.byteSwapped : v
    }
    @inline(__always) init(clamping value: Float) {
        if value.isNaN { self = 0; return }
        let r = value.rounded()
        if r <= Float(Self.min) { self = Self.min } else if r >= Float(Self.max) { self = Self.max } else { self = Self(r) }
    }
    @inline(__always) func storeLittleEndian(_ raw: UnsafeMutableRawPointer, at index: Int) {
        raw.storeBytes(of: littleEndian, toByteOffset: index * MemoryLayout<Self>.size, as: Self.self)
    }
    @inline(__always) var doubleValue: Double { Double(self) }
    @inline(__always) var floatValue: Float { Float(self) }
}

extension UInt8: RawScalar {}
extension Int8: RawScalar {}
extension Int16: RawScalar {}
extension UInt16: RawScalar {}
extension Int32: RawScalar {}
extension UInt32: RawScalar {}
extension Int64: RawScalar {}
extension UInt64: RawScalar {}

extension Float: RawScalar {
    @inline(__always) static func load(_ raw: UnsafeRawPointer, at index: Int, swapped: Bool) -> Float {
        let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
        return Float(bitPattern: swapped ? bits.byteSwapped : bits)
    }
    @inline(__always) init(clamping value: Float) { self = value }
    @inline(__always) func storeLittleEndian(_ raw: UnsafeMutableRawPointer, at index: Int) {
        raw.storeBytes(of: bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
    }
    @inline(__always) var doubleValue: Double { Double(self) }
    @inline(__always) var floatValue: Float { self }
}

extension Double: RawScalar {
    @inline(__always) static func load(_ raw: UnsafeRawPointer, at index: Int, swapped: Bool) -> Double {
        let bits = raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)
        return Double(bitPattern: swapped ? bits.byteSwapped : bits)
    }
    @inline(__always) init(clamping value: Float) { self = Double(value) }
    @inline(__always) func storeLittleEndian(_ raw: UnsafeMutableRawPointer, at index: Int) {
        raw.storeBytes(of: bitPattern.littleEndian, toByteOffset: index * 8, as: UInt64.self)
    }
    @inline(__always) var doubleValue: Double { self }
    @inline(__always) var floatValue: Float { Float(self) }
}
