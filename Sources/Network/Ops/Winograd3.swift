import Foundation

/// Conv3d with kernel 3, stride 1, padding 1 by Winograd's minimal filtering F(2×2×2, 3×3×3)
/// (Lavin & Gray 2016, taken to 3D): each 2×2×2 block of outputs comes from the 4×4×4 block of
/// inputs around it through 64 elementwise products per channel pair instead of 216
/// multiply-adds: 3.4× fewer flops than im2col + GEMM, for a few adds per value in the
/// transforms. The transforms' coefficients are 0, ±1 and ½, so the result matches direct
/// convolution to float rounding. The passes (forward, weight gradient, fused backward) are
/// `Winograd`'s; this file and `Winograd3Gradient.swift` hold the tile and its transforms.
enum Winograd3: Winograd {
    static var tileSize: Int { 2 }
    /// Points of a transformed tile (4×4×4); ξ = (z·4 + y)·4 + x.
    static var points: Int { 64 }
    static var minimumTiles: Int { 128 }
    /// The input's 32 z-transformed and 32 y-transformed half-lines; the output transforms' 32 runs.
    static var lineBuffers: Int { 64 }
    /// Whether F(2,3) beats the shifted-line convolution for a layer. Measured one layer at a time
    /// with `tutor bench teacher --channels 8 --in-channels C` (Docs/benchmarks.md):
    /// - with OpenBLAS doing every product (an AVX-512 Xeon): at 8 channels the transforms cost more
    ///   than the flops they save (0.54 s against 0.44 s at 128³, one core), at 16 they about break
    ///   even (0.97 against 1.05 s), from 32 on F(2,3) takes 0.6× the time;
    /// - with tutor's AVX2 kernels taking the narrow point products (`LinesKernel`, a Zen 1 EPYC):
    ///   8 → 8 and 16 → 8 layers take 0.76–0.78× the time forward and 0.86–0.88× per training
    ///   step; a 2-channel input gains nothing (1.02×), so the first layer keeps the shifted lines.
    static func pays(cin: Int, cout: Int) -> Bool {
        let least = LinesKernel.enabled ? 8 : 16
        return enabled && cin >= least && cout >= least
    }

    /// `TUTOR_CONV=im2col` turns F(2,3) and the shifted-line im2col off (plain im2col + GEMM for
    /// every conv), to compare them in benchmarks.
    nonisolated(unsafe) static var enabled = ProcessInfo.processInfo.environment["TUTOR_CONV"] != "im2col"

    /// U[ξ][co][ci] = (G ⊗ G ⊗ G) g[co][ci], G = [[1,0,0],[½,½,½],[½,−½,½],[0,0,1]], written in
    /// runs of pairs (`PairBlocks`).
    static func transformWeights<T: NetScalar>(_ g: UnsafePointer<T>, cout: Int, cin: Int, into u: UnsafeMutablePointer<T>) {
        @inline(__always) func apply(_ a: T, _ b: T, _ c: T) -> (T, T, T, T) {
            (a, (a + b + c) / 2, (a - b + c) / 2, c)
        }
        var alongW = [T](repeating: 0, count: 36), alongH = [T](repeating: 0, count: 48)
        PairBlocks<T>.write(pairs: cout * cin, points: points, into: u) { pair, put in
            let k = g + pair * 27
            for r in 0..<9 {   // (kd, kh) rows along kw
                let t = apply(k[r * 3], k[r * 3 + 1], k[r * 3 + 2])
                alongW[r * 4] = t.0; alongW[r * 4 + 1] = t.1; alongW[r * 4 + 2] = t.2; alongW[r * 4 + 3] = t.3
            }
            for kd in 0..<3 { for x in 0..<4 {
                let t = apply(alongW[(kd * 3) * 4 + x], alongW[(kd * 3 + 1) * 4 + x], alongW[(kd * 3 + 2) * 4 + x])
                alongH[(kd * 4) * 4 + x] = t.0; alongH[(kd * 4 + 1) * 4 + x] = t.1
                alongH[(kd * 4 + 2) * 4 + x] = t.2; alongH[(kd * 4 + 3) * 4 + x] = t.3
            }}
            for yx in 0..<16 {
                let t = apply(alongH[yx], alongH[16 + yx], alongH[32 + yx])
                put(yx, t.0); put(16 + yx, t.1); put(32 + yx, t.2); put(48 + yx, t.3)
            }
        }
    }

