import Foundation

/// How long and how fast a training run goes — the same for teachers and students (the paper's
/// recipe by default: Adam 1e-4, batch 1 accumulated to 8, stop when validation DSC stops improving).
public struct TrainingSchedule: Sendable, Equatable {
    public var learningRate: Float = 1e-4
    /// A learning rate that replaces a resumed checkpoint's (nil: go on with the checkpoint's),
    /// e.g. to fine-tune at a tenth of the rate a run started with.
    public var learningRateOnResume: Float? = nil
    /// Samples whose gradients are accumulated before each Adam step.
    public var virtualBatch = 8
    /// Stop after this many samples (forward + backward passes) at most…
    public var maxSamples = 4000
    /// …or after this many minutes of wall time…
    public var maxMinutes = 60.0
    /// …or when validation DSC has not improved for this many validations.
    public var patience = 8
    /// Validate and checkpoint every this many samples.
    public var validateEvery = 80
    public var seed: UInt64 = 1
    public var loss: TrainingLoss = .dice
    /// How the learning rate moves over the run (constant by default, as the paper).
    public var decay: LearningRateDecay = .constant
    public init() {}

    /// The learning rate for the samples after the first `sample`, from the run's base rate.
    /// `.poly` is nnU-Net's schedule, base·(1 − sample/maxSamples)^0.9: it reaches zero at
    /// `maxSamples`, so the last weights are settled ones and no noisy validation has to pick
    /// among checkpoints. It follows samples, not minutes: a run stopped by `maxMinutes` ends
    /// before its rate has fallen.
    public func learningRate(afterSamples sample: Int, base: Float) -> Float {
        switch decay {
        case .constant: return base
        case .poly:
            let left = max(0, 1 - Double(sample) / Double(max(maxSamples, 1)))
            return base * Float(pow(left, 0.9))
        }
    }
}

extension TrainingSchedule {
    /// For a weights file's recipe: "" for a constant rate, else how it decays.
    public var decayDescription: String {
        decay == .constant ? "" : "\(decay.rawValue) lr decay to sample \(maxSamples), "
    }
}

/// See `TrainingSchedule.learningRate(afterSamples:base:)`.
public enum LearningRateDecay: String, Sendable, CaseIterable {
    case constant, poly
}
