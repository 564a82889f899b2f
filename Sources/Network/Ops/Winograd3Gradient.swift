/// F(2,3)'s adjoint transforms, for the weight gradient (`Winograd.weightGradient`): with
/// M[ξ] = U[ξ]·V[ξ] and Y = Aᵀ₃ M per tile, dM = A₃ dY per tile (the adjoint of the output
/// transform), and dW = Gᵀ₃ dU (the adjoint of the weight transform).
extension Winograd3 {
    /// dM[ξ][column] = (A ⊗ A ⊗ A) of each tile's 2×2×2 block of dY (zero outside the volume),
    /// for the tiles in `rows` of one output channel; A's columns give (y0, y0 + y1, y0 − y1, −y1)
    /// along each axis. Runs on whole lines like the forward transforms.
    static func transformOutputAdjoint<T: NetScalar>(
        _ dy: UnsafePointer<T>, grid: WinogradGrid, rows: Range<Int>, lines: UnsafeMutablePointer<T>,
        into dM: UnsafeMutablePointer<T>, planeStride: Int
    ) {
        let dims = grid.dims, w = grid.w
        @inline(__always) func run(_ z: Int, _ y: Int, _ x: Int) -> UnsafeMutablePointer<T> {
            lines + ((z * 4 + y) * 4 + x) * w
        }
        @inline(__always) func expand(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                                      _ out: (Int) -> UnsafeMutablePointer<T>) {
            let o0 = out(0), o1 = out(1), o2 = out(2), o3 = out(3)
            var t = 0
            while t + 8 <= w {
                let p = load8(a + t), q = load8(b + t)
                store8(p, o0 + t); store8(p + q, o1 + t); store8(p - q, o2 + t); store8(-q, o3 + t)
                t += 8
            }
            while t < w {
                let p = a[t], q = b[t]
                o0[t] = p; o1[t] = p + q; o2[t] = p - q; o3[t] = -q
                t += 1
            }
        }
        for row in rows {
            let z0 = 2 * (row / grid.h), y0 = 2 * (row % grid.h)
            let column0 = (row - rows.lowerBound) * w
            // Even and odd voxels of the tile row's four dY lines, into runs (z, y, 2) and (z, y, 3).
            for z in 0..<2 { for y in 0..<2 {
                let e = run(z, y, 2), o = run(z, y, 3)
                guard z0 + z < dims.a && y0 + y < dims.b else {
                    e.update(repeating: 0, count: w); o.update(repeating: 0, count: w)
                    continue
                }
                let line = dy + ((z0 + z) * dims.b + y0 + y) * dims.c
                var t = 0
                while 2 * t + 16 <= dims.c {
                    let pair = UnsafeRawPointer(line + 2 * t).loadUnaligned(as: SIMD16<T>.self)
                    store8(pair.evenHalf, e + t); store8(pair.oddHalf, o + t)
                    t += 8
                }
                while t < w {
                    e[t] = line[2 * t]
                    o[t] = 2 * t + 1 < dims.c ? line[2 * t + 1] : 0
                    t += 1
                }
            }}
            // Along x, y, then z (into the planes).
            for z in 0..<2 { for y in 0..<2 { expand(run(z, y, 2), run(z, y, 3)) { run(z, y, $0) } } }
            for z in 0..<2 { for x in 0..<4 { expand(run(z, 0, x), run(z, 1, x)) { run(z, $0, x) } } }
            for y in 0..<4 { for x in 0..<4 {
                expand(run(0, y, x), run(1, y, x)) { dM + (($0 * 4 + y) * 4 + x) * planeStride + column0 }
            }}
        }
    }

    /// dW[co][ci] += (Gᵀ ⊗ Gᵀ ⊗ Gᵀ) dU[·][co][ci], Gᵀ taking (d0, d1, d2, d3) to
    /// (d0 + (d1 + d2)/2, (d1 − d2)/2, (d1 + d2)/2 + d3) along each axis; dU read in runs of pairs.
    static func transformWeightsAdjoint<T: NetScalar>(
        _ dU: UnsafePointer<T>, cout: Int, cin: Int, addingTo dW: UnsafeMutablePointer<T>
    ) {
        @inline(__always) func apply(_ a: T, _ b: T, _ c: T, _ d: T) -> (T, T, T) {
            (a + (b + c) / 2, (b - c) / 2, (b + c) / 2 + d)
        }
        var alongZ = [T](repeating: 0, count: 48), alongY = [T](repeating: 0, count: 36)
        PairBlocks<T>.read(pairs: cout * cin, points: points, from: dU) { pair, value in
            for yx in 0..<16 {   // z: 4 → 3, into [kd][y][x]
                let t = apply(value(yx), value(16 + yx), value(32 + yx), value(48 + yx))
                alongZ[yx] = t.0; alongZ[16 + yx] = t.1; alongZ[32 + yx] = t.2
            }
            for kd in 0..<3 { for x in 0..<4 {   // y: 4 → 3, into [kd][kh][x]
                let b = kd * 16 + x
                let t = apply(alongZ[b], alongZ[b + 4], alongZ[b + 8], alongZ[b + 12])
                alongY[(kd * 3) * 4 + x] = t.0; alongY[(kd * 3 + 1) * 4 + x] = t.1; alongY[(kd * 3 + 2) * 4 + x] = t.2
            }}
            let g = dW + pair * 27
            for r in 0..<9 {   // x: 4 → 3, into [kd][kh][kw]
                let t = apply(alongY[r * 4], alongY[r * 4 + 1], alongY[r * 4 + 2], alongY[r * 4 + 3])
                g[r * 3] += t.0; g[r * 3 + 1] += t.1; g[r * 3 + 2] += t.2
            }
        }
    }
}
