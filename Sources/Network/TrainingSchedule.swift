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
    public init() {}
}
