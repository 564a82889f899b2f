import Foundation
import Volumes
import TestSupport
import XCTest
@testable import Network

/// Training end to end: Adam, accumulation, checkpoints, and a tiny UNet that learns a task.
final class TrainingTests: XCTestCase {
    /// A 16³ case: channel 0 a noisy volume with two bright spheres, channel 1 the box around one
    /// of them; the target is that sphere alone (so the network must use the box).
    private func sphereCase(_ rng: inout SeededGenerator) -> (Tensor, Tensor) {
        let s = 16
        func sphere() -> (Double, Double, Double, Double) {
            (Double.random(in: 5..<11, using: &rng), Double.random(in: 5..<11, using: &rng),
             Double.random(in: 5..<11, using: &rng), Double.random(in: 2.5..<4.5, using: &rng))
        }
        let (a, b, c, r) = sphere()
        // The distractor sits in the opposite corner region so the two do not touch.
        let (a2, b2, c2) = (a < 8 ? a + 6 : a - 6, b < 8 ? b + 6 : b - 6, c < 8 ? c + 6 : c - 6)
        var x = [Float](repeating: 0, count: 2 * s * s * s), g = [Float](repeating: 0, count: s * s * s)
        for i in 0..<s { for j in 0..<s { for k in 0..<s {
            let v = (i * s + j) * s + k
            let inside = pow(Double(i) - a, 2) + pow(Double(j) - b, 2) + pow(Double(k) - c, 2) <= r * r
            let other = pow(Double(i) - a2, 2) + pow(Double(j) - b2, 2) + pow(Double(k) - c2, 2) <= 2.5 * 2.5
            x[v] = Float((inside || other ? 1 : 0) + 0.1 * rng.normal())
            let inBox = abs(Double(i) - a) <= r + 1 && abs(Double(j) - b) <= r + 1 && abs(Double(k) - c) <= r + 1
            x[s * s * s + v] = inBox ? 1 : 0
            g[v] = inside ? 1 : 0
        }}}
        return (Tensor(shape: [1, 2, s, s, s], values: x), Tensor(shape: [1, 1, s, s, s], values: g))
    }

