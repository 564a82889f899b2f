import Foundation

/// Conv3d with kernel 3, stride 1, padding 1 by Winograd's F(4×4×4, 3×3×3): each 4×4×4 block of
/// outputs comes from the 6×6×6 block of inputs around it through 216 elementwise products per
/// channel pair, 3.4 per output where F(2,3) needs 8 and im2col 27, and the transformed values
/// are 3.4 per voxel instead of 8, so the memory-bound transforms move less. Interpolation
/// points 0, ±1, ±2 and ∞ (Lavin & Gray 2016). Its coefficients (up to 8 and down to 1/24) cost
/// precision: about 4e-6 relative error per Float layer of 32 input channels, ten times F(2,3)'s.
/// The passes are `Winograd`'s; this file and `Winograd4Gradient.swift` hold the tile and its
/// transforms.
enum Winograd4: Winograd {
    static var tileSize: Int { 4 }
    /// Points of a transformed tile (6×6×6); ξ = (z·6 + y)·6 + x.
    static var points: Int { 216 }
    static var minimumTiles: Int { 64 }
    /// The input's 2 × 144 phase lines; the weight gradient's 304 runs of `w` fit in 320.
    static var lineBuffers: Int { 320 }

    /// Whether F(4,3) is the fastest convolution for a layer: from 8 channels in and out and 32
    /// voxels along every axis. Measured one layer at a time (`tutor bench teacher --channels C
    /// --in-channels C --size N --layers --train`, Zen 5, OpenBLAS's AVX-512 kernels):
    /// - against F(2,3), at 32³ and up it takes 0.65–0.85× the time forward and 0.7–0.85×
    ///   backward; at 24³ and below F(2,3) wins, by up to 2.7× at 8³ with 128 channels, where a
    ///   unit holds too few tiles to pay for 216 products and the weight gradient's 216 sums;
    /// - against the shifted lines (which F(2,3) does not beat at 8 channels without tutor's
    ///   kernels), 8 → 8 at 128³ takes 0.75–0.8× forward and backward, 16 → 8 0.7×; at 4 → 4 the
    ///   two are even and a 2-channel input is faster on the shifted lines (11.5 against 13 ms).
    static func pays(cin: Int, cout: Int, dims: Dims) -> Bool {
        enabled && cin >= 8 && cout >= 8 && dims.a >= 32 && dims.b >= 32 && dims.c >= 32
    }

    /// `TUTOR_CONV=f23` keeps F(2,3) for every Winograd layer, to compare them in benchmarks.
    nonisolated(unsafe) static var enabled = ProcessInfo.processInfo.environment["TUTOR_CONV"] != "f23"

    /// G along one axis: (g0, g1, g2) → (g0/4, −(g0 + g1 + g2)/6, −(g0 − g1 + g2)/6,
    /// g0/24 + g1/12 + g2/6, g0/24 − g1/12 + g2/6, g2), each written by `put(index, value)`.
    @inline(__always)
    private static func weightTransform<T: NetScalar>(_ a: T, _ b: T, _ c: T, _ put: (Int, T) -> Void) {
        let sum = a + c
        put(0, a / 4); put(1, -(sum + b) / 6); put(2, -(sum - b) / 6)
        put(3, a / 24 + b / 12 + c / 6); put(4, a / 24 - b / 12 + c / 6); put(5, c)
    }

    /// U[ξ][co][ci] = (G ⊗ G ⊗ G) g[co][ci], written in runs of pairs (`PairBlocks`).
    static func transformWeights<T: NetScalar>(_ g: UnsafePointer<T>, cout: Int, cin: Int, into u: UnsafeMutablePointer<T>) {
        var alongW = [T](repeating: 0, count: 54), alongH = [T](repeating: 0, count: 108)
        PairBlocks<T>.write(pairs: cout * cin, points: points, into: u) { pair, put in
            let k = g + pair * 27
            for r in 0..<9 {   // (kd, kh) rows along kw: [kd][kh][x]
                weightTransform(k[r * 3], k[r * 3 + 1], k[r * 3 + 2]) { alongW[r * 6 + $0] = $1 }
            }
            for kd in 0..<3 { for x in 0..<6 {   // along kh: [kd][y][x]
                weightTransform(alongW[(kd * 3) * 6 + x], alongW[(kd * 3 + 1) * 6 + x], alongW[(kd * 3 + 2) * 6 + x]) {
                    alongH[(kd * 6 + $0) * 6 + x] = $1
                }
            }}
            for yx in 0..<36 {   // along kd: [z][y][x]
                weightTransform(alongH[yx], alongH[36 + yx], alongH[72 + yx]) { put($0 * 36 + yx, $1) }
            }
        }
    }

