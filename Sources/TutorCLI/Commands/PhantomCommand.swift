import ArgumentParser
import Foundation
import Phantom
import Volumes

/// `tutor phantom --out DIR --count N --seed S`: synthetic chest CTs with tumours, masks and boxes.
struct PhantomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Make synthetic chest CTs with lung tumours, their masks and their boxes.",
        discussion: """
        Each case goes to DIR/case_XXXX/: ct.nii.gz (int16 HU, 512×512, 0.6–0.9 mm pixels, 1–5 mm \
        slices), label.nii.gz (uint8, 1 on every voxel a tumour fills at least half of), boxes.json (tight axial boxes, one per \
        slice per tumour), boxes_human.json (the same drawn as a person would: up to 3 mm loose, \
        shifted, now and then a slice left out) and phantom.json (what the case holds). The same \
        seed always makes the same cases. See Docs/phantom.md.
        """)

    @Option(help: "The folder to write the cases into (made if absent; cases already there are replaced).")
    var out: String

    @Option(help: "How many cases to make.")
    var count: Int = 10

    @Option(help: "The series seed: the same seed makes the same cases.")
    var seed: UInt64 = 1

    @Option(help: "The index of the first case (to add cases to a series).")
    var first: Int = 0

    @Flag(help: "Make lung1-like cases: tumours 8–20 mm across (mostly solid, most against the chest wall, the mediastinum or a vessel, up to 3 a case) on 3 or 5 mm slices.")
    var smallThick = false

    @Flag(help: "Give the diaphragm one to four round humps (lobulations) on its domes, as many patients have; on thick slices their tops look like nodules. Without it the series is the one made before this option existed.")
    var lobulatedDiaphragm = false

    @Flag(help: "Add lobar pulmonary arteries and inferior pulmonary veins about a centimetre across, running from the hila and the left atrium into the lower lobes, as real chests have; on thick slices they look like nodules. Without it the series is the one made before this option existed.")
    var lobarVessels = false

    @Option(help: "How many cases to make at once (one core each).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        guard count > 0 else { throw TutorError("--count must be at least 1 (got \(count)).") }
        guard first >= 0 else { throw TutorError("--first must not be negative (got \(first)).") }
        guard jobs > 0 else { throw TutorError("--jobs must be at least 1 (got \(jobs)).") }
        let start = Date()
        try PhantomWriter.write(count: count, first: first, seed: seed, to: out,
                                 options: PhantomOptions(smallThick: smallThick, lobulatedDiaphragm: lobulatedDiaphragm,
                                                          lobarVessels: lobarVessels), jobs: jobs) { name in
            print("\(name)  \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
            fflush(stdout)   // progress shows as it happens, also when piped to a log
        }
        print("wrote \(count) case\(count == 1 ? "" : "s") to \(out)")
    }
}