    func testTinyUNetLearnsTheSphereInTheBox() throws {
        #if DEBUG
        throw XCTSkip("the training run is sized for a release build (swift test -c release -Xswiftc -enable-testing)")
        #endif
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [8, 16]), seed: 3)
        let trainer = Trainer(net: net, optimizer: Adam(for: net, learningRate: 3e-3), virtualBatch: 2)
        var rng = SeededGenerator(seed: 7)
        let validation = (0..<4).map { _ in sphereCase(&rng) }
        func meanDice() throws -> Double {
            try validation.reduce(0) { $0 + DiceLoss.coefficient(prediction: try net.forward($1.0), target: $1.1) } / Double(validation.count)
        }
        let start = Date()
        var dice = try meanDice()
        let initial = dice
        var steps = 0
        while dice < 0.95 && steps < 1200 && Date().timeIntervalSince(start) < 50 {
            for _ in 0..<20 {
                let (x, g) = sphereCase(&rng)
                try trainer.train(input: x, target: g)
                steps += 1
            }
            dice = try meanDice()
        }
        print("sphere task: Dice \(initial) → \(dice) after \(steps) samples in \(Date().timeIntervalSince(start)) s")
        XCTAssertGreaterThanOrEqual(dice, 0.95, "after \(steps) samples")
    }

    func testAdamStepMatchesTheFormulaAndAveragesAccumulatedGradients() {
        let net = UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2]), seed: 1)
        let before = net.weightsFile().tensors["head.bias"]!.values[0]
        let o = net.graph.offsets["head.bias"]!
        net.graph.grads.pointer[o] = 6   // two samples' worth: averaged to 3
        let adam = Adam(for: net, learningRate: 0.01)
        adam.step(net, accumulated: 2)
        // First step: m̂ = g, v̂ = g², so θ moves by lr · g / (|g| + ε).
        let after = net.weightsFile().tensors["head.bias"]!.values[0]
        XCTAssertEqual(after, before - 0.01 * 3 / (3 + 1e-8), accuracy: 1e-7)
        XCTAssertEqual(adam.step, 1)
        // A parameter with zero gradient does not move.
        XCTAssertEqual(net.weightsFile().tensors["head.weight"], UNet3D(config: net.config, seed: 1).weightsFile().tensors["head.weight"])
    }

    func testCheckpointResumesModelAndOptimiser() throws {
        let dir = try temporaryFolder(self)
        var rng = SeededGenerator(seed: 5)
        let cases = (0..<6).map { _ in sphereCase(&rng) }
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]), seed: 9)
        let trainer = Trainer(net: net, optimizer: Adam(for: net, learningRate: 1e-3), virtualBatch: 2)
        for (x, g) in cases.prefix(4) { try trainer.train(input: x, target: g) }
        let url = dir.appendingPathComponent("ckpt.safetensors")
        try trainer.saveCheckpoint(to: url)
        let resumed = try Trainer(checkpoint: url)
        XCTAssertEqual(resumed.optimizer.step, 2)
        XCTAssertEqual(resumed.virtualBatch, 2)
        XCTAssertEqual(resumed.optimizer.m, trainer.optimizer.m)
        XCTAssertEqual(resumed.optimizer.v, trainer.optimizer.v)
        for (x, g) in cases.suffix(2) {
            try trainer.train(input: x, target: g)
            try resumed.train(input: x, target: g)
        }
        let a = trainer.net.weightsFile().tensors, b = resumed.net.weightsFile().tensors
        for (name, t) in a {
            // Workers sum their partial gradients in whatever order they finish: equal to rounding.
            XCTAssertLessThan(relativeError(b[name]!.values, t.values), 1e-5, name)
        }
        // A checkpoint is also a weights file.
        XCTAssertEqual(try UNet3D(contentsOf: url).config, net.config)
        // A plain weights file is not a checkpoint.
        try net.save(to: dir.appendingPathComponent("w.safetensors"))
        XCTAssertThrowsError(try Trainer(checkpoint: dir.appendingPathComponent("w.safetensors")))
    }

    /// A resumed run keeps the checkpoint's learning rate unless the schedule names a new one.
    func testResumeKeepsOrReplacesTheLearningRate() throws {
        let dir = try temporaryFolder(self)
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]), seed: 9)
        let url = dir.appendingPathComponent("ckpt.safetensors")
        try Trainer(net: net, optimizer: Adam(for: net, learningRate: 1e-3)).saveCheckpoint(to: url)
        var said: [String] = []
        let kept = try Trainer(checkpoint: url)
        kept.applyResumeLearningRate(TrainingSchedule(), progress: { said.append($0) })
        XCTAssertEqual(kept.optimizer.learningRate, 1e-3)
        XCTAssertEqual(said, [])
        var fineTune = TrainingSchedule()
        fineTune.learningRateOnResume = 1e-4
        let changed = try Trainer(checkpoint: url)
        changed.applyResumeLearningRate(fineTune, progress: { said.append($0) })
        XCTAssertEqual(changed.optimizer.learningRate, 1e-4)
        XCTAssertEqual(said, ["learning rate 0.001 → 0.0001"])
    }

    /// The recipe in the metadata is the optimiser's actual one and keeps a resumed run's history.
    func testRecipeRecordsActualSettingsAndHistory() {
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]), seed: 9)
        let trainer = Trainer(net: net, optimizer: Adam(for: net, learningRate: 1e-3), virtualBatch: 4, loss: .diceCrossEntropy)
        trainer.recordRecipe("crop 64")
        trainer.recordRecipe("crop 64")
        XCTAssertEqual(net.info["train.recipe"], "adam lr 0.001, batch 1 x 4, loss dice+ce, crop 64")
        var fineTune = TrainingSchedule()
        fineTune.learningRateOnResume = 3e-4
        trainer.applyResumeLearningRate(fineTune, progress: { _ in })
        trainer.recordRecipe("crop 64")
        XCTAssertEqual(net.info["train.recipe"],
                       "adam lr 0.001, batch 1 x 4, loss dice+ce, crop 64; then adam lr 0.0003, batch 1 x 4, loss dice+ce, crop 64")
    }

    /// nnU-Net's poly decay: the base rate at the start, (1 − s/max)^0.9 of it on the way, zero at
    /// the end; a checkpoint taken half-way resumes from the same base, not from the decayed rate.
    func testPolyDecayFallsToZeroAndResumesFromItsBase() throws {
        var schedule = TrainingSchedule()
        schedule.maxSamples = 1000
        XCTAssertEqual(schedule.learningRate(afterSamples: 500, base: 0.002), 0.002, "constant by default")
        schedule.decay = .poly
        XCTAssertEqual(schedule.learningRate(afterSamples: 0, base: 0.002), 0.002)
        XCTAssertEqual(schedule.learningRate(afterSamples: 500, base: 0.002), 0.002 * Float(pow(0.5, 0.9)), accuracy: 1e-9)
        XCTAssertEqual(schedule.learningRate(afterSamples: 1000, base: 0.002), 0)
        XCTAssertEqual(schedule.learningRate(afterSamples: 1200, base: 0.002), 0, "never negative")
        let rates = stride(from: 0, through: 1000, by: 100).map { schedule.learningRate(afterSamples: $0, base: 0.002) }
        XCTAssertEqual(rates, rates.sorted(by: >), "falls monotonically")

        let dir = try temporaryFolder(self)
        let net = UNet3D(config: UNetConfig(inChannels: 2, outChannels: 1, channels: [4, 8]), seed: 9)
        let trainer = Trainer(net: net, optimizer: Adam(for: net, learningRate: 0.002))
        trainer.follow(schedule, afterSamples: 750)
        XCTAssertEqual(trainer.optimizer.learningRate, 0.002 * Float(pow(0.25, 0.9)), accuracy: 1e-9)
        let url = dir.appendingPathComponent("ckpt.safetensors")
        try trainer.saveCheckpoint(to: url)
        let resumed = try Trainer(checkpoint: url)
        XCTAssertEqual(resumed.baseLearningRate, 0.002)
        var said: [String] = []
        var sameRate = schedule
        sameRate.learningRateOnResume = 0.002
        resumed.applyResumeLearningRate(sameRate, progress: { said.append($0) })
        XCTAssertEqual(said, [], "the base rate given again is no change, though the optimiser's rate has decayed")
        resumed.follow(schedule, afterSamples: 900)
        XCTAssertEqual(resumed.optimizer.learningRate, 0.002 * Float(pow(0.1, 0.9)), accuracy: 1e-9)
        XCTAssertEqual(schedule.decayDescription, "poly lr decay to sample 1000, ")
    }
}
