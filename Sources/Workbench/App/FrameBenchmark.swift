import Foundation
import Volumes

/// Measures what the workbench costs per frame: the time to compose a frame (model → cells) and
/// encode it, and the bytes sent to the terminal for one slice step, against a full redraw
/// measured in the same run (the reference).
public enum FrameBenchmark {
    public struct Row: Sendable {
        public var mode: ColorMode
        /// Median and 95th percentile time to compose one frame (ms).
        public var composeMedian: Double, composeP95: Double
        /// Median time to encode one slice step as terminal bytes (ms).
        public var encodeMedian: Double
        /// Bytes for one slice step (the difference) and for a full redraw of the same frame.
        public var stepBytes: Int, fullBytes: Int
    }

    /// Runs `frames` slice steps of `image` at `width × height` cells in each colour mode, with
    /// two boxes and a mask on screen as while annotating.
    public static func run(image: Volume, width: Int = 200, height: Int = 60, frames: Int = 200) -> [Row] {
        let k = image.size.k / 2
        let nx = image.size.i, ny = image.size.j
        let box = Box(slice: k, xMin: nx * 5 / 8, yMin: ny * 3 / 8, xMax: nx * 5 / 8 + nx / 12, yMax: ny * 3 / 8 + ny / 12)
        var mask = BinaryMask(emptyOn: image)
        for kk in max(0, k - 2)...min(image.size.k - 1, k + 2) {
            for j in box.yMin...box.yMax { for i in box.xMin...box.xMax { mask[i, j, kk] = 1 } }
        }
        let contents = CaseContents(id: "bench", image: image, boxes: [box, Box(slice: k + 1, xMin: box.xMin, yMin: box.yMin,
                                    xMax: box.xMax, yMax: box.yMax)], proposal: mask, state: .proposed, viewPoint: nil)
        var rows: [Row] = []
        for mode in [ColorMode.grey256, .trueColor, .plain] {
            var state = WorkbenchState(contents: contents, keymap: Keymap(), width: width, height: height)
            state.slice = k
            var previous = MemoryScreen(width: width, height: height)
            Frame.compose(state, mode: mode, into: &previous)
            let encoder = ANSIEncoder(mode: mode)
            let full = encoder.encode(from: nil, to: previous).count
            var composeTimes: [Double] = [], encodeTimes: [Double] = [], stepBytes: [Int] = []
            for n in 0..<frames {
                state.slice = n % 2 == 0 ? k + 1 : k
                var next = MemoryScreen(width: width, height: height)
                let t0 = DispatchTime.now().uptimeNanoseconds
                Frame.compose(state, mode: mode, into: &next)
                let t1 = DispatchTime.now().uptimeNanoseconds
                let bytes = encoder.encode(from: previous, to: next)
                let t2 = DispatchTime.now().uptimeNanoseconds
                composeTimes.append(Double(t1 - t0) / 1e6); encodeTimes.append(Double(t2 - t1) / 1e6)
                stepBytes.append(bytes.count)
                previous = next
            }
            composeTimes.sort(); encodeTimes.sort(); stepBytes.sort()
            rows.append(Row(mode: mode, composeMedian: composeTimes[frames / 2], composeP95: composeTimes[frames * 95 / 100],
                            encodeMedian: encodeTimes[frames / 2], stepBytes: stepBytes[frames / 2], fullBytes: full))
        }
        return rows
    }
}
