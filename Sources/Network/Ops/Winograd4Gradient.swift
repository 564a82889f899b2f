/// F(4,3)'s adjoint transforms, for the weight gradient (`Winograd.weightGradient`): dM = A₃ dY
/// per tile (the adjoint of the output transform, 4 → 6 along each axis) and dW = Gᵀ₃ dU.
extension Winograd4 {
    /// A along one axis on whole runs, 4 → 6: with e = y0 + y2, o = y1 + y3, E = y0 + 4y2,
    /// O = 2y1 + 8y3: (y0, e + o, e − o, E + O, E − O, y3).
    @inline(__always)
    private static func outputAdjoint<T: NetScalar>(
        _ a0: UnsafePointer<T>, _ a1: UnsafePointer<T>, _ a2: UnsafePointer<T>, _ a3: UnsafePointer<T>,
        into p: (Int) -> UnsafeMutablePointer<T>, count: Int
    ) {
        let p0 = p(0), p1 = p(1), p2 = p(2), p3 = p(3), p4 = p(4), p5 = p(5)
        let two = SIMD8<T>(repeating: 2), four = SIMD8<T>(repeating: 4), eight = SIMD8<T>(repeating: 8)
        var i = 0
        while i + 8 <= count {
            let y0 = load8(a0 + i), y1 = load8(a1 + i), y2 = load8(a2 + i), y3 = load8(a3 + i)
            let e = y0 + y2, o = y1 + y3, bigE = y0 + four * y2, bigO = two * y1 + eight * y3
            store8(y0, p0 + i); store8(e + o, p1 + i); store8(e - o, p2 + i)
            store8(bigE + bigO, p3 + i); store8(bigE - bigO, p4 + i); store8(y3, p5 + i)
            i += 8
        }
        while i < count {
            let y0 = a0[i], y1 = a1[i], y2 = a2[i], y3 = a3[i]
            let e = y0 + y2, o = y1 + y3, bigE = y0 + 4 * y2, bigO = 2 * y1 + 8 * y3
            p0[i] = y0; p1[i] = e + o; p2[i] = e - o; p3[i] = bigE + bigO; p4[i] = bigE - bigO; p5[i] = y3
            i += 1
        }
    }

