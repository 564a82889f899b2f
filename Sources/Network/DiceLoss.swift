/// Soft Dice loss (Milletari et al.; the paper's loss): 1 − (2·Σ p·g + ε) / (Σ p + Σ g + ε),
/// summed over every voxel of one output channel, and averaged over the channels. Per channel,
/// because the dual-output student's two targets differ in size by an order of magnitude (a box
/// mask holds far more voxels than the tumour in it): one Dice over both would be ruled by the box.
public enum DiceLoss {
    /// ε keeps an empty prediction on an empty target at loss 0 and the quotient finite.
    public static let smooth = 1e-5

    /// The loss and ∂loss/∂p for prediction p and target g of the same shape.
    public static func evaluate(prediction p: Tensor, target g: Tensor) -> (loss: Double, gradient: Tensor) {
        precondition(p.shape == g.shape, "Dice loss: prediction \(p.shape) and target \(g.shape) differ")
        var grad = Tensor(zeros: p.shape)
        let channels = p.shape.count == 5 ? p.shape[1] : 1
        let n = p.values.count / channels
        let loss = p.values.withUnsafeBufferPointer { pp in
            g.values.withUnsafeBufferPointer { gg in
                grad.values.withUnsafeMutableBufferPointer { dd in
                    (0..<channels).reduce(0.0) { sum, c in
                        sum + evaluate(p: pp.baseAddress! + c * n, g: gg.baseAddress! + c * n, count: n,
                                       gradient: dd.baseAddress! + c * n, weight: 1 / Double(channels))
                    }
                }
            }
        }
        return (loss, grad)
    }

    /// The same over one channel's raw buffers, scaled by `weight`; writes ∂(weight · loss)/∂p
    /// into `gradient`.
    static func evaluate<T: NetScalar>(p: UnsafePointer<T>, g: UnsafePointer<T>, count n: Int,
                                       gradient: UnsafeMutablePointer<T>, weight: Double = 1) -> Double {
        var intersection = 0.0, total = 0.0
        for i in 0..<n {
            intersection += Double(p[i] * g[i])
            total += Double(p[i] + g[i])
        }
        let numerator = 2 * intersection + smooth, denominator = total + smooth
        // ∂/∂p_i [1 − num/den] = −(2 g_i · den − num) / den²
        let a = T(-2 * weight / denominator), b = T(weight * numerator / (denominator * denominator))
        for i in 0..<n { gradient[i] = a * g[i] + b }
        return weight * (1 - numerator / denominator)
    }

    /// The Dice similarity coefficient of a thresholded prediction (p ≥ 0.5) against a binary target.
    public static func coefficient(prediction p: Tensor, target g: Tensor) -> Double {
        var both = 0.0, sum = 0.0
        for (pv, gv) in zip(p.values, g.values) {
            let a: Double = pv >= 0.5 ? 1 : 0, b: Double = gv >= 0.5 ? 1 : 0
            both += a * b; sum += a + b
        }
        return sum == 0 ? 1 : 2 * both / sum
    }
}
