import CKernels
import Foundation

/// Whether `Conv3Shifted` runs its products through the AVX2 + FMA kernels of CKernels instead of
/// OpenBLAS: in Float, with output channels in fours, on a CPU that has both. Where OpenBLAS has
/// no unpacked small-matrix kernel (its Haswell/Zen kernels) it packs every [Cin·9, columns]
/// block before multiplying it by only 8 rows of weights, which cost as much as the
/// arithmetic; the kernels read the padded lines in place. `TUTOR_KERNELS=blas` turns them off,
/// to compare the two in benchmarks.
enum LinesKernel {
    nonisolated(unsafe) static var enabled =
        tutor_lines_available() != 0 && ProcessInfo.processInfo.environment["TUTOR_KERNELS"] != "blas"

    static func applies<T: NetScalar>(_: T.Type, cout: Int) -> Bool {
        enabled && T.self == Float.self && cout % 4 == 0
    }

    /// PyTorch's weights [Cout, Cin·27] in the forward kernel's order.
    static func packWeights<T: NetScalar>(_ weights: UnsafePointer<T>, cout: Int, cin: Int) -> Buffer<T> {
        let packed = Buffer<T>(count: 27 * cout * cin)
        tutor_lines_pack_weights(float(weights), Int32(cout), Int32(cin), float(packed.pointer))
        return packed
    }

    /// product[Cout, n] = Σ_kw W_kw · lines[·, kw …]: the three tap GEMMs of `Conv3Shifted.forward`.
    static func forward<T: NetScalar>(packed: Buffer<T>, cout: Int, k: Int, lines: UnsafePointer<T>, ldb: Int,
                                      columns n: Int, product: UnsafeMutablePointer<T>) {
        tutor_lines_forward(float(packed.pointer), Int32(cout), Int32(k), float(lines), ldb, Int32(n), float(product), n)
    }

    /// dW_kw[Cout, k] += dy[Cout, n] · lines[·, kw …]ᵀ for the three taps (layout [3][Cout][k]).
    static func weightGradient<T: NetScalar>(dy: UnsafePointer<T>, cout: Int, lines: UnsafePointer<T>, ldb: Int,
                                             k: Int, columns n: Int, dw: UnsafeMutablePointer<T>) {
        tutor_lines_weight_gradient(float(dy), n, Int32(cout), float(lines), ldb, Int32(k), Int32(n), float(dw))
    }

    private static func float<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }
    private static func float<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }
}
