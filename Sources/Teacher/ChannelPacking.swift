import Network
import Volumes

/// Volume order (i fastest) ⇄ the network's tensor order ([1, C, i, j, k] with k fastest, MODEL.md).
public enum ChannelPacking {
    /// Stacks same-sized channels (each `size.count` floats in Volume order) into a [1, C, i, j, k] tensor.
    public static func pack(_ channels: [[Float]], size: GridSize) -> Tensor {
        let n = size.count
        var values = [Float](repeating: 0, count: n * channels.count)
        values.withUnsafeMutableBufferPointer { out in
            for (c, ch) in channels.enumerated() {
                ch.withUnsafeBufferPointer { src in
                    let base = c * n
                    for k in 0..<size.k { for j in 0..<size.j { for i in 0..<size.i {
                        out[base + (i * size.j + j) * size.k + k] = src[i + size.i * (j + size.j * k)]
                    } } }
                }
            }
        }
        return Tensor(shape: [1, channels.count, size.i, size.j, size.k], values: values)
    }

    /// Channel `c` of a [1, C, i, j, k] tensor, in Volume order.
    public static func unpack(_ t: Tensor, channel c: Int) -> [Float] {
        let a = t.shape[2], b = t.shape[3], d = t.shape[4], n = a * b * d
        var out = [Float](repeating: 0, count: n)
        t.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<a { for j in 0..<b { for k in 0..<d {
                    dst[i + a * (j + b * k)] = src[c * n + (i * b + j) * d + k]
                } } }
            }
        }
        return out
    }
}
