import Foundation
import Volumes

/// Batch-1 training with gradient accumulation (the paper: batch 1, virtually 8): each `train`
/// call runs forward, Dice loss and backward on one sample, and every `virtualBatch`-th call
/// takes an Adam step on the averaged gradients and zeroes them.
public final class Trainer {
    public let net: UNet3D
    public let optimizer: Adam
    public let virtualBatch: Int
    /// What `train` minimises (the paper's soft Dice by default).
    public var loss: TrainingLoss = .dice
    /// Samples accumulated since the last optimiser step.
    public private(set) var pending = 0
    /// The rate a decaying schedule starts from (the optimiser's own rate falls below it).
    public private(set) var baseLearningRate: Float

    public init(net: UNet3D, optimizer: Adam? = nil, virtualBatch: Int = 8, loss: TrainingLoss = .dice) {
        self.net = net
        self.optimizer = optimizer ?? Adam(for: net)
        self.baseLearningRate = self.optimizer.learningRate
        self.virtualBatch = max(1, virtualBatch)
        self.loss = loss
        net.zeroGrad()
    }

    /// On resume: switches to the schedule's `learningRateOnResume`, if any, and says so.
    public func applyResumeLearningRate(_ schedule: TrainingSchedule, progress: (String) -> Void) {
        guard let lr = schedule.learningRateOnResume, lr != baseLearningRate else { return }
        progress("learning rate \(baseLearningRate) → \(lr)")
        optimizer.learningRate = lr
        baseLearningRate = lr
    }

    /// Sets the optimiser's rate for what follows `sample` samples, as the schedule's decay says.
    public func follow(_ schedule: TrainingSchedule, afterSamples sample: Int) {
        optimizer.learningRate = schedule.learningRate(afterSamples: sample, base: baseLearningRate)
    }

    /// Writes how the network is being trained into its `train.recipe` metadata: the optimiser's
    /// actual settings (its base rate; a resumed run keeps its checkpoint's), then `details`. A resumed run
    /// with other settings appends "; then …", so the file keeps its whole history.
    public func recordRecipe(_ details: String) {
        let now = "adam lr \(baseLearningRate), batch 1 x \(virtualBatch), loss \(loss.rawValue), \(details)"
        let before = net.info["train.recipe"] ?? ""
        guard !before.hasSuffix(now) else { return }
        net.info["train.recipe"] = before.isEmpty ? now : "\(before); then \(now)"
    }

    /// One sample: returns its loss (before the update).
    @discardableResult
    public func train(input: Tensor, target: Tensor) throws -> Double {
        let p = try net.forward(input, training: true)
        guard p.shape == target.shape else {
            throw TutorError("the training target has shape \(target.shape) but the network outputs \(p.shape).")
        }
        let (loss, grad) = self.loss.evaluate(prediction: p, target: target)
        try net.backward(grad)
        pending += 1
        if pending == virtualBatch { flush() }
        return loss
    }

    /// Takes a step on whatever has been accumulated (e.g. at the end of an epoch).
    public func flush() {
        guard pending > 0 else { return }
        optimizer.step(net, accumulated: pending)
        net.zeroGrad()
        pending = 0
    }

    /// Saves weights, Adam moments (`optim.m.NAME`, `optim.v.NAME`) and the step count
    /// (metadata `optim.step`, `optim.lr`) atomically; pending gradients are not saved.
    public func saveCheckpoint(to url: URL) throws {
        var file = net.weightsFile()
        var offset = 0
        for (name, shape) in net.config.parameterShapes {
            let count = shape.reduce(1, *)
            file.tensors["optim.m.\(name)"] = Tensor(shape: shape, values: Array(optimizer.m[offset..<(offset + count)]))
            file.tensors["optim.v.\(name)"] = Tensor(shape: shape, values: Array(optimizer.v[offset..<(offset + count)]))
            offset += count
        }
        file.metadata["optim.step"] = String(optimizer.step)
        file.metadata["optim.lr"] = String(optimizer.learningRate)
        file.metadata["optim.lr_base"] = String(baseLearningRate)
        file.metadata["optim.virtual_batch"] = String(virtualBatch)
        try file.write(to: url)
    }

    /// Resumes from a checkpoint written by `saveCheckpoint`: network, moments and step.
    public convenience init(checkpoint url: URL) throws {
        let file = try SafetensorsFile(contentsOf: url)
        let net = try UNet3D(file: file, name: url.path)
        guard let stepText = file.metadata["optim.step"], let step = Int(stepText), step >= 0,
              let lr = file.metadata["optim.lr"].flatMap(Float.init) else {
            throw TutorError("\(url.path) is a weights file, not a checkpoint: metadata 'optim.step' or 'optim.lr' is missing.")
        }
        var m: [Float] = [], v: [Float] = []
        for (name, shape) in net.config.parameterShapes {
            for (prefix, target) in [("optim.m.", 0), ("optim.v.", 1)] {
                guard let t = file.tensors[prefix + name], t.shape == shape else {
                    throw TutorError("\(url.path): checkpoint tensor '\(prefix + name)' is missing or has the wrong shape.")
                }
                if target == 0 { m += t.values } else { v += t.values }
            }
        }
        let optimizer = Adam(for: net, learningRate: lr)
        optimizer.restore(m: m, v: v, step: step)
        self.init(net: net, optimizer: optimizer, virtualBatch: file.metadata["optim.virtual_batch"].flatMap(Int.init) ?? 8)
        baseLearningRate = file.metadata["optim.lr_base"].flatMap(Float.init) ?? lr
    }
}