    /// B^T along one axis on whole runs: (x0 − x2, x1 + x2, x2 − x1, x1 − x3) into `p`, `q`, `r`,
    /// `s` (which may be the inputs themselves: each lane is read before it is written).
    @inline(__always)
    private static func inputTransform<T: NetScalar>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafePointer<T>, _ d: UnsafePointer<T>,
        into p: UnsafeMutablePointer<T>, _ q: UnsafeMutablePointer<T>, _ r: UnsafeMutablePointer<T>,
        _ s: UnsafeMutablePointer<T>, count: Int
    ) {
        var i = 0
        while i + 8 <= count {
            let x0 = load8(a + i), x1 = load8(b + i), x2 = load8(c + i), x3 = load8(d + i)
            store8(x0 - x2, p + i); store8(x1 + x2, q + i); store8(x2 - x1, r + i); store8(x1 - x3, s + i)
            i += 8
        }
        while i < count {
            let x0 = a[i], x1 = b[i], x2 = c[i], x3 = d[i]
            p[i] = x0 - x2; q[i] = x1 + x2; r[i] = x2 - x1; s[i] = x1 - x3
            i += 1
        }
    }

    /// V[ξ][column] = (B^T ⊗ B^T ⊗ B^T) of the 4×4×4 input block of each tile in `rows` (zero
    /// outside the volume), for one input channel; ξ planes `planeStride` apart. The transform is
    /// separable, so it runs on whole lines of a tile row: each of the 16 input lines (z, y) the
    /// row's tiles read is split into even and odd samples, E[j] = x[2j − 1] and O[j] = x[2j],
    /// so that tile t's four inputs along x are E[t], O[t], E[t + 1], O[t + 1]; z and y then
    /// combine lines, and x writes each point's plane row in one contiguous run.
    ///
    /// The next tile row of the same depth starts two input rows lower, so its rows y = 0, 1 are
    /// this row's y = 2, 3 after the z step: the z-transformed lines sit in four slots per
    /// (half, z) that are renamed from row to row instead of copied, and the y step writes apart.
    static func transformInput<T: NetScalar>(
        _ src: UnsafePointer<T>, grid: WinogradGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>, lineLength: Int,
        into v: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let dims = grid.dims
        let n = grid.w + 1
        /// The z-transformed half-line (even 0 / odd 1) of depth z in slot `slot`.
        @inline(__always) func zLine(_ half: Int, _ z: Int, _ slot: Int) -> UnsafeMutablePointer<T> {
            lines + ((half * 4 + z) * 4 + slot) * lineLength
        }
        /// The fully (z and y) transformed half-line of (z, y).
        @inline(__always) func yLine(_ half: Int, _ z: Int, _ y: Int) -> UnsafeMutablePointer<T> {
            lines + (32 + (half * 4 + z) * 4 + y) * lineLength
        }
        var slots = (0, 1, 2, 3)   // the slot holding input row y of the current tile row
        @inline(__always) func slot(_ y: Int) -> Int {
            y == 0 ? slots.0 : y == 1 ? slots.1 : y == 2 ? slots.2 : slots.3
        }
        var previous = -1
        for row in rows {
            let z0 = 2 * (row / grid.h) - 1, y0 = 2 * (row % grid.h) - 1
            let reuse = previous == row - 1 && row % grid.h != 0
            if reuse { slots = (slots.2, slots.3, slots.0, slots.1) }
            let firstY = reuse ? 2 : 0
            for z in 0..<4 { for y in firstY..<4 {
                let e = zLine(0, z, slot(y)), o = zLine(1, z, slot(y))
                let iz = z0 + z, iy = y0 + y
                guard iz >= 0 && iz < dims.a && iy >= 0 && iy < dims.b else {
                    e.update(repeating: 0, count: n); o.update(repeating: 0, count: n)
                    continue
                }
                let line = src + (iz * dims.b + iy) * dims.c
                e[0] = 0; o[0] = line[0]
                var j = 1
                while 2 * j + 15 <= dims.c {   // x = 2j − 1 … 2j + 14 inside the line
                    let pair = UnsafeRawPointer(line + 2 * j - 1).loadUnaligned(as: SIMD16<T>.self)
                    store8(pair.evenHalf, e + j); store8(pair.oddHalf, o + j)
                    j += 8
                }
                while j < n {
                    e[j] = 2 * j - 1 < dims.c ? line[2 * j - 1] : 0
                    o[j] = 2 * j < dims.c ? line[2 * j] : 0
                    j += 1
                }
            }}
            for half in 0..<2 {
                for y in firstY..<4 {
                    let a = zLine(half, 0, slot(y)), b = zLine(half, 1, slot(y))
                    let c = zLine(half, 2, slot(y)), d = zLine(half, 3, slot(y))
                    inputTransform(a, b, c, d, into: a, b, c, d, count: n)
                }
                for z in 0..<4 {
                    inputTransform(zLine(half, z, slot(0)), zLine(half, z, slot(1)), zLine(half, z, slot(2)),
                                   zLine(half, z, slot(3)), into: yLine(half, z, 0), yLine(half, z, 1),
                                   yLine(half, z, 2), yLine(half, z, 3), count: n)
                }
            }
            previous = row
            let column0 = (row - rows.lowerBound) * grid.w
            for z in 0..<4 { for y in 0..<4 {
                let e = yLine(0, z, y), o = yLine(1, z, y)
                let p0 = v + (z * 4 + y) * 4 * planeStride + column0
                inputTransform(e, o, e + 1, o + 1, into: p0, p0 + planeStride, p0 + 2 * planeStride,
                               p0 + 3 * planeStride, count: grid.w)
            }}
        }
    }

    /// A^T along one axis on whole runs: (m0 + m1 + m2, m1 − m2 − m3) into `p` and `q` (which
    /// may be `a` and `b`: each lane is read before it is written).
    @inline(__always)
    private static func outputTransform<T: NetScalar>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafePointer<T>, _ d: UnsafePointer<T>,
        into p: UnsafeMutablePointer<T>, _ q: UnsafeMutablePointer<T>, count: Int
    ) {
        var i = 0
        while i + 8 <= count {
            let m1 = load8(b + i), m2 = load8(c + i)
            store8(load8(a + i) + m1 + m2, p + i); store8(m1 - m2 - load8(d + i), q + i)
            i += 8
        }
        while i < count {
            let m0 = a[i], m1 = b[i], m2 = c[i], m3 = d[i]
            p[i] = m0 + m1 + m2; q[i] = m1 - m2 - m3
            i += 1
        }
    }

    /// out (+)= (A^T ⊗ A^T ⊗ A^T) M[·][column] for each tile in `rows` of one output channel: a
    /// tile's 64 products become its 2×2×2 outputs (those inside the volume). Separable like
    /// the input: z and y combine whole plane rows, x gives each output line's even and odd
    /// voxels.
    static func transformOutput<T: NetScalar>(
        _ m: UnsafePointer<T>, planeStride: Int, grid: WinogradGrid, rows: Range<Int>,
        lines: UnsafeMutablePointer<T>, into out: UnsafeMutablePointer<T>, accumulate: Bool
    ) {
        let dims = grid.dims
        let w = grid.w
        @inline(__always) func run(_ xi: Int) -> UnsafeMutablePointer<T> { lines + xi * w }
        for row in rows {
            // Along z straight from the planes (no copy of the 64 runs first), then y in place.
            let first = m + (row - rows.lowerBound) * w
            @inline(__always) func plane(_ xi: Int) -> UnsafePointer<T> { first + xi * planeStride }
            for yx in 0..<16 {
                outputTransform(plane(yx), plane(16 + yx), plane(32 + yx), plane(48 + yx), into: run(yx), run(16 + yx), count: w)
            }
            for z in 0..<2 { for x in 0..<4 {
                let b = z * 16 + x
                outputTransform(run(b), run(b + 4), run(b + 8), run(b + 12), into: run(b), run(b + 4), count: w)
            }}
            let z0 = 2 * (row / grid.h), y0 = 2 * (row % grid.h)
            for z in 0..<2 where z0 + z < dims.a {
                for y in 0..<2 where y0 + y < dims.b {
                    let b = z * 16 + y * 4
                    let r0 = run(b), r1 = run(b + 1), r2 = run(b + 2), r3 = run(b + 3)
                    let line = out + ((z0 + z) * dims.b + y0 + y) * dims.c
                    let pairs = dims.c / 2
                    var t = 0
                    while t + 8 <= pairs {
                        let a = load8(r0 + t) + load8(r1 + t) + load8(r2 + t)
                        let b = load8(r1 + t) - load8(r2 + t) - load8(r3 + t)
                        var both = interleave(a, b)
                        let target = UnsafeMutableRawPointer(line + 2 * t)
                        if accumulate { both += target.loadUnaligned(as: SIMD16<T>.self) }
                        target.storeBytes(of: both, as: SIMD16<T>.self)
                        t += 8
                    }
                    while t < pairs {
                        let a = r0[t] + r1[t] + r2[t], b = r1[t] - r2[t] - r3[t]
                        if accumulate { line[2 * t] += a; line[2 * t + 1] += b } else { line[2 * t] = a; line[2 * t + 1] = b }
                        t += 1
                    }
                    if dims.c % 2 == 1 {   // the last tile's second voxel falls outside
                        let t = pairs, value = r0[t] + r1[t] + r2[t]
                        if accumulate { line[2 * t] += value } else { line[2 * t] = value }
                    }
                }
            }
        }
    }
}
