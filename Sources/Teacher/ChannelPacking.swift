import Network
import Volumes

/// Volume order (i fastest) ⇄ the network's tensor order ([1, C, i, j, k] with k fastest, MODEL.md).
/// Both directions are a transpose of i and k within each j, done in 16 × 16 tiles: with one loop
/// order every write (or read) jumped j·k values, and on the students' lung crops the element-wise
/// version was a tenth of `tutor segment`.
public enum ChannelPacking {
    /// Stacks same-sized channels (each `size.count` floats in Volume order) into a [1, C, i, j, k] tensor.
    public static func pack(_ channels: [[Float]], size: GridSize) -> Tensor {
        let n = size.count
        var values = [Float](repeating: 0, count: n * channels.count)
        values.withUnsafeMutableBufferPointer { out in
            for (c, ch) in channels.enumerated() {
                ch.withUnsafeBufferPointer { src in
                    transpose(size) { volume, tensor in out[c * n + tensor] = src[volume] }
                }
            }
        }
        return Tensor(shape: [1, channels.count, size.i, size.j, size.k], values: values)
    }

    /// Channel `c` of a [1, C, i, j, k] tensor, in Volume order.
    public static func unpack(_ t: Tensor, channel c: Int) -> [Float] {
        let size = GridSize(t.shape[2], t.shape[3], t.shape[4]), n = size.count
        var out = [Float](repeating: 0, count: n)
        t.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                transpose(size) { volume, tensor in dst[volume] = src[c * n + tensor] }
            }
        }
        return out
    }

    /// Calls `move(volumeIndex, tensorIndex)` for every voxel, tile by tile of 16 i × 16 k per j.
    @inline(__always)
    private static func transpose(_ size: GridSize, _ move: (_ volume: Int, _ tensor: Int) -> Void) {
        let tile = 16
        for j in 0..<size.j {
            for k0 in stride(from: 0, to: size.k, by: tile) {
                for i0 in stride(from: 0, to: size.i, by: tile) {
                    for k in k0..<min(k0 + tile, size.k) {
                        for i in i0..<min(i0 + tile, size.i) {
                            move(i + size.i * (j + size.j * k), (i * size.j + j) * size.k + k)
                        }
                    }
                }
            }
        }
    }
}
