import Dataset
import Foundation
import Volumes

/// A case of a dataset store (`tutor dataset init`), as the workbench opens and saves it.
///
/// Every edit becomes a change in the store: boxes a new box revision, a proposal a new proposal
/// version with the teacher's weights hash and the box revision it was made from, accept and reject
/// the review transitions, all under this user's name in the audit log. A mask fixed with the brush
/// is stored as a proposal of its own (weights `edited:<hash>`) before it is accepted, so the log
/// shows what the teacher proposed and what the reviewer changed. The view point (slice, window)
/// lives beside the index in `views/<user>/<case>.json`, per user.
public final class StoreCase: CaseSource {
    public let store: DatasetStore
    public let id: String
    let user: String
    /// Names the teacher in provenance (the proposal engine's label: "net <hash>" or "threshold").
    let teacher: String
    private var proposed: BinaryMask?
    private var holdsLock = false

    public init(store: DatasetStore, id: String, user: String, teacher: String) {
        self.store = store; self.id = id; self.user = user; self.teacher = teacher
    }

    /// Every case of the store, by ID; with `state`, only the cases in that state.
    public static func cases(of store: DatasetStore, user: String, teacher: String,
                             state: Dataset.CaseState? = nil) throws -> [StoreCase] {
        try store.cases().filter { state == nil || $0.state == state }.sorted { $0.id < $1.id }
            .map { StoreCase(store: store, id: $0.id, user: user, teacher: teacher) }
    }

    public func open() throws -> CaseContents {
        let record = try store.case(id)
        let image = try VolumeIO.read(try store.imagePath(id))
        let boxes = try store.boxes(id)?.boxes ?? []
        let mask = try store.maskPath(id).map { BinaryMask(try VolumeIO.read($0)) }
        proposed = record.state == .proposed ? mask : nil
        let state: CaseState
        switch record.state {
        case .weak: state = boxes.isEmpty ? .unlabelled : .boxed
        case .proposed: state = .proposed
        case .accepted, .strong: state = .accepted
        case .rejected: state = .rejected(reason: record.reason ?? "")
        }
        return CaseContents(id: id, image: image, boxes: boxes, proposal: mask, state: state,
                            viewPoint: try? JSONDecoder().decode(ViewPoint.self, from: Data(contentsOf: viewURL)))
    }

    public func saveBoxes(_ boxes: [Box]) throws {
        let image = (try store.case(id).image as NSString).lastPathComponent
        try store.saveBoxes(id, BoxFile(image: image, boxes: boxes), user: user)
    }

    public func saveProposal(_ mask: BinaryMask) throws {
        try store.saveProposal(id, mask: mask.volume, weightsHash: teacher, boxRevision: try store.case(id).boxRevision, user: user)
        proposed = mask
    }

    public func accept(_ mask: BinaryMask) throws {
        let state = try store.case(id).state
        if proposed?.voxels != mask.voxels || state != .proposed {
            try store.saveProposal(id, mask: mask.volume, weightsHash: "edited:\(teacher)",
                                   boxRevision: try store.case(id).boxRevision, user: user)
        }
        try store.accept(id, user: user)
        proposed = nil
    }

    public func reject(reason: String) throws {
        try store.reject(id, reason: reason, user: user)
        proposed = nil
    }

    public func saveViewPoint(_ point: ViewPoint) throws {
        let folder = viewURL.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONEncoder().encode(point).write(to: viewURL, options: .atomic)
    }

    public func lock() throws {
        try store.lock(id, user: user)
        holdsLock = true
    }

    public func unlock() {
        if holdsLock { try? store.unlock(id) }
        holdsLock = false
    }

    private var viewURL: URL {
        URL(fileURLWithPath: store.root).appendingPathComponent("views/\(user)/\(id).json")
    }
}
