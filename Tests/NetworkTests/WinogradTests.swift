import Foundation
import XCTest
@testable import Network
import Volumes

/// The two fast stride-1 convolutions, Winograd's F(2,3) and the shifted-line im2col, against
/// plain im2col + GEMM: the same numbers, in Float and Double, on sizes with odd edges and partial
/// tile groups, with split and accumulated outputs.
final class WinogradTests: XCTestCase {
    private enum Method { case winograd, winograd4, shifted }
    private var rng = SeededGenerator(seed: 7)

    private func random<T: NetScalar>(_ n: Int, _: T.Type) -> Buffer<T> {
        let b = Buffer<T>(count: n)
        for i in 0..<n { b.pointer[i] = T(rng.normal()) }
        return b
    }

    private func compare<T: NetScalar>(_: T.Type, dims: Dims, cin: Int, cout: Int, accumulate: Bool,
                                       method: Method = .winograd) -> Double {
        let scratch = Scratch<T>()
        let x = random(cin * dims.count, T.self), w = random(cout * cin * 27, T.self)
        let inputs = (0..<cin).map { UnsafePointer(x.channel($0, spatial: dims.count)) }
        let start = random(cout * dims.count, T.self)
        let a = Buffer<T>(start.array), b = Buffer<T>(start.array)
        let split = cout / 3
        let blocks: (Buffer<T>) -> [(UnsafeMutablePointer<T>, Int)] = {
            [($0.pointer, split), ($0.pointer + split * dims.count, cout - split)]
        }
        switch method {
        case .winograd:
            Winograd3.forward(input: inputs, dims: dims, weights: w.pointer, outputs: blocks(a),
                              accumulate: accumulate, scratch: scratch)
        case .winograd4:
            Winograd4.forward(input: inputs, dims: dims, weights: w.pointer, outputs: blocks(a),
                              accumulate: accumulate, scratch: scratch)
        case .shifted:
            Conv3Shifted.forward(input: inputs, dims: dims, weights: w.pointer, outputs: blocks(a),
                                 accumulate: accumulate, scratch: scratch)
        }
        Conv3.forwardIm2col(input: inputs, inDims: dims, stride: 1, weights: w.pointer, outputs: blocks(b),
                            accumulate: accumulate, scratch: scratch)
        var diff = 0.0, norm = 0.0
        for i in 0..<a.count {
            let d = Double(a.pointer[i] - b.pointer[i]), r = Double(b.pointer[i])
            diff += d * d; norm += r * r
        }
        return (diff / norm).squareRoot()
    }

    func testF43MatchesIm2col() {
        for (dims, accumulate) in [(Dims(5, 7, 3), false), (Dims(6, 4, 19), true), (Dims(1, 1, 1), false),
                                   (Dims(8, 8, 8), false), (Dims(9, 13, 70), true), (Dims(12, 5, 37), false)] {
            let error = compare(Double.self, dims: dims, cin: 9, cout: 10, accumulate: accumulate, method: .winograd4)
            XCTAssertLessThan(error, 1e-12, "\(dims) accumulate \(accumulate)")
            let single = compare(Float.self, dims: dims, cin: 16, cout: 8, accumulate: accumulate, method: .winograd4)
            XCTAssertLessThan(single, 2e-5, "Float \(dims) accumulate \(accumulate)")
        }
    }

    /// F(4,3) from 8 channels and 32 voxels along every axis, F(2,3) or shifted lines below;
    /// `TUTOR_CONV=f23`'s switch leaves F(2,3).
    func testMethodByLayerSize() {
        XCTAssertEqual(Conv3.method(stride: 1, cin: 32, cout: 32, dims: Dims(32, 40, 64)), .winograd4)
        XCTAssertEqual(Conv3.method(stride: 1, cin: 8, cout: 8, dims: Dims(128, 128, 128)), .winograd4)
        XCTAssertEqual(Conv3.method(stride: 1, cin: 32, cout: 32, dims: Dims(32, 24, 64)), .winograd)
        XCTAssertEqual(Conv3.method(stride: 2, cin: 32, cout: 32, dims: Dims(64, 64, 64)), .im2col)
        XCTAssertEqual(Conv3.method(stride: 1, cin: 2, cout: 16, dims: Dims(64, 64, 64)), .shiftedLines)
        Winograd4.enabled = false
        defer { Winograd4.enabled = true }
        XCTAssertEqual(Conv3.method(stride: 1, cin: 32, cout: 32, dims: Dims(64, 64, 64)), .winograd)
    }

