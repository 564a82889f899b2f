import Foundation

/// Binary cross-entropy on probabilities, averaged over every voxel and channel:
/// −mean(g·log p + (1 − g)·log(1 − p)), with p kept inside [1e-6, 1 − 1e-6] so that a saturated
/// sigmoid gives a large but finite loss.
///
/// Why it is here: the soft Dice loss of a sample whose target is empty is 1 − ε/(Σp + ε), whose
/// gradient vanishes as soon as Σp ≫ ε; a student trained on cubes without tumour therefore never
/// learns to stay quiet on vessels. Cross-entropy pushes every false positive down on its own
/// (nnU-Net trains with Dice + cross-entropy for the same reason).
public enum CrossEntropyLoss {
    static let clamp = 1e-6

    /// The loss and ∂loss/∂p for prediction p and binary target g of the same shape.
    public static func evaluate(prediction p: Tensor, target g: Tensor) -> (loss: Double, gradient: Tensor) {
        precondition(p.shape == g.shape, "cross-entropy: prediction \(p.shape) and target \(g.shape) differ")
        var grad = Tensor(zeros: p.shape)
        let n = Double(p.values.count)
        var loss = 0.0
        for i in p.values.indices {
            let q = min(max(Double(p.values[i]), clamp), 1 - clamp), t = Double(g.values[i])
            loss -= t * log(q) + (1 - t) * log(1 - q)
            // ∂/∂p of −[t log p + (1 − t) log(1 − p)] = (p − t) / (p (1 − p)); zero where clamped.
            let inside = Double(p.values[i]) > clamp && Double(p.values[i]) < 1 - clamp
            grad.values[i] = inside ? Float((q - t) / (q * (1 - q)) / n) : 0
        }
        return (loss / n, grad)
    }
}

/// What a training run minimises: the paper's soft Dice, or Dice + cross-entropy (nnU-Net's).
public enum TrainingLoss: String, Sendable, CaseIterable {
    case dice
    case diceCrossEntropy = "dice+ce"

    /// The loss of one sample and its gradient with respect to the network's output.
    public func evaluate(prediction p: Tensor, target g: Tensor) -> (loss: Double, gradient: Tensor) {
        let dice = DiceLoss.evaluate(prediction: p, target: g)
        guard self == .diceCrossEntropy else { return dice }
        var (ce, gradient) = CrossEntropyLoss.evaluate(prediction: p, target: g)
        for i in gradient.values.indices { gradient.values[i] += dice.gradient.values[i] }
        return (dice.loss + ce, gradient)
    }
}