    /// Bᵀ along one axis on whole runs: (4a0 − 5a2 + a4, (a4 − 4a2) ± (a3 − 4a1),
    /// (a4 − a2) ± 2(a3 − a1), 4a1 − 5a3 + a5). Outputs may be the inputs: each lane is read
    /// before it is written.
    @inline(__always)
    private static func inputTransform<T: NetScalar>(
        _ a0: UnsafePointer<T>, _ a1: UnsafePointer<T>, _ a2: UnsafePointer<T>,
        _ a3: UnsafePointer<T>, _ a4: UnsafePointer<T>, _ a5: UnsafePointer<T>,
        into p0: UnsafeMutablePointer<T>, _ p1: UnsafeMutablePointer<T>, _ p2: UnsafeMutablePointer<T>,
        _ p3: UnsafeMutablePointer<T>, _ p4: UnsafeMutablePointer<T>, _ p5: UnsafeMutablePointer<T>, count: Int
    ) {
        let two = SIMD8<T>(repeating: 2), four = SIMD8<T>(repeating: 4), five = SIMD8<T>(repeating: 5)
        var i = 0
        while i + 8 <= count {
            let x0 = load8(a0 + i), x1 = load8(a1 + i), x2 = load8(a2 + i)
            let x3 = load8(a3 + i), x4 = load8(a4 + i), x5 = load8(a5 + i)
            let t1 = x4 - four * x2, t2 = x3 - four * x1, t3 = x4 - x2, t4 = two * (x3 - x1)
            store8(four * x0 - five * x2 + x4, p0 + i)
            store8(t1 + t2, p1 + i); store8(t1 - t2, p2 + i)
            store8(t3 + t4, p3 + i); store8(t3 - t4, p4 + i)
            store8(four * x1 - five * x3 + x5, p5 + i)
            i += 8
        }
        while i < count {
            let x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i], x4 = a4[i], x5 = a5[i]
            let t1 = x4 - 4 * x2, t2 = x3 - 4 * x1, t3 = x4 - x2, t4 = 2 * (x3 - x1)
            p0[i] = 4 * x0 - 5 * x2 + x4
            p1[i] = t1 + t2; p2[i] = t1 - t2; p3[i] = t3 + t4; p4[i] = t3 - t4
            p5[i] = 4 * x1 - 5 * x3 + x5
            i += 1
        }
    }

    /// V[ξ][column] = (Bᵀ ⊗ Bᵀ ⊗ Bᵀ) of the 6×6×6 input block of each tile in `rows` (zero outside
    /// the volume), for one input channel; ξ planes `planeStride` apart. As in F(2,3) the
    /// transform runs on whole lines of a tile row: each of the 36 input lines (z, y) is split
    /// into four phases Q_r[j] = x[4j − 1 + r], so that tile t's six inputs along x are
    /// Q0[t], Q1[t], Q2[t], Q3[t], Q0[t + 1], Q1[t + 1]; z and y combine lines, and x writes each
    /// point's plane row in one run.
    static func transformInput<T: NetScalar>(
        _ src: UnsafePointer<T>, grid: WinogradGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>, lineLength: Int,
        into v: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let dims = grid.dims, n = grid.w + 1
        /// Phase r of line (z, y), in the first (split, then y-transformed) or second (z-transformed) set.
        @inline(__always) func line(_ set: Int, _ r: Int, _ z: Int, _ y: Int) -> UnsafeMutablePointer<T> {
            lines + (((set * 4 + r) * 6 + z) * 6 + y) * lineLength
        }
        for row in rows {
            let z0 = 4 * (row / grid.h) - 1, y0 = 4 * (row % grid.h) - 1
            for z in 0..<6 { for y in 0..<6 {
                let q0 = line(0, 0, z, y), q1 = line(0, 1, z, y), q2 = line(0, 2, z, y), q3 = line(0, 3, z, y)
                let iz = z0 + z, iy = y0 + y
                guard iz >= 0 && iz < dims.a && iy >= 0 && iy < dims.b else {
                    q0.update(repeating: 0, count: n); q1.update(repeating: 0, count: n)
                    q2.update(repeating: 0, count: n); q3.update(repeating: 0, count: n)
                    continue
                }
                let source = src + (iz * dims.b + iy) * dims.c
                var j = 0
                if dims.c >= 3 {
                    q0[0] = 0; q1[0] = source[0]; q2[0] = source[1]; q3[0] = source[2]
                    j = 1
                    while 4 * j + 31 <= dims.c && j + 8 <= n {   // x = 4j − 1 … 4j + 30 inside the line
                        let run = UnsafeRawPointer(source + 4 * j - 1).loadUnaligned(as: SIMD32<T>.self)
                        let even = run.evenHalf, odd = run.oddHalf
                        store8(even.evenHalf, q0 + j); store8(odd.evenHalf, q1 + j)
                        store8(even.oddHalf, q2 + j); store8(odd.oddHalf, q3 + j)
                        j += 8
                    }
                }
                while j < n {
                    let x = 4 * j - 1
                    q0[j] = x >= 0 && x < dims.c ? source[x] : 0
                    q1[j] = x + 1 < dims.c ? source[x + 1] : 0
                    q2[j] = x + 2 < dims.c ? source[x + 2] : 0
                    q3[j] = x + 3 < dims.c ? source[x + 3] : 0
                    j += 1
                }
            }}
            for r in 0..<4 {
                for y in 0..<6 {   // along z, into the second set
                    inputTransform(line(0, r, 0, y), line(0, r, 1, y), line(0, r, 2, y), line(0, r, 3, y),
                                   line(0, r, 4, y), line(0, r, 5, y),
                                   into: line(1, r, 0, y), line(1, r, 1, y), line(1, r, 2, y), line(1, r, 3, y),
                                   line(1, r, 4, y), line(1, r, 5, y), count: n)
                }
                for z in 0..<6 {   // along y, back into the first
                    inputTransform(line(1, r, z, 0), line(1, r, z, 1), line(1, r, z, 2), line(1, r, z, 3),
                                   line(1, r, z, 4), line(1, r, z, 5),
                                   into: line(0, r, z, 0), line(0, r, z, 1), line(0, r, z, 2), line(0, r, z, 3),
                                   line(0, r, z, 4), line(0, r, z, 5), count: n)
                }
            }
            let column0 = (row - rows.lowerBound) * grid.w
            for z in 0..<6 { for y in 0..<6 {   // along x, into the planes
                let q0 = line(0, 0, z, y), q1 = line(0, 1, z, y), q2 = line(0, 2, z, y), q3 = line(0, 3, z, y)
                let p = v + (z * 6 + y) * 6 * planeStride + column0
                inputTransform(q0, q1, q2, q3, q0 + 1, q1 + 1,
                               into: p, p + planeStride, p + 2 * planeStride, p + 3 * planeStride,
                               p + 4 * planeStride, p + 5 * planeStride, count: grid.w)
            }}
        }
    }

    /// Aᵀ along one axis on whole runs: with s = m1 + m2, d = m1 − m2, S = m3 + m4, D = m3 − m4:
    /// (m0 + s + S, d + 2D, s + 4S, d + 8D + m5) into p0…p3, which may be the inputs.
    @inline(__always)
    private static func outputTransform<T: NetScalar>(
        _ a0: UnsafePointer<T>, _ a1: UnsafePointer<T>, _ a2: UnsafePointer<T>,
        _ a3: UnsafePointer<T>, _ a4: UnsafePointer<T>, _ a5: UnsafePointer<T>,
        into p0: UnsafeMutablePointer<T>, _ p1: UnsafeMutablePointer<T>, _ p2: UnsafeMutablePointer<T>,
        _ p3: UnsafeMutablePointer<T>, count: Int
    ) {
        let two = SIMD8<T>(repeating: 2), four = SIMD8<T>(repeating: 4), eight = SIMD8<T>(repeating: 8)
        var i = 0
        while i + 8 <= count {
            let m1 = load8(a1 + i), m2 = load8(a2 + i), m3 = load8(a3 + i), m4 = load8(a4 + i)
            let s = m1 + m2, d = m1 - m2, bigS = m3 + m4, bigD = m3 - m4
            let o0 = load8(a0 + i) + s + bigS, o3 = d + eight * bigD + load8(a5 + i)
            store8(o0, p0 + i); store8(d + two * bigD, p1 + i); store8(s + four * bigS, p2 + i); store8(o3, p3 + i)
            i += 8
        }
        while i < count {
            let m1 = a1[i], m2 = a2[i], m3 = a3[i], m4 = a4[i]
            let s = m1 + m2, d = m1 - m2, bigS = m3 + m4, bigD = m3 - m4
            let o0 = a0[i] + s + bigS, o3 = d + 8 * bigD + a5[i]
            p0[i] = o0; p1[i] = d + 2 * bigD; p2[i] = s + 4 * bigS; p3[i] = o3
            i += 1
        }
    }

    /// out (+)= (Aᵀ ⊗ Aᵀ ⊗ Aᵀ) M[·][column] for each tile in `rows` of one output channel: a
    /// tile's 216 products become its 4×4×4 outputs (those inside the volume).
    static func transformOutput<T: NetScalar>(
        _ m: UnsafePointer<T>, planeStride: Int, grid: WinogradGrid, rows: Range<Int>,
        lines: UnsafeMutablePointer<T>, into out: UnsafeMutablePointer<T>, accumulate: Bool
    ) {
        let dims = grid.dims, w = grid.w
        /// Run (z, y, x) after the z step (z < 4, y and x < 6); the y step writes y < 4 in place.
        @inline(__always) func run(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> {
            lines + ((z * 6 + y) * 6 + x) * w
        }
        for row in rows {
            let first = m + (row - rows.lowerBound) * w
            @inline(__always) func plane(_ xi: Int) -> UnsafePointer<T> { first + xi * planeStride }
            for y in 0..<6 { for x in 0..<6 {
                let yx = y * 6 + x
                outputTransform(plane(yx), plane(36 + yx), plane(72 + yx), plane(108 + yx), plane(144 + yx),
                                plane(180 + yx), into: run(0, y, x), run(1, y, x), run(2, y, x), run(3, y, x), count: w)
            }}
            for z in 0..<4 { for x in 0..<6 {
                outputTransform(run(z, 0, x), run(z, 1, x), run(z, 2, x), run(z, 3, x), run(z, 4, x), run(z, 5, x),
                                into: run(z, 0, x), run(z, 1, x), run(z, 2, x), run(z, 3, x), count: w)
            }}
            let z0 = 4 * (row / grid.h), y0 = 4 * (row % grid.h)
            let two = SIMD8<T>(repeating: 2), four = SIMD8<T>(repeating: 4), eight = SIMD8<T>(repeating: 8)
            for z in 0..<4 where z0 + z < dims.a {
                for y in 0..<4 where y0 + y < dims.b {
                    let r0 = run(z, y, 0), r1 = run(z, y, 1), r2 = run(z, y, 2)
                    let r3 = run(z, y, 3), r4 = run(z, y, 4), r5 = run(z, y, 5)
                    let line = out + ((z0 + z) * dims.b + y0 + y) * dims.c
                    let whole = dims.c / 4   // tiles whose four outputs all fall inside
                    var t = 0
                    while t + 8 <= whole {
                        let m1 = load8(r1 + t), m2 = load8(r2 + t), m3 = load8(r3 + t), m4 = load8(r4 + t)
                        let s = m1 + m2, d = m1 - m2, bigS = m3 + m4, bigD = m3 - m4
                        let o0 = load8(r0 + t) + s + bigS, o1 = d + two * bigD
                        let o2 = s + four * bigS, o3 = d + eight * bigD + load8(r5 + t)
                        let even = interleave(o0, o2), odd = interleave(o1, o3)
                        var low = interleave(even.lowHalf, odd.lowHalf), high = interleave(even.highHalf, odd.highHalf)
                        let target = UnsafeMutableRawPointer(line + 4 * t)
                        if accumulate {
                            low += target.loadUnaligned(as: SIMD16<T>.self)
                            high += target.loadUnaligned(fromByteOffset: 16 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                        }
                        target.storeBytes(of: low, as: SIMD16<T>.self)
                        target.storeBytes(of: high, toByteOffset: 16 * MemoryLayout<T>.stride, as: SIMD16<T>.self)
                        t += 8
                    }
                    while t < w {
                        let m1 = r1[t], m2 = r2[t], m3 = r3[t], m4 = r4[t]
                        let s = m1 + m2, d = m1 - m2, bigS = m3 + m4, bigD = m3 - m4
                        let values = (r0[t] + s + bigS, d + 2 * bigD, s + 4 * bigS, d + 8 * bigD + r5[t])
                        for j in 0..<min(4, dims.c - 4 * t) {
                            let value = j == 0 ? values.0 : j == 1 ? values.1 : j == 2 ? values.2 : values.3
                            if accumulate { line[4 * t + j] += value } else { line[4 * t + j] = value }
                        }
                        t += 1
                    }
                }
            }
        }
    }
}
