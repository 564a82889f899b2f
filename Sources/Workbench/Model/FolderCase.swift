import Foundation
import Volumes

/// How volumes reach and leave disk. The CLI passes the NIfTI reader and writer; keeping them
/// behind two closures keeps the workbench free of any one file format.
public struct VolumeFiles: Sendable {
    public var read: @Sendable (URL) throws -> Volume
    /// Writes a 0/1 mask to the path given (which ends in `.nii.gz`).
    public var writeMask: @Sendable (Volume, URL) throws -> Void
    public init(read: @escaping @Sendable (URL) throws -> Volume,
                writeMask: @escaping @Sendable (Volume, URL) throws -> Void) {
        self.read = read; self.writeMask = writeMask
    }
}

/// A case as a plain folder:
///
///     ct.nii.gz         the image (HU), read only
///     boxes.json        the box file of DESIGN.md
///     proposal.nii.gz   the teacher's mask awaiting review
///     label.nii.gz      the accepted mask
///     state.json        {"state": …, "view": {"slice": …, "window": …, "level": …}}
///     .tutor-lock       present while a workbench has the case open (holds its pid)
///
/// Every file is written to a temporary name in the same folder and renamed into place.
public final class FolderCase: CaseSource {
    public let folder: URL
    public let files: VolumeFiles
    public var id: String { folder.lastPathComponent }
    private var ownsLock = false

    public init(folder: URL, files: VolumeFiles) { self.folder = folder; self.files = files }

    var imageURL: URL { folder.appendingPathComponent("ct.nii.gz") }
    var boxesURL: URL { folder.appendingPathComponent("boxes.json") }
    var proposalURL: URL { folder.appendingPathComponent("proposal.nii.gz") }
    var labelURL: URL { folder.appendingPathComponent("label.nii.gz") }
    var stateURL: URL { folder.appendingPathComponent("state.json") }
    var lockURL: URL { folder.appendingPathComponent(".tutor-lock") }

    /// True when `url` is a folder that holds a `ct.nii.gz`.
    public static func isCase(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("ct.nii.gz").path)
    }

    private struct StateFile: Codable {
        var state: CaseState
        var view: ViewPoint?
    }

    public func open() throws -> CaseContents {
        let fm = FileManager.default
        guard fm.fileExists(atPath: imageURL.path) else {
            throw TutorError("\(imageURL.path) is missing: a case folder needs its ct.nii.gz.")
        }
        let image = try files.read(imageURL)
        let boxes = try readBoxes()
        let labelled = fm.fileExists(atPath: labelURL.path)
        let maskURL = labelled ? labelURL : proposalURL
        let mask = fm.fileExists(atPath: maskURL.path) ? try files.read(maskURL) : nil
        if let mask, mask.size != image.size {
            throw TutorError("\(maskURL.path) is \(mask.size) but the image is \(image.size).")
        }
        let stored = try readState()
        let state = stored?.state
            ?? (labelled ? .accepted : mask != nil ? .proposed : boxes.isEmpty ? .unlabelled : .boxed)
        return CaseContents(id: id, image: image, boxes: boxes, proposal: mask, state: state, viewPoint: stored?.view)
    }

    private func readBoxes() throws -> [Box] {
        guard FileManager.default.fileExists(atPath: boxesURL.path) else { return [] }
        do {
            return try JSONDecoder().decode(BoxFile.self, from: Data(contentsOf: boxesURL)).boxes
        } catch {
            throw TutorError("\(boxesURL.path) is not a box file: \(error.localizedDescription)")
        }
    }

    private func readState() throws -> StateFile? {
        guard FileManager.default.fileExists(atPath: stateURL.path) else { return nil }
        do {
            return try JSONDecoder().decode(StateFile.self, from: Data(contentsOf: stateURL))
        } catch {
            throw TutorError("\(stateURL.path) is not a workbench state file: \(error.localizedDescription)")
        }
    }

    private func updateState(_ change: (inout StateFile) -> Void) throws {
        var file = (try? readState()) ?? StateFile(state: .unlabelled, view: nil)
        change(&file)
        try writeAtomically(JSONEncoder().encode(file), to: stateURL)
    }

    public func saveBoxes(_ boxes: [Box]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writeAtomically(encoder.encode(BoxFile(image: "ct.nii.gz", boxes: boxes)), to: boxesURL)
        try updateState { if $0.state == .unlabelled || $0.state == .boxed { $0.state = boxes.isEmpty ? .unlabelled : .boxed } }
    }

    public func saveProposal(_ mask: Volume) throws {
        try writeMaskAtomically(mask, to: proposalURL)
        try updateState { $0.state = .proposed }
    }

    public func accept(_ mask: Volume) throws {
        try writeMaskAtomically(mask, to: labelURL)
        try updateState { $0.state = .accepted }
    }

    public func reject(reason: String) throws {
        try updateState { $0.state = .rejected(reason: reason) }
    }

    public func saveViewPoint(_ point: ViewPoint) throws {
        try updateState { $0.view = point }
    }

    public func lock() throws {
        let pid = getpid()
        if let text = try? String(contentsOf: lockURL, encoding: .utf8), let other = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           other != pid, kill(other, 0) == 0 {
            throw TutorError("\(folder.path) is open in another tutor (process \(other)); close it there first.")
        }
        try writeAtomically(Data("\(pid)\n".utf8), to: lockURL)
        ownsLock = true
    }

    public func unlock() {
        if ownsLock { try? FileManager.default.removeItem(at: lockURL); ownsLock = false }
    }

    private func writeMaskAtomically(_ mask: Volume, to url: URL) throws {
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp.nii.gz")
        do {
            try files.writeMask(mask, temp)
            try replace(url, with: temp)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw error
        }
    }

    private func writeAtomically(_ data: Data, to url: URL) throws {
        let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temp)
            try replace(url, with: temp)
        } catch let error as TutorError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw TutorError("Cannot write \(url.path): \(error.localizedDescription)")
        }
    }

    private func replace(_ url: URL, with temp: URL) throws {
        guard rename(temp.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temp)
            throw TutorError("Cannot write \(url.path): \(reason).")
        }
    }
}