    func testMatchesIm2colInDouble() {
        for (dims, accumulate) in [(Dims(5, 7, 3), false), (Dims(6, 4, 19), true), (Dims(1, 1, 1), false), (Dims(8, 8, 8), false)] {
            let error = compare(Double.self, dims: dims, cin: 9, cout: 10, accumulate: accumulate)
            XCTAssertLessThan(error, 1e-12, "\(dims) accumulate \(accumulate)")
        }
    }

    /// Both fast weight gradients (Winograd's transformed space, the shifted lines) equal
    /// im2col's, added onto what dW held.
    func testWeightGradientMatchesIm2col() {
        for method in [Method.winograd, .winograd4, .shifted] {
            for dims in [Dims(5, 7, 3), Dims(6, 4, 19), Dims(8, 8, 8), Dims(1, 1, 1), Dims(9, 13, 70)] {
                let cin = 9, cout = 10
                let scratch = Scratch<Double>()
                let x = random(cin * dims.count, Double.self), dy = random(cout * dims.count, Double.self)
                let inputs = (0..<cin).map { UnsafePointer(x.channel($0, spatial: dims.count)) }
                let start = random(cout * cin * 27, Double.self)
                let a = Buffer<Double>(start.array), b = Buffer<Double>(start.array)
                switch method {
                case .winograd:
                    Winograd3.weightGradient(input: inputs, dims: dims, dOutput: dy.pointer, cout: cout,
                                             dWeights: a.pointer, scratch: scratch)
                case .winograd4:
                    Winograd4.weightGradient(input: inputs, dims: dims, dOutput: dy.pointer, cout: cout,
                                             dWeights: a.pointer, scratch: scratch)
                case .shifted:
                    Conv3Shifted.weightGradient(input: inputs, dims: dims, dOutput: dy.pointer, cout: cout,
                                                dWeights: a.pointer, scratch: scratch)
                }
                Conv3.weightGradientIm2col(input: inputs, inDims: dims, stride: 1, dOutput: dy.pointer, cout: cout,
                                           dWeights: b.pointer, scratch: scratch)
                var diff = 0.0, norm = 0.0
                for i in 0..<a.count {
                    diff += (a.pointer[i] - b.pointer[i]) * (a.pointer[i] - b.pointer[i])
                    norm += (b.pointer[i] - start.pointer[i]) * (b.pointer[i] - start.pointer[i])
                }
                XCTAssertLessThan((diff / norm).squareRoot(), 1e-12, "\(method) \(dims)")
            }
        }
    }

