import ArgumentParser
import Foundation
import Network
import Volumes

/// `tutor bench teacher`: median time of the teacher network's forward pass (and training step).
struct BenchTeacher: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teacher",
        abstract: "Time the teacher UNet3D's forward pass (and, with --train, a training step) on random data.",
        discussion: """
        Builds a He-initialised network, runs one warm-up pass, then reports the median of \
        --runs passes. A training step is a forward pass that keeps its activations, the Dice \
        loss, the backward pass and an Adam update; with --train the timed forward passes and \
        training steps alternate, and the step/forward ratio is the median of each pair's, so a \
        drift in the machine's speed touches both alike. Peak memory (VmHWM) is taken separately \
        over forward passes and over training steps, before the timed runs. Besides wall time it reports the median \
        CPU seconds of a pass (all threads), which other processes disturb far less: compare \
        builds on CPU seconds when the machine is busy. TUTOR_CONV=im2col turns the Winograd \
        convolution off, to compare the two; TUTOR_CONV=f23 keeps F(2,3) where F(4,3) would run; TUTOR_KERNELS=blas keeps OpenBLAS for the narrow \
        products that tutor's own AVX2 kernels take by default on CPUs without AVX-512 \
        (TUTOR_KERNELS=avx2 forces them on).
        """
    )

    @Option(name: .long, help: "Channels per level, top level first.")
    var channels: String = "16,32,64,128"

    @Option(name: .long, help: "Input channels (2 for the box-guided teacher).")
    var inChannels: Int = 2

    @Option(name: .long, help: "Edge length of the cubic input.")
    var size: Int = 128

    @Option(name: .long, help: "Worker threads (default: every core).")
    var threads: Int?

    @Option(name: .long, help: "Timed runs; the median is reported.")
    var runs: Int = 5

    @Flag(name: .long, help: "Also time training steps.")
    var train = false

    @Flag(name: .long, help: "Print one JSON line instead of text.")
    var json = false

    @Flag(name: .long, help: "Also print the time of each layer in the timed passes (forward, and with --train the training forward and backward), in ms per pass.")
    var layers = false

    func run() throws {
        let list = try parseChannels(channels)
        guard runs > 0, size > 0, inChannels > 0 else { throw TutorError("--runs, --size and --in-channels must be positive.") }
        if let threads { Engine.threads = threads }
        let config = UNetConfig(inChannels: inChannels, outChannels: 1, channels: list)
        let net = UNet3D(config: config, seed: 1)
        var rng = SeededGenerator(seed: 2)
        let shape = [1, inChannels, size, size, size]
        let x = Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
        _ = try config.inputDims(shape, name: "--size \(size)")

        // Wall time, and the process's CPU time (all threads), which other processes on a busy
        // machine disturb far less: compare engines on CPU seconds when the load is not zero.
        func timed(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
            let t = Date(), c = processCPUSeconds()
            try body()
            return (Date().timeIntervalSince(t), processCPUSeconds() - c)
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let forwardPass = { _ = try net.forward(x) }
        // Peaks first, each over a warm-up and one pass of its own kind (the pool keeps a training
        // step's blocks, so a forward pass after one would report the training peak).
        resetPeakResident()
        try forwardPass(); try forwardPass()
        let peak = peakResidentMegabytes()
        var trainPass: (() throws -> Void)?, trainPeak: Double?
        if train {
            let target = Tensor(shape: [1, 1, size, size, size],
                                values: (0..<(size * size * size)).map { Float(($0 / 7) % 2) })
            let trainer = Trainer(net: net, virtualBatch: 1)
            trainPass = { try trainer.train(input: x, target: target) }
            resetPeakResident()
            try trainPass?(); try trainPass?()
            trainPeak = peakResidentMegabytes()
        }
        // Then the timed runs, a forward pass and a training step in turn, so that both see the
        // same state of a machine whose speed drifts; the ratio is the median of each pair's.
        var forwards: [(wall: Double, cpu: Double)] = [], steps: [Double] = []
        let clock = layers ? LayerClock() : nil
        net.layerClock = clock
        for _ in 0..<runs {
            forwards.append(try timed(forwardPass))
            if let trainPass { steps.append(try timed(trainPass).wall) }
        }
        net.layerClock = nil
        let forward = median(forwards.map(\.wall)), forwardCPU = median(forwards.map(\.cpu))
        let trainStep = steps.isEmpty ? nil : median(steps)
        let stepRatio = steps.isEmpty ? nil : median(zip(steps, forwards).map { $0 / $1.wall })
        let gflop = config.flops(input: Dims(size, size, size)) / 1e9
        if json {
            var fields = [
                "\"channels\":\"\(list.map(String.init).joined(separator: ","))\"", "\"size\":\(size)",
                "\"threads\":\(Engine.threads)", "\"runs\":\(runs)", "\"blas_core\":\"\(Engine.blasCore)\"", "\"own_kernels\":\(Engine.ownKernels)",
                "\"median_s\":\(fmt(forward, 4))", "\"cpu_s\":\(fmt(forwardCPU, 4))", "\"gflop\":\(fmt(gflop, 2))",
                "\"gflops_per_s\":\(fmt(gflop / forward, 1))", "\"peak_rss_mb\":\(fmt(peak, 0))",
            ]
            if let trainStep, let trainPeak, let stepRatio {
                fields += ["\"train_median_s\":\(fmt(trainStep, 4))", "\"train_over_forward\":\(fmt(stepRatio, 2))",
                           "\"train_peak_rss_mb\":\(fmt(trainPeak, 0))"]
            }
            print("{\(fields.joined(separator: ","))}")
        } else {
            print("UNet3D channels \(channels), \(inChannels) input channels, \(size)³, \(Engine.threads) threads (OpenBLAS \(Engine.blasCore) kernels\(Engine.ownKernels ? ", tutor's AVX2 kernels for the narrow products" : "")), median of \(runs)")
            print("forward:  \(fmt(forward, 3)) s, \(fmt(forwardCPU, 3)) s of CPU  (\(fmt(gflop, 1)) GFLOP, \(fmt(gflop / forward, 1)) GFLOP/s)")
            print("peak RSS: \(fmt(peak, 0)) MB")
            if let trainStep, let trainPeak, let stepRatio {
                print("training step: \(fmt(trainStep, 3)) s  (\(fmt(stepRatio, 2))× forward), peak RSS \(fmt(trainPeak, 0)) MB")
            }
            if let clock { printLayers(clock) }
        }
    }

    /// One row per layer: ms per pass forward, in the training forward, backward, and backward
    /// over forward.
    private func printLayers(_ clock: LayerClock) {
        let ms = { (v: Double?) in v.map { fmt($0 * 1000 / Double(runs), 1) } ?? "-" }
        print("layer            forward  train-fwd   backward  bwd/fwd")
        var total: [LayerClock.Pass: Double] = [:]
        for layer in clock.layers {
            let t = clock.seconds[layer] ?? [:]
            for (pass, v) in t { total[pass, default: 0] += v }
            let ratio = t[.backward].flatMap { b in t[.forward].map { fmt(b / $0, 2) } } ?? "-"
            print(layer.padding(toLength: 14, withPad: " ", startingAt: 0) + [ms(t[.forward]), ms(t[.training]), ms(t[.backward]), ratio]
                .map { $0.leftPadded(to: 10) }.joined(separator: " "))
        }
        print("all layers    " + [ms(total[.forward]), ms(total[.training]), ms(total[.backward])].map { $0.leftPadded(to: 10) }.joined(separator: " "))
    }

    /// CPU seconds used by this process so far, all threads together.
    private func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private func fmt(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }

    /// Starts a new peak-memory window (Linux: writing 5 to clear_refs resets VmHWM to VmRSS).
    private func resetPeakResident() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// VmHWM from /proc/self/status, in MB (0 where there is no /proc).
    private func peakResidentMegabytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
