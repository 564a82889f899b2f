import Foundation
import Volumes

/// One line of a training log (`train-log.csv`): samples seen, wall seconds, the mean loss since
/// the last line, and the validation DSC (nil without validation cases).
public struct TrainingLogLine: Sendable {
    public var samples: Int, seconds: Double, loss: Double, validationDSC: Double?
    public init(samples: Int, seconds: Double, loss: Double, validationDSC: Double?) {
        self.samples = samples; self.seconds = seconds; self.loss = loss; self.validationDSC = validationDSC
    }
}

/// What the teacher's and the students' training loops do at each validation: keep the best
/// score, write the checkpoint (weights + Adam state), keep the best weights, append the log line,
/// print the progress line with its ETA, and say whether a stopping rule has fired.
public struct TrainingBook {
    /// The checkpoint's and the log's file names in a training folder.
    public static let checkpointName = "checkpoint.safetensors", logName = "train-log.csv"
    public let checkpointURL: URL, bestURL: URL, logURL: URL
    let schedule: TrainingSchedule
    /// The best validation DSC so far (−1 before the first), and validations since it improved.
    public private(set) var best: Double, stale = 0
    /// The sample count this process started at, for the time per sample.
    let firstSample: Int

    /// `weightsName` is the best weights' file name in `folder` (e.g. `teacher-box.safetensors`).
    public init(folder: URL, weightsName: String, schedule: TrainingSchedule, best: Double = -1, firstSample: Int) {
        checkpointURL = folder.appendingPathComponent(TrainingBook.checkpointName)
        bestURL = folder.appendingPathComponent(weightsName)
        logURL = folder.appendingPathComponent(TrainingBook.logName)
        self.schedule = schedule; self.best = best; self.firstSample = firstSample
    }

    /// The samples `net` has trained for (its `train.samples`, written at each validation; 0 if
    /// none), refusing a run that would train nothing: `--samples` counts from the start of
    /// training, so weights from `source` (a checkpoint to resume, or `--init` weights) that have
    /// seen as many need more. Without this such a run wrote its starting weights back as "best".
    public static func samplesSoFar(of net: UNet3D, from source: URL, schedule: TrainingSchedule) throws -> Int {
        let samples = Int(net.info["train.samples"] ?? "") ?? 0
        guard samples < schedule.maxSamples else {
            throw TutorError("\(source.path) has trained for \(samples) samples already and --samples is \(schedule.maxSamples); --samples counts from the start of training, so ask for more than \(samples).")
        }
        return samples
    }

    /// Starts `train-log.csv` with its header (a new run; a resumed one appends).
    public func startLog() throws {
        try "samples,seconds,loss,validation_dsc\n".write(to: logURL, atomically: true, encoding: .utf8)
    }

    /// Books one validation; true when training should stop (patience spent, or `outOfTime`).
    public mutating func record(_ line: TrainingLogLine, trainer: Trainer, outOfTime: Bool,
                                progress: (String) -> Void) throws -> Bool {
        // Without validation cases nothing is judged: no best score, and only --samples and
        // --minutes stop the run (patience used to count every check as "not improved").
        let improved = line.validationDSC.map { $0 > best } ?? false
        if let dsc = line.validationDSC { if improved { best = dsc; stale = 0 } else { stale += 1 } }
        trainer.net.info["train.samples"] = String(line.samples)
        if best >= 0 { trainer.net.info["train.best_dsc"] = String(best) }
        try trainer.saveCheckpoint(to: checkpointURL)
        // Without validation cases every checkpoint's weights are "the best".
        if improved || line.validationDSC == nil { try trainer.net.save(to: bestURL) }
        try append(line)
        let perSample = line.seconds / Double(max(line.samples - firstSample, 1))
        let eta = min(Double(schedule.maxSamples - line.samples) * perSample, schedule.maxMinutes * 60 - line.seconds)
        progress(String(format: "sample %d/%d  loss %.3f  val DSC %@  best %@  %.2f s/sample  ETA %@",
                        line.samples, schedule.maxSamples, line.loss, line.validationDSC.map { String(format: "%.3f", $0) } ?? "-",
                        best >= 0 ? String(format: "%.3f", best) : "-", perSample, formatDuration(eta)))
        if stale >= schedule.patience { progress("validation DSC has not improved for \(stale) checks: stopping"); return true }
        if outOfTime { progress("time budget of \(schedule.maxMinutes) min reached: stopping"); return true }
        return false
    }

    /// The loop the teacher's and the students' training share: from sample `first` to the
    /// schedule's end, one `step` (input, target) per sample with the learning rate the schedule
    /// gives; every `validateEvery` samples, at the end, and as soon as the time is up (checked
    /// after every sample, so a run ends within a sample of its budget), the mean loss since the
    /// last line and `validate`'s DSC (none without validation cases) are booked (`record`),
    /// which may stop the run early. Returns the log lines of this run.
    public mutating func run(_ trainer: Trainer, from first: Int, progress: (String) -> Void,
                             step: () throws -> (Tensor, Tensor), validate: (() throws -> Double)?) throws -> [TrainingLogLine] {
        var samples = first
        var lines: [TrainingLogLine] = [], recentLoss: [Double] = []
        let start = Date()
        while samples < schedule.maxSamples {
            let (x, y) = try step()
            trainer.follow(schedule, afterSamples: samples)
            recentLoss.append(try trainer.train(input: x, target: y))
            samples += 1
            let elapsed = Date().timeIntervalSince(start)
            let outOfTime = elapsed > schedule.maxMinutes * 60
            guard samples % schedule.validateEvery == 0 || samples == schedule.maxSamples || outOfTime else { continue }
            trainer.flush()
            let line = TrainingLogLine(samples: samples, seconds: elapsed, loss: recentLoss.reduce(0, +) / Double(recentLoss.count),
                                       validationDSC: try validate?())
            recentLoss.removeAll()
            lines.append(line)
            if try record(line, trainer: trainer, outOfTime: outOfTime, progress: progress) { break }
        }
        return lines
    }

    private func append(_ line: TrainingLogLine) throws {
        let text = String(format: "%d,%.1f,%.5f,%@\n", line.samples, line.seconds, line.loss,
                          line.validationDSC.map { String(format: "%.5f", $0) } ?? "")
        let handle = try FileHandle(forWritingTo: logURL)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}

/// "1 h 05 min", "12 min 30 s", "45 s".
public func formatDuration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds))
    if s >= 3600 { return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%d min %02d s", s / 60, s % 60) }
    return "\(s) s"
}
