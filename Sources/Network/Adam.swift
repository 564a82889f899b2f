import Foundation
import Volumes

/// Adam (Kingma & Ba) with bias correction over a network's contiguous parameter block: one loop.
/// `step` averages the gradients accumulated since the last `zeroGrad` over `accumulated`
/// samples, so batch 1 with 8 accumulated samples is the paper's virtual batch of 8.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    /// Updates taken so far (drives the bias correction; saved in checkpoints).
    public private(set) var step = 0
    var m: [Float], v: [Float]

    public init(parameterCount: Int, learningRate: Float = 1e-4, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) {
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        m = [Float](repeating: 0, count: parameterCount)
        v = m
    }

    public convenience init(for net: UNet3D, learningRate: Float = 1e-4) {
        self.init(parameterCount: net.parameterCount, learningRate: learningRate)
    }

    /// θ ← θ − lr · m̂ / (√v̂ + ε) with g = gradients / accumulated.
    public func step(_ net: UNet3D, accumulated: Int = 1) {
        precondition(m.count == net.parameterCount, "Adam: optimiser and network sizes differ")
        step += 1
        let scale = 1 / Float(max(accumulated, 1))
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
        let lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon
        let theta = net.graph.params.pointer, grad = net.graph.grads.pointer
        m.withUnsafeMutableBufferPointer { m in
            v.withUnsafeMutableBufferPointer { v in
                for i in 0..<m.count {
                    let g = grad[i] * scale
                    m[i] = b1 * m[i] + (1 - b1) * g
                    v[i] = b2 * v[i] + (1 - b2) * g * g
                    theta[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                }
            }
        }
    }

    /// Restores moments and step count (from a checkpoint).
    func restore(m: [Float], v: [Float], step: Int) {
        self.m = m; self.v = v; self.step = step
    }
}