    /// Both fused backwards (dW and dX in one pass, F(2,3) and F(4,3)) give im2col's weight gradient and the input
    /// gradient of the im2col path (the flipped-kernel conv), both added onto what they held or
    /// the input gradient overwritten, with dX split in two blocks as a concat's; on one worker
    /// and on three, whose units run side by side.
    func testFusedBackwardMatchesIm2col() {
        Winograd3.enabled = false   // the reference input gradient: plain im2col
        let threads = Engine.threads
        defer { Winograd3.enabled = true; Engine.threads = threads }
        let cases = [(Dims(5, 7, 3), false), (Dims(6, 4, 19), true), (Dims(8, 8, 8), true), (Dims(1, 1, 1), false),
                     (Dims(20, 6, 17), false), (Dims(13, 5, 9), true)]   // the last two: many units
        for fused in [Method.winograd, .winograd4] { for workers in [1, 3] { Engine.threads = workers; for (dims, accumulate) in cases {
            let cin = 9, cout = 10, split = 4
            let scratch = Scratch<Double>()
            let x = random(cin * dims.count, Double.self), dy = random(cout * dims.count, Double.self)
            let w = random(cout * cin * 27, Double.self)
            let inputs = (0..<cin).map { UnsafePointer(x.channel($0, spatial: dims.count)) }
            let dW0 = random(cout * cin * 27, Double.self), dX0 = random(cin * dims.count, Double.self)
            let dWa = Buffer<Double>(dW0.array), dWb = Buffer<Double>(dW0.array)
            let dXa = Buffer<Double>(dX0.array), dXb = Buffer<Double>(dX0.array)
            let blocks: (Buffer<Double>) -> [(UnsafeMutablePointer<Double>, Int)] = {
                [($0.pointer, split), ($0.pointer + split * dims.count, cin - split)]
            }
            if fused == .winograd4 {
                Winograd4.backward(input: inputs, dims: dims, weights: w.pointer, dOutput: dy.pointer, cout: cout,
                                   dWeights: dWa.pointer, dInput: blocks(dXa), accumulate: accumulate, scratch: scratch)
            } else {
                Winograd3.backward(input: inputs, dims: dims, weights: w.pointer, dOutput: dy.pointer, cout: cout,
                                   dWeights: dWa.pointer, dInput: blocks(dXa), accumulate: accumulate, scratch: scratch)
            }
            Conv3.weightGradientIm2col(input: inputs, inDims: dims, stride: 1, dOutput: dy.pointer, cout: cout,
                                       dWeights: dWb.pointer, scratch: scratch)
            Conv3.inputGradient(dOutput: dy.pointer, cout: cout, inDims: dims, stride: 1, weights: w.pointer,
                                dInput: blocks(dXb), accumulate: accumulate, scratch: scratch)
            for (name, a, b, start) in [("dW", dWa, dWb, dW0), ("dX", dXa, dXb, dX0)] {
                var diff = 0.0, norm = 0.0
                for i in 0..<a.count {
                    diff += (a.pointer[i] - b.pointer[i]) * (a.pointer[i] - b.pointer[i])
                    let change = name == "dX" && !accumulate ? b.pointer[i] : b.pointer[i] - start.pointer[i]
                    norm += change * change
                }
                XCTAssertGreaterThan(norm, 0, "\(name) \(dims)")
                XCTAssertLessThan((diff / norm).squareRoot(), 1e-12,
                                  "\(fused) \(name) \(dims) accumulate \(accumulate), \(workers) workers")
            }
        }}}
    }

    func testMatchesIm2colInFloat() {
        let error = compare(Float.self, dims: Dims(12, 10, 34), cin: 16, cout: 8, accumulate: false)
        XCTAssertLessThan(error, 1e-5)
    }

    func testShiftedLinesMatchIm2colInDouble() {
        for (dims, accumulate) in [(Dims(5, 7, 3), false), (Dims(6, 4, 19), true), (Dims(1, 1, 1), false),
                                   (Dims(8, 8, 8), true), (Dims(3, 40, 37), false)] {
            let error = compare(Double.self, dims: dims, cin: 5, cout: 7, accumulate: accumulate, method: .shifted)
            XCTAssertLessThan(error, 1e-12, "\(dims) accumulate \(accumulate)")
        }
    }

    func testShiftedLinesMatchIm2colInFloat() {
        let error = compare(Float.self, dims: Dims(12, 10, 34), cin: 8, cout: 8, accumulate: false, method: .shifted)
        XCTAssertLessThan(error, 1e-5)
    }

}

/// The AVX2 kernels (Float) against im2col in Double on the same numbers: the shifted-line
/// convolution with every column remainder (24-wide blocks, 8-wide blocks, single columns), 1 to
/// 4 groups of four outputs, accumulated and split outputs, and a width that falls back to
/// OpenBLAS; F(2,3)'s point products forward and backward, with row counts that do and do not
/// take the kernel.
final class LinesKernelTests: XCTestCase {
    private var rng = SeededGenerator(seed: 11)
    private var wasEnabled = false

    /// The kernels run here wherever the CPU can run them, also where the engine would keep
    /// OpenBLAS (AVX-512 machines).
    override func setUpWithError() throws {
        try XCTSkipUnless(LinesKernel.available, "this CPU has no AVX2 + FMA: the kernels are never used")
        wasEnabled = LinesKernel.enabled
        LinesKernel.enabled = true
    }

