import CKernels
import Foundation

/// The AVX2 + FMA kernels of CKernels for products with few rows, which `Conv3Shifted` (taps 3:
/// a padded line read at three shifts) and `Winograd3` (taps 1) use instead of OpenBLAS in Float,
/// with rows in fours, on a CPU that has both. Where OpenBLAS has no unpacked small-matrix kernel
/// (its Haswell and Zen kernels) it packs each operand before multiplying it by only 8 to 32
/// rows, which costs about as much as the arithmetic; the kernels read the operands in place.
/// OpenBLAS's AVX-512 kernels (SkylakeX and later cores) have such an unpacked path for small
/// products and twice the vector width, so there the engine keeps OpenBLAS (measured faster on
/// the Xeon of Docs/benchmarks.md before these kernels existed; not yet measured against them).
/// `TUTOR_KERNELS=blas` turns them off, `TUTOR_KERNELS=avx2` on where the CPU allows, to compare.
enum LinesKernel {
    nonisolated(unsafe) static var enabled: Bool = {
        guard available else { return false }
        switch ProcessInfo.processInfo.environment["TUTOR_KERNELS"] {
        case "blas": return false
        case "avx2": return true
        default:
            return !["SkylakeX", "Cooperlake", "SapphireRapids"].contains(Engine.blasCore)
        }
    }()

    /// Whether this CPU can run the kernels at all (AVX2 and FMA), whatever `enabled` says.
    static var available: Bool { tutor_lines_available() != 0 }

    static func applies<T: NetScalar>(_: T.Type, rows: Int) -> Bool {
        enabled && T.self == Float.self && rows % 4 == 0
    }

    /// a[m][k][taps] (row-major) in the product kernel's order, at `packed`.
    static func pack<T: NetScalar>(_ a: UnsafePointer<T>, m: Int, k: Int, taps: Int, into packed: UnsafeMutablePointer<T>) {
        tutor_lines_pack(float(a), Int32(m), Int32(k), Int32(taps), float(packed))
    }

    /// product[m, n] = Σ_t A_t · lines[·, t …] (ldp apart), A packed by `pack`.
    static func product<T: NetScalar>(packed: UnsafePointer<T>, m: Int, k: Int, taps: Int, lines: UnsafePointer<T>,
                                      ldb: Int, columns n: Int, into product: UnsafeMutablePointer<T>, ldp: Int) {
        tutor_lines_product(float(packed), Int32(m), Int32(k), Int32(taps), float(lines), ldb, Int32(n), float(product), ldp)
    }

    /// dW_t[m, k] += dy[m, n] · lines[·, t …]ᵀ for each tap t (layout [taps][m][k]).
    static func gradient<T: NetScalar>(dy: UnsafePointer<T>, lddy: Int, m: Int, lines: UnsafePointer<T>, ldb: Int,
                                       k: Int, columns n: Int, taps: Int, into dw: UnsafeMutablePointer<T>) {
        tutor_lines_gradient(float(dy), lddy, Int32(m), float(lines), ldb, Int32(k), Int32(n), Int32(taps), float(dw))
    }

    private static func float<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }
    private static func float<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }
}
