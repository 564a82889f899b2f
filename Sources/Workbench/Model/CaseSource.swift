import Volumes

/// Where a case stands in review.
public enum CaseState: Equatable, Sendable {
    case unlabelled          // no boxes yet
    case boxed               // weak label only
    case proposed            // a teacher mask awaits review
    case accepted            // the proposal became the label (pseudo-strong)
    case rejected(reason: String)

    /// The state from its `word` (and the reason, for `rejected`); nil for an unknown word.
    public init?(word: String, reason: String?) {
        switch word {
        case "unlabelled": self = .unlabelled
        case "boxed": self = .boxed
        case "proposed": self = .proposed
        case "accepted": self = .accepted
        case "rejected": self = .rejected(reason: reason ?? "")
        default: return nil
        }
    }

    /// A short word for the status line and the review queue.
    public var word: String {
        switch self {
        case .unlabelled: "unlabelled"
        case .boxed: "boxed"
        case .proposed: "proposed"
        case .accepted: "accepted"
        case .rejected: "rejected"
        }
    }
}

/// Where the annotator left off, so reopening a case resumes there.
public struct ViewPoint: Equatable, Sendable, Codable {
    public var slice: Int
    public var window: Double     // HU
    public var level: Double      // HU
    public init(slice: Int, window: Double, level: Double) {
        self.slice = slice; self.window = window; self.level = level
    }
}

/// Everything the workbench shows and edits for one case.
public struct CaseContents: Sendable {
    public var id: String
    /// The CT in HU.
    public var image: Volume
    public var boxes: [Box]
    /// The teacher's mask (0/1 on the image grid), or the accepted label, if any.
    public var proposal: BinaryMask?
    public var state: CaseState
    public var viewPoint: ViewPoint?
    public init(id: String, image: Volume, boxes: [Box], proposal: BinaryMask?, state: CaseState, viewPoint: ViewPoint?) {
        self.id = id; self.image = image; self.boxes = boxes; self.proposal = proposal
        self.state = state; self.viewPoint = viewPoint
    }
}

/// One case the workbench can open and save into. A folder of files (`FolderCase`) is one;
/// the dataset store is another. Every save is complete on return (atomic on disk), so a
/// terminal that dies right after loses nothing.
public protocol CaseSource: AnyObject {
    /// The case's name for the status line.
    var id: String { get }
    /// Reads the case. Throws a TutorError naming the file when it is missing or unreadable.
    func open() throws -> CaseContents
    func saveBoxes(_ boxes: [Box]) throws
    /// Stores an unreviewed proposal (the case becomes `proposed`).
    func saveProposal(_ mask: BinaryMask) throws
    /// Makes `mask` the case's label (the case becomes `accepted`).
    func accept(_ mask: BinaryMask) throws
    func reject(reason: String) throws
    func saveViewPoint(_ point: ViewPoint) throws
    /// Claims the case for this session; throws when someone else holds it.
    func lock() throws
    func unlock()
}
