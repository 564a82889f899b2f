import Foundation
import Volumes

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
/// The images are NIfTI (read and written by the Volumes module).
public final class FolderCase: CaseSource {
    public let folder: URL
    public var id: String { folder.lastPathComponent }
    private var ownsLock = false

    public init(folder: URL) { self.folder = folder }

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

    /// The case's review state from its small files only (no image read), for building queues.
    public var storedState: CaseState { (try? readState())?.state ?? stateFromFiles() }

    /// The state of a folder without a state.json (e.g. one made by hand or by `tutor phantom`),
    /// from the files it has: a label is accepted, a proposal proposed, boxes boxed (`boxes` when
    /// the caller has already read them).
    private func stateFromFiles(boxes: [Box]? = nil) -> CaseState {
        let fm = FileManager.default
        if fm.fileExists(atPath: labelURL.path) { return .accepted }
        if fm.fileExists(atPath: proposalURL.path) { return .proposed }
        return (boxes ?? (try? readBoxes()) ?? []).isEmpty ? .unlabelled : .boxed
    }

    /// The case folders under `dataset`: itself when it is a case, else its sub-folders that are, by name.
    public static func cases(in dataset: URL) throws -> [FolderCase] {
        if isCase(dataset) { return [FolderCase(folder: dataset)] }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataset.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw TutorError("\(dataset.path) is not a folder: give a case folder (with ct.nii.gz) or a folder of them.")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: dataset.path).sorted()
        let found = names.map { dataset.appendingPathComponent($0) }.filter(isCase).map { FolderCase(folder: $0) }
        guard !found.isEmpty else { throw TutorError("\(dataset.path) holds no case folders (folders with a ct.nii.gz).") }
        return found
    }

    /// state.json: `{"state": "rejected", "reason": "…", "view": {…}}`.
    private struct StateFile: Codable {
        var word: String
        var reason: String?
        var view: ViewPoint?
        enum CodingKeys: String, CodingKey { case word = "state", reason, view }
        init(state: CaseState, view: ViewPoint?) { word = state.word; self.view = view; self.state = state }
        var state: CaseState {
            get { CaseState(word: word, reason: reason) ?? .unlabelled }
            set {
                word = newValue.word
                if case .rejected(let r) = newValue { reason = r } else { reason = nil }
            }
        }
    }

    public func open() throws -> CaseContents {
        let fm = FileManager.default
        guard fm.fileExists(atPath: imageURL.path) else {
            throw TutorError("\(imageURL.path) is missing: a case folder needs its ct.nii.gz.")
        }
        let image = try NIfTI.read(imageURL.path)
        let boxes = try readBoxes()
        let labelled = fm.fileExists(atPath: labelURL.path)
        let proposed = fm.fileExists(atPath: proposalURL.path)
        let stored = try readState()
        let state = stored?.state ?? stateFromFiles(boxes: boxes)
        // The label once accepted; a newer proposal (boxes changed after accepting) when there is one.
        let maskURL = state == .accepted && labelled ? labelURL : proposed ? proposalURL : labelURL
        let mask = fm.fileExists(atPath: maskURL.path) ? BinaryMask(try NIfTI.read(maskURL.path)) : nil
        if let mask, mask.size != image.size {
            throw TutorError("\(maskURL.path) is \(mask.size) but the image is \(image.size).")
        }
        return CaseContents(id: id, image: image, boxes: boxes, proposal: mask, state: state, viewPoint: stored?.view)
    }

    private func readBoxes() throws -> [Box] {
        guard FileManager.default.fileExists(atPath: boxesURL.path) else { return [] }
        return try BoxFile.load(json: boxesURL.path).boxes
    }

    private func readState() throws -> StateFile? {
        guard FileManager.default.fileExists(atPath: stateURL.path) else { return nil }
        do {
            return try JSONDecoder().decode(StateFile.self, from: Data(contentsOf: stateURL))
        } catch {
            throw TutorError("\(stateURL.path) is not a workbench state file (\(jsonDecodingProblem(error))).")
        }
    }

    private func updateState(_ change: (inout StateFile) -> Void) throws {
        // The first state.json starts from the state the files say (saving only where the view
        // was must not turn an accepted case into an unlabelled one).
        var file = (try? readState()) ?? StateFile(state: stateFromFiles(), view: nil)
        change(&file)
        try writeAtomically(JSONEncoder().encode(file), to: stateURL)
    }

    public func saveBoxes(_ boxes: [Box]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try writeAtomically(encoder.encode(BoxFile(image: "ct.nii.gz", boxes: boxes)), to: boxesURL)
        try updateState { if $0.state == .unlabelled || $0.state == .boxed { $0.state = boxes.isEmpty ? .unlabelled : .boxed } }
    }

    public func saveProposal(_ mask: BinaryMask) throws {
        try writeMaskAtomically(mask, to: proposalURL)
        try updateState { $0.state = .proposed }
    }

    public func accept(_ mask: BinaryMask) throws {
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

    /// NIfTI.write is atomic itself (temporary file + rename).
    private func writeMaskAtomically(_ mask: BinaryMask, to url: URL) throws {
        try NIfTI.write(mask, to: url.path)
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
