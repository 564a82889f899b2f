import COpenBLAS
import Foundation

/// The number type the engine computes in. `Float` runs the product; `Double` runs the same
/// code for gradient checks against finite differences. The one place the two differ is the
/// dense product: `sgemm` or `dgemm` from OpenBLAS.
public protocol NetScalar: BinaryFloatingPoint, SIMDScalar, Sendable {
    /// C[M, N] = alpha · op(A) · op(B) + beta · C, all row-major (CBLAS conventions).
    static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int,
        b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
    static func exp(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    /// Per lane: `ifNegative` where z's sign bit is set, `otherwise` elsewhere, by bit masks.
    /// (SIMD's `replacing(with:where:)` compiles to a loop over the lanes through memory.)
    static func selectNegative(_ z: SIMD8<Self>, _ ifNegative: SIMD8<Self>, _ otherwise: SIMD8<Self>) -> SIMD8<Self>
}

@inline(__always)
private func select<F, I: FixedWidthInteger & SIMDScalar>(
    sign z: SIMD8<F>, _ ifNegative: SIMD8<F>, _ otherwise: SIMD8<F>, as _: I.Type
) -> SIMD8<F> {
    let mask = unsafeBitCast(z, to: SIMD8<I>.self) &>> SIMD8<I>(repeating: I(I.bitWidth - 1))
    let bits = (unsafeBitCast(ifNegative, to: SIMD8<I>.self) & mask) | (unsafeBitCast(otherwise, to: SIMD8<I>.self) & ~mask)
    return unsafeBitCast(bits, to: SIMD8<F>.self)
}

extension Float: NetScalar {
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) public static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always)
    public static func selectNegative(_ z: SIMD8<Float>, _ ifNegative: SIMD8<Float>, _ otherwise: SIMD8<Float>) -> SIMD8<Float> {
        select(sign: z, ifNegative, otherwise, as: Int32.self)
    }
}

extension Double: NetScalar {
    @inline(__always)
    public static func gemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int,
        b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inline(__always) public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) public static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always)
    public static func selectNegative(_ z: SIMD8<Double>, _ ifNegative: SIMD8<Double>, _ otherwise: SIMD8<Double>) -> SIMD8<Double> {
        select(sign: z, ifNegative, otherwise, as: Int64.self)
    }
}

/// Eight lanes at `p`, no alignment needed. Reductions go through these because the compiler
/// may not reorder a scalar floating-point sum into vector lanes on its own.
@inline(__always)
func load8<T: NetScalar>(_ p: UnsafePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

/// Stores eight lanes at `p`, no alignment needed.
@inline(__always)
func store8<T: NetScalar>(_ v: SIMD8<T>, _ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<T>.self)
}

/// (a0, b0, a1, b1, …, a7, b7): two runs of eight woven into one of sixteen, as a line's even
/// and odd samples.
@inline(__always)
func interleave<T: NetScalar>(_ a: SIMD8<T>, _ b: SIMD8<T>) -> SIMD16<T> {
    SIMD16<T>(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
}
