import Volumes

/// What the keys are doing right now.
public enum Mode: Equatable, Sendable {
    case normal
    /// Typing a `:` command.
    case command
    /// The `?` screen, scrolled down by `scroll` lines.
    case help(scroll: Int)
    case brush, eraser
}

/// Where the teacher is with the current boxes.
public enum ProposalStatus: Equatable, Sendable {
    case idle
    /// Asked for; starts after the debounce delay.
    case pending
    case running(progress: Double)
    case failed(String)
}

/// Why a case stands where it does in a review queue (the order was decided before the session).
public struct QueueReason: Equatable, Sendable {
    /// For the title bar, e.g. `disagreement 0.41 · uncertainty 0.12` or `not prioritised yet`.
    public var short: String
    /// For the message line when the case opens, e.g. `disagreement 0.41 (teacher vs student DSC 0.59) · uncertainty 0.12`.
    public var full: String
    public init(short: String, full: String) { self.short = short; self.full = full }
}

/// Where a review session is in its queue.
public struct QueueProgress: Equatable, Sendable {
    public var position: Int, total: Int, done: Int
    /// One per case in queue order, or none when the order has no reasons (a plain folder).
    public var reasons: [QueueReason]
    public init(position: Int, total: Int, done: Int, reasons: [QueueReason] = []) {
        self.position = position; self.total = total; self.done = done; self.reasons = reasons
    }

    /// The reason for the case open now, if the queue has reasons.
    public var reason: QueueReason? { reasons.indices.contains(position - 1) ? reasons[position - 1] : nil }

    /// The message shown when a case of the queue opens: `3/12 · disagreement 0.41 (…) · uncertainty 0.12`.
    public var openingMessage: String? { reason.map { "\(position)/\(total) · \($0.full)" } }
}

/// What the model asks the outside world to do after an event. The session carries these out
/// (saving, running the teacher, switching cases); the model never touches files or threads.
public enum Effect: Equatable, Sendable {
    case saveBoxes([Box])
    /// The mask changed (brush, or a new proposal): store it as the unreviewed proposal.
    case saveProposal
    case accept
    case reject(reason: String)
    case saveViewPoint
    /// Run the teacher on the current boxes, after `delay` seconds (debounce) unless asked again.
    case requestProposal(version: Int, delay: Double)
    case cancelProposal
    /// Open the case `offset` places along the list (1 next, -1 previous).
    case openCase(offset: Int)
    /// Send the next frame whole: the terminal may not show what we think.
    case redraw
    /// Hand the terminal back to the shell and stop until `fg`.
    case suspend
    case quit
}

/// A mouse event in screen cells.
public enum MouseEvent: Equatable, Sendable {
    case press(x: Int, y: Int), drag(x: Int, y: Int), release(x: Int, y: Int)
    case wheelUp(x: Int, y: Int), wheelDown(x: Int, y: Int)
}

/// The whole state of the workbench. Changed only by `handle(_:)` (in WorkbenchState+Events.swift);
/// the views draw it and decide nothing.
public struct WorkbenchState: Sendable {
    public var contents: CaseContents
    public var image: Volume { contents.image }
    public var boxes: [Box] { contents.boxes }
    public var mask: BinaryMask? { contents.proposal }

    // Where we look
    public var slice: Int
    /// The cursor voxel (i, j) on the current slice.
    public var cursorI: Int, cursorJ: Int
    /// Window width and level in HU.
    public var window: Double, level: Double
    /// 1 fits the slice into the view; 2 shows it twice as large.
    public var zoom: Double = 1
    /// The voxel at the middle of the view.
    public var centerI: Double, centerJ: Double
    public var showBoxes = true, showMask = true, dither = true
    /// Draw only the mask's edge voxels, so that the tissue inside stays visible.
    public var maskOutline = false
    public var screenWidth: Int, screenHeight: Int

    // What we edit
    public var mode: Mode = .normal
    /// The tumour new boxes belong to.
    public var object = 1
    /// Index into `boxes` of the selected box.
    public var selectedBox: Int?
    /// The first corner of a box being marked from the keyboard, or being dragged with the mouse.
    public var anchor: (i: Int, j: Int)?
    /// True while a mouse button is held after a press on the image.
    public var dragging = false
    /// Brush radius in voxels (0 paints one voxel).
    public var brushRadius = 3
    public var undoStack: [Edit] = []
    public var redoStack: [Edit] = []
    public var maskStats: MaskStats?

    // Talking to the user
    public var message = ""
    public var commandText = ""
    public var history: [String] = []
    /// Index into `history` while browsing it with up/down; nil when editing a new line.
    public var historyIndex: Int?
    /// Commands typed while the teacher was busy, run in order when it is done.
    public var queuedCommands: [String] = []
    public var proposalStatus: ProposalStatus = .idle
    /// Increases with every change to the boxes; a proposal is current when made for this version.
    public var boxesVersion = 0
    public var proposalVersion: Int?
    /// The box version the teacher was last asked about; results for older versions are dropped.
    public var requestedVersion: Int?
    public var proposerName = "teacher"
    public var queue: QueueProgress?
    public var keymap: Keymap

    public init(contents: CaseContents, keymap: Keymap, width: Int, height: Int) {
        self.contents = contents
        self.keymap = keymap
        screenWidth = width; screenHeight = height
        let size = contents.image.size
        let view = contents.viewPoint
        slice = min(max(view?.slice ?? contents.boxes.first?.slice ?? size.k / 2, 0), size.k - 1)
        window = view?.window ?? 1500
        level = view?.level ?? -600
        cursorI = size.i / 2; cursorJ = size.j / 2
        centerI = Double(size.i - 1) / 2; centerJ = Double(size.j - 1) / 2
        if let mask = contents.proposal { maskStats = MaskStats(mask: mask); proposalVersion = 0 }
    }

    /// The first row of the message line and the status line, and the image rectangle, for this screen size.
    public static let minimumWidth = 80, minimumHeight = 24
    public var tooSmall: Bool { screenWidth < Self.minimumWidth || screenHeight < Self.minimumHeight }

    /// The image rectangle: row 0 is the title, row 1 the "A" label, then the image, then the
    /// "P" label, the status line and the message line; columns 0 and width-1 hold "R" and "L".
    public var viewport: Viewport {
        Viewport(image: image, x0: 1, y0: 2, cellsWide: screenWidth - 2, cellsHigh: screenHeight - 5,
                 zoom: zoom, centerI: centerI, centerJ: centerJ)
    }

    /// The HU value under the cursor.
    public var valueUnderCursor: Float { image[cursorI, cursorJ, slice] }

    /// Indices of the boxes on the current slice.
    public var boxesOnSlice: [Int] { boxes.indices.filter { boxes[$0].slice == slice } }

    /// True when the mask on screen was made for the boxes as they are now.
    public var proposalIsCurrent: Bool { mask != nil && proposalVersion == boxesVersion }

    /// Whether the teacher is busy (typed commands wait for it).
    public var teacherBusy: Bool {
        switch proposalStatus { case .pending, .running: true; default: false }
    }

    public var viewPoint: ViewPoint { ViewPoint(slice: slice, window: window, level: level) }
}
