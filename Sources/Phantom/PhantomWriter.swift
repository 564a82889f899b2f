import Foundation
import Volumes

/// Writes phantom cases to disk: `DIR/case_XXXX/{ct.nii.gz, label.nii.gz, boxes.json, boxes_human.json,
/// phantom.json}`. Each case is written into a hidden temporary folder first and renamed into place,
/// so a case folder is either complete or absent.
public enum PhantomWriter {
    /// The folder name of case `index`.
    public static func caseName(_ index: Int) -> String { String(format: "case_%04d", index) }

    /// Makes and writes cases `first ..< first + count` of series `seed`, `jobs` at a time;
    /// `progress` is called (serially) with each finished case's name.
    public static func write(count: Int, first: Int = 0, seed: UInt64, to dir: String,
                             options: PhantomOptions = PhantomOptions(), jobs: Int = 2,
                             progress: @escaping @Sendable (String) -> Void = { _ in }) throws {
        let fm = FileManager.default
        do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw TutorError("cannot create the output folder \(dir): \(error.localizedDescription)")
        }
        let failures = Failures()
        let indices = Array(first..<(first + count))
        let lanes = max(1, min(jobs, count))
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in indices where (index - first) % lanes == lane && failures.first == nil {
                do {
                    try writeCase(PhantomCase.generate(seed: seed, index: index, options: options), named: caseName(index), in: dir)
                    progress(caseName(index))
                } catch { failures.record(error) }
            }
        }
        if let error = failures.first { throw error }
    }

    /// Writes one case's files into `dir/name/`, replacing a previous one.
    public static func writeCase(_ c: PhantomCase, named name: String, in dir: String) throws {
        let fm = FileManager.default
        let final = (dir as NSString).appendingPathComponent(name)
        let temp = (dir as NSString).appendingPathComponent(".\(name).partial")
        try? fm.removeItem(atPath: temp)
        do {
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: false)
            try NIfTI.write(c.ct, to: temp + "/ct.nii.gz", datatype: .int16)
            try NIfTI.write(c.label, to: temp + "/label.nii.gz", datatype: .uint8)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(BoxFile(image: "ct.nii.gz", boxes: c.boxes)).write(to: URL(fileURLWithPath: temp + "/boxes.json"))
            try encoder.encode(BoxFile(image: "ct.nii.gz", boxes: c.humanBoxes)).write(to: URL(fileURLWithPath: temp + "/boxes_human.json"))
            try encoder.encode(c.info).write(to: URL(fileURLWithPath: temp + "/phantom.json"))
            try? fm.removeItem(atPath: final)
            try fm.moveItem(atPath: temp, toPath: final)
        } catch let error as TutorError {
            try? fm.removeItem(atPath: temp)
            throw error
        } catch {
            try? fm.removeItem(atPath: temp)
            throw TutorError("cannot write phantom case \(final): \(error.localizedDescription)")
        }
    }
}

/// The first error raised by any of several parallel jobs.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var error: Error?
    var first: Error? { lock.lock(); defer { lock.unlock() }; return error }
    func record(_ e: Error) { lock.lock(); if error == nil { error = e }; lock.unlock() }
}
