import ArgumentParser
import Foundation
import Volumes
import Workbench

/// `tutor bench tui [CT]`: frame composition time and bytes per slice step of the workbench.
struct BenchTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Time to compose a workbench frame and bytes sent per slice step (goals: ≤ 5 ms, ≤ 64 KB at 200×60).",
        discussion: """
        Steps between two slices of CT (a NIfTI file; without one, a synthetic 512×512×64 volume) with \
        boxes and a mask on screen, in each colour mode, and prints a Markdown table. Build with \
        -c release for figures worth quoting.
        """
    )

    @Argument(help: "A CT volume (.nii.gz); optional.")
    var ct: String?

    @Option(help: "Terminal size in cells, WIDTHxHEIGHT.")
    var size = "200x60"

    @Option(help: "Slice steps to time per colour mode.")
    var frames = 200

    func run() throws {
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts[0] >= 80, parts[1] >= 24 else {
            throw TutorError("--size \(size) is not WIDTHxHEIGHT of at least 80x24.")
        }
        guard frames >= 20 else { throw TutorError("--frames must be at least 20.") }
        let image = try ct.map { try NIfTI.read($0) } ?? synthetic()
        let rows = FrameBenchmark.run(image: image, width: parts[0], height: parts[1], frames: frames)
        print("image \(ct ?? "synthetic") \(image.size), terminal \(parts[0])×\(parts[1]), \(frames) slice steps per mode, "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("| mode | compose median (ms) | compose p95 (ms) | encode median (ms) | bytes per slice step | full redraw bytes (reference) | step / full |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for r in rows {
            print(String(format: "| %@ | %.2f | %.2f | %.2f | %d | %d | %.2f |", r.mode.rawValue, r.composeMedian, r.composeP95,
                         r.encodeMedian, r.stepBytes, r.fullBytes, Double(r.stepBytes) / Double(r.fullBytes)))
        }
    }

    /// A chest-like synthetic CT: body ellipse, two lungs, noise; 0.7 × 0.7 × 5 mm.
    func synthetic() -> Volume {
        var v = Volume(size: GridSize(512, 512, 64), spacing: SIMD3(0.7, 0.7, 5))
        var seed: UInt64 = 6
        for k in 0..<64 { for j in 0..<512 { for i in 0..<512 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let noise = Float(Int(seed >> 58)) - 32
            let x = (Double(i) - 255.5) / 230, y = (Double(j) - 255.5) / 180
            let lung = pow((abs(Double(i) - 255.5) - 110) / 80, 2) + pow((Double(j) - 255.5) / 130, 2) <= 1
            v[i, j, k] = (x * x + y * y > 1 ? -1000 : lung ? -850 : 40) + noise
        } } }
        return v
    }
}