    /// dM[ξ][column] = (A ⊗ A ⊗ A) of each tile's 4×4×4 block of dY (zero outside the volume),
    /// for the tiles in `rows` of one output channel. Each of a tile row's 16 dY lines is split
    /// into four phases P_j[t] = dy[4t + j], then expanded along x, y and z.
    static func transformOutputAdjoint<T: NetScalar>(
        _ dy: UnsafePointer<T>, grid: WinogradGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>,
        into dM: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let dims = grid.dims, w = grid.w
        /// Phases (z, y, j < 4), then x-expanded (z, y, x < 6), then y-expanded (z, y < 6, x).
        @inline(__always) func phase(_ z: Int, _ y: Int, _ j: Int) -> UnsafeMutablePointer<T> { lines + ((z * 4 + y) * 4 + j) * w }
        @inline(__always) func alongX(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> { lines + (64 + (z * 4 + y) * 6 + x) * w }
        @inline(__always) func alongY(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> { lines + (160 + (z * 6 + y) * 6 + x) * w }
        for row in rows {
            let z0 = 4 * (row / grid.h), y0 = 4 * (row % grid.h)
            let column0 = (row - rows.lowerBound) * w
            for z in 0..<4 { for y in 0..<4 {
                let q0 = phase(z, y, 0), q1 = phase(z, y, 1), q2 = phase(z, y, 2), q3 = phase(z, y, 3)
                guard z0 + z < dims.a && y0 + y < dims.b else {
                    q0.update(repeating: 0, count: 4 * w)   // the four phases lie one after the other
                    continue
                }
                let line = dy + ((z0 + z) * dims.b + y0 + y) * dims.c
                var t = 0
                while 4 * t + 32 <= dims.c {
                    let run = UnsafeRawPointer(line + 4 * t).loadUnaligned(as: SIMD32<T>.self)
                    let even = run.evenHalf, odd = run.oddHalf
                    store8(even.evenHalf, q0 + t); store8(odd.evenHalf, q1 + t)
                    store8(even.oddHalf, q2 + t); store8(odd.oddHalf, q3 + t)
                    t += 8
                }
                while t < w {
                    let x = 4 * t
                    q0[t] = line[x]
                    q1[t] = x + 1 < dims.c ? line[x + 1] : 0
                    q2[t] = x + 2 < dims.c ? line[x + 2] : 0
                    q3[t] = x + 3 < dims.c ? line[x + 3] : 0
                    t += 1
                }
            }}
            for z in 0..<4 { for y in 0..<4 {
                outputAdjoint(phase(z, y, 0), phase(z, y, 1), phase(z, y, 2), phase(z, y, 3), into: { alongX(z, y, $0) }, count: w)
            }}
            for z in 0..<4 { for x in 0..<6 {
                outputAdjoint(alongX(z, 0, x), alongX(z, 1, x), alongX(z, 2, x), alongX(z, 3, x), into: { alongY(z, $0, x) }, count: w)
            }}
            for y in 0..<6 { for x in 0..<6 {
                outputAdjoint(alongY(0, y, x), alongY(1, y, x), alongY(2, y, x), alongY(3, y, x),
                              into: { dM + (($0 * 6 + y) * 6 + x) * planeStride + column0 }, count: w)
            }}
        }
    }

    /// Gᵀ along one axis, 6 → 3: (d0/4 − (d1 + d2)/6 + (d3 + d4)/24, (d2 − d1)/6 + (d3 − d4)/12,
    /// (d3 + d4 − d1 − d2)/6 + d5).
    @inline(__always)
    private static func weightAdjoint<T: NetScalar>(_ d: (Int) -> T) -> (T, T, T) {
        let d0 = d(0), d1 = d(1), d2 = d(2), d3 = d(3), d4 = d(4), d5 = d(5)
        let s12 = d1 + d2, s34 = d3 + d4
        return (d0 / 4 - s12 / 6 + s34 / 24, (d2 - d1) / 6 + (d3 - d4) / 12, (s34 - s12) / 6 + d5)
    }

    /// dW[co][ci] += (Gᵀ ⊗ Gᵀ ⊗ Gᵀ) dU[·][co][ci], dU read in runs of pairs (`PairBlocks`).
    static func transformWeightsAdjoint<T: NetScalar>(
        _ dU: UnsafePointer<T>, cout: Int, cin: Int, addingTo dW: UnsafeMutablePointer<T>
    ) {
        var alongZ = [T](repeating: 0, count: 108), alongY = [T](repeating: 0, count: 54)
        PairBlocks<T>.read(pairs: cout * cin, points: points, from: dU) { pair, value in
            for yx in 0..<36 {   // z: 6 → 3, into [kd][y][x]
                let t = weightAdjoint { value($0 * 36 + yx) }
                alongZ[yx] = t.0; alongZ[36 + yx] = t.1; alongZ[72 + yx] = t.2
            }
            for kd in 0..<3 { for x in 0..<6 {   // y: 6 → 3, into [kd][kh][x]
                let t = weightAdjoint { alongZ[(kd * 6 + $0) * 6 + x] }
                alongY[(kd * 3) * 6 + x] = t.0; alongY[(kd * 3 + 1) * 6 + x] = t.1; alongY[(kd * 3 + 2) * 6 + x] = t.2
            }}
            let g = dW + pair * 27
            for r in 0..<9 {   // x: 6 → 3, into [kd][kh][kw]
                let t = weightAdjoint { alongY[r * 6 + $0] }
                g[r * 3] += t.0; g[r * 3 + 1] += t.1; g[r * 3 + 2] += t.2
            }
        }
    }
}