    override func tearDown() { LinesKernel.enabled = wasEnabled }

    private func floats(_ n: Int) -> [Float] { (0..<n).map { _ in Float(rng.normal()) } }

    /// F(2,3) takes 8-channel layers only where the kernels take its point products; a 2-channel
    /// first layer stays on the shifted lines either way.
    func testWinogradStartsAt8ChannelsWithTheKernelsAnd16Without() {
        XCTAssertTrue(Winograd3.pays(cin: 8, cout: 8))
        XCTAssertTrue(Winograd3.pays(cin: 16, cout: 8))
        XCTAssertFalse(Winograd3.pays(cin: 2, cout: 8))
        LinesKernel.enabled = false
        XCTAssertFalse(Winograd3.pays(cin: 8, cout: 8))
        XCTAssertFalse(Winograd3.pays(cin: 16, cout: 8))
        XCTAssertTrue(Winograd3.pays(cin: 16, cout: 16))
    }

    private func relativeError(_ a: [Float], _ b: [Double]) -> Double {
        var diff = 0.0, norm = 0.0
        for i in 0..<a.count { diff += (Double(a[i]) - b[i]) * (Double(a[i]) - b[i]); norm += b[i] * b[i] }
        return (diff / norm).squareRoot()
    }

    private let cases: [(Dims, Int, Int)] = [
        (Dims(5, 7, 3), 2, 8), (Dims(6, 4, 19), 8, 4), (Dims(3, 40, 37), 5, 12), (Dims(12, 10, 34), 16, 8),
        (Dims(1, 1, 1), 3, 16), (Dims(4, 9, 61), 8, 6),
    ]

    func testForwardMatchesIm2colInDouble() {
        for (dims, cin, cout) in cases {
            for accumulate in [false, true] {
                let x = floats(cin * dims.count), w = floats(cout * cin * 27), start = floats(cout * dims.count)
                let split = cout / 2
                let a = Buffer<Float>(start)
                let xf = Buffer<Float>(x), wf = Buffer<Float>(w)
                Conv3Shifted.forward(input: (0..<cin).map { UnsafePointer(xf.channel($0, spatial: dims.count)) },
                                     dims: dims, weights: wf.pointer,
                                     outputs: [(a.pointer, split), (a.pointer + split * dims.count, cout - split)],
                                     accumulate: accumulate, scratch: Scratch<Float>())
                let b = Buffer<Double>(start.map(Double.init))
                let xd = Buffer<Double>(x.map(Double.init)), wd = Buffer<Double>(w.map(Double.init))
                Conv3.forwardIm2col(input: (0..<cin).map { UnsafePointer(xd.channel($0, spatial: dims.count)) },
                                    inDims: dims, stride: 1, weights: wd.pointer, outputs: [(b.pointer, cout)],
                                    accumulate: accumulate, scratch: Scratch<Double>())
                XCTAssertLessThan(relativeError(a.array, b.array), 1e-5, "\(dims) \(cin) → \(cout) accumulate \(accumulate)")
            }
        }
    }

    /// Both Winograds' point products through the kernel (forward, and the fused backward's dX
    /// and dU products) in Float, against the same layer in Double (plain im2col: Winograd off).
    func testWinogradProductsMatchIm2colInDouble() {
        productsMatchIm2col(Winograd3.self, [(Dims(5, 7, 3), 18, 16), (Dims(6, 4, 19), 20, 32), (Dims(9, 10, 34), 32, 12)])
        productsMatchIm2col(Winograd4.self, [(Dims(5, 7, 3), 8, 8), (Dims(9, 10, 34), 16, 12), (Dims(6, 13, 9), 20, 32)])
    }

    private func productsMatchIm2col<W: Winograd>(_: W.Type, _ cases: [(Dims, Int, Int)]) {
        for (dims, cin, cout) in cases {
            let x = floats(cin * dims.count), w = floats(cout * cin * 27), dy = floats(cout * dims.count)
            let xf = Buffer<Float>(x), wf = Buffer<Float>(w), dyf = Buffer<Float>(dy)
            let inputs = (0..<cin).map { UnsafePointer(xf.channel($0, spatial: dims.count)) }
            let y = Buffer<Float>(count: cout * dims.count), dW = Buffer<Float>(count: cout * cin * 27, zeroed: true)
            let dX = Buffer<Float>(count: cin * dims.count)
            W.forward(input: inputs, dims: dims, weights: wf.pointer, outputs: [(y.pointer, cout)],
                      accumulate: false, scratch: Scratch<Float>())
            W.backward(input: inputs, dims: dims, weights: wf.pointer, dOutput: dyf.pointer, cout: cout,
                       dWeights: dW.pointer, dInput: [(dX.pointer, cin)], accumulate: false, scratch: Scratch<Float>())

            Winograd3.enabled = false
            defer { Winograd3.enabled = true }
            let xd = Buffer<Double>(x.map(Double.init)), wd = Buffer<Double>(w.map(Double.init))
            let dyd = Buffer<Double>(dy.map(Double.init))
            let inputsD = (0..<cin).map { UnsafePointer(xd.channel($0, spatial: dims.count)) }
            let yd = Buffer<Double>(count: cout * dims.count), dWd = Buffer<Double>(count: cout * cin * 27, zeroed: true)
            let dXd = Buffer<Double>(count: cin * dims.count)
            Conv3.forwardIm2col(input: inputsD, inDims: dims, stride: 1, weights: wd.pointer, outputs: [(yd.pointer, cout)],
                                accumulate: false, scratch: Scratch<Double>())
            Conv3.weightGradientIm2col(input: inputsD, inDims: dims, stride: 1, dOutput: dyd.pointer, cout: cout,
                                       dWeights: dWd.pointer, scratch: Scratch<Double>())
            Conv3.inputGradient(dOutput: dyd.pointer, cout: cout, inDims: dims, stride: 1, weights: wd.pointer,
                                dInput: [(dXd.pointer, cin)], accumulate: false, scratch: Scratch<Double>())
            // F(4,3)'s larger coefficients cost about ten times F(2,3)'s rounding (Docs/network.md).
            let limit = W.self == Winograd4.self ? 2e-5 : 1e-5
            XCTAssertLessThan(relativeError(y.array, yd.array), limit, "\(W.self) forward \(dims) \(cin) → \(cout)")
            XCTAssertLessThan(relativeError(dW.array, dWd.array), limit, "\(W.self) dW \(dims) \(cin) → \(cout)")
            XCTAssertLessThan(relativeError(dX.array, dXd.array), limit, "\(W.self) dX \(dims) \(cin) → \(cout)")
        }
    }

    func testWeightGradientMatchesIm2colInDouble() {
        for (dims, cin, cout) in cases {
            let x = floats(cin * dims.count), dy = floats(cout * dims.count), start = floats(cout * cin * 27)
            let xf = Buffer<Float>(x), dyf = Buffer<Float>(dy), a = Buffer<Float>(start)
            Conv3Shifted.weightGradient(input: (0..<cin).map { UnsafePointer(xf.channel($0, spatial: dims.count)) },
                                        dims: dims, dOutput: dyf.pointer, cout: cout, dWeights: a.pointer,
                                        scratch: Scratch<Float>())
            let xd = Buffer<Double>(x.map(Double.init)), dyd = Buffer<Double>(dy.map(Double.init))
            let b = Buffer<Double>(start.map(Double.init))
            Conv3.weightGradientIm2col(input: (0..<cin).map { UnsafePointer(xd.channel($0, spatial: dims.count)) },
                                       inDims: dims, stride: 1, dOutput: dyd.pointer, cout: cout,
                                       dWeights: b.pointer, scratch: Scratch<Double>())
            // Compare the change, not the start it was added to.
            let change = (0..<b.count).map { b.pointer[$0] - Double(start[$0]) }
            let got = (0..<a.count).map { a.pointer[$0] - start[$0] }
            XCTAssertLessThan(relativeError(got, change), 1e-5, "\(dims) \(cin) → \(cout)")
        }
    }
}
