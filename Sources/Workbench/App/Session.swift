import Foundation
import Volumes

/// One run of the workbench on a list of cases: the event loop.
/// input (keys, mouse, resize, signals) → event → model → effects (saves, teacher) → frame → diff to the terminal.
public final class Session {
    public struct Options {
        public var keymap: Keymap
        public var colorMode: ColorMode?
        /// Review mode: walk the cases as a queue, moving on after accept, reject or skip.
        public var review = false
        /// Slice to open the first case at (instead of where it was left).
        public var startSlice: Int?
        /// In review, why each case stands where it does in the queue (one per case, in order), shown
        /// with the queue position; empty when the order has no reasons (a plain folder).
        public var queueReasons: [QueueReason] = []
        public init(keymap: Keymap, colorMode: ColorMode? = nil, review: Bool = false, startSlice: Int? = nil) {
            self.keymap = keymap; self.colorMode = colorMode; self.review = review; self.startSlice = startSlice
        }
    }

    private let cases: [CaseSource]
    private var index: Int
    private let options: Options
    private let proposer: any Proposer
    private let inbox = Inbox()
    private let saver = DispatchQueue(label: "tutor.saver")
    private var done = 0
    /// Boxes that could not be saved, by case, printed on exit so no edit is ever lost.
    private let unsaved = Unsaved()
    private let latestMask = Generation()

    public init(cases: [CaseSource], start: Int = 0, proposer: any Proposer, options: Options) {
        self.cases = cases; index = start; self.proposer = proposer; self.options = options
    }

    /// Runs until the user quits or a signal arrives. Returns a line to print after the terminal is restored.
    public func run() throws -> String {
        guard !cases.isEmpty else { throw TutorError("There are no cases to open.") }
        let source = cases[index]
        try source.lock()
        var contents: CaseContents
        do { contents = try source.open() } catch { source.unlock(); throw error }
        if let k = options.startSlice {
            guard k >= 0, k < contents.image.size.k else {
                source.unlock()
                throw TutorError("--slice \(k) is outside \(source.id), which has slices 0…\(contents.image.size.k - 1).")
            }
            contents.viewPoint = ViewPoint(slice: k, window: contents.viewPoint?.window ?? 1500, level: contents.viewPoint?.level ?? -600)
        }
        let terminal: CursesTerminal
        do { terminal = try CursesTerminal(forcedMode: options.colorMode) } catch { source.unlock(); throw error }
        var state = WorkbenchState(contents: contents, keymap: options.keymap, width: terminal.width, height: terminal.height)
        state.proposerName = proposer.name
        if options.review {
            state.queue = QueueProgress(position: index + 1, total: cases.count, done: 0, reasons: options.queueReasons)
            state.focusOnBoxes()
            if let opening = state.queue?.openingMessage { state.message = "opened \(source.id) · " + opening }
        }
        let inbox = self.inbox
        let runner = ProposalRunner(proposer: proposer) { inbox.post($0) }
        var proposalDue: (version: Int, at: Date)?
        var screen = MemoryScreen(width: terminal.width, height: terminal.height)
        var farewell = ""

        func draw() {
            if screen.width != terminal.width || screen.height != terminal.height {
                screen = MemoryScreen(width: terminal.width, height: terminal.height)
            }
            Frame.compose(state, mode: terminal.colorMode, into: &screen)
            terminal.show(screen)
        }

        loop: while true {
            draw()
            var events: [Event] = []
            if let signal = terminal.stopSignal {
                farewell = signal == SIGHUP ? "the terminal went away: everything was saved" : "stopped by a signal: everything was saved"
                carryOut([.saveViewPoint], state: &state, runner: runner)
                break loop
            }
            if terminal.lost { carryOut([.saveViewPoint], state: &state, runner: runner); break loop }
            if let event = terminal.nextEvent() { events.append(event) }
            events += inbox.take()
            if let due = proposalDue, Date() >= due.at {
                proposalDue = nil
                if due.version == state.requestedVersion {
                    state.proposalStatus = .running(progress: 0)
                    runner.request(image: state.image, boxes: state.boxes, version: due.version)
                }
            }
            for event in events {
                let effects = state.handle(event)
                for effect in effects {
                    switch effect {
                    case .requestProposal(let version, let delay):
                        runner.cancel()
                        proposalDue = (version, Date().addingTimeInterval(delay))
                    case .cancelProposal:
                        runner.cancel(); proposalDue = nil
                    case .redraw:
                        terminal.invalidate()
                    case .suspend:
                        saver.sync {}   // the edits are on disk before the process stops
                        terminal.suspend()
                    case .quit:
                        break loop   // the effects before it (saves) are already on their way
                    case .openCase(let offset):
                        if !switchCase(by: offset, state: &state, leaving: { runner.cancel(); proposalDue = nil }) {
                            farewell = options.review ? "review finished: \(done) of \(cases.count) done" : ""
                            break loop
                        }
                    default:
                        carryOut([effect], state: &state, runner: runner)
                    }
                }
            }
        }
        runner.cancel()
        saver.sync {}
        cases[index].unlock()
        terminal.close()
        let lost = unsaved.all
        if !lost.isEmpty {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let lines = lost.map { id, boxes in
                "\(id): " + (String(data: (try? encoder.encode(BoxFile(image: "ct.nii.gz", boxes: boxes))) ?? Data(), encoding: .utf8) ?? "")
            }
            return "tutor: these boxes could NOT be saved; copy them from here:\n" + lines.joined(separator: "\n")
        }
        return farewell
    }

    /// Saves, accepts and rejects go to one serial queue so they reach disk in order and the
    /// keys keep answering; a failure comes back as a message and the boxes are kept for the exit.
    private func carryOut(_ effects: [Effect], state: inout WorkbenchState, runner: ProposalRunner) {
        let source = cases[index]
        let inbox = self.inbox
        for effect in effects {
            let job: (() throws -> Void)?
            switch effect {
            case .saveBoxes(let boxes):
                let id = source.id
                let unsaved = self.unsaved
                job = {
                    do { try source.saveBoxes(boxes); unsaved.set(id, nil) } catch {
                        unsaved.set(id, boxes)
                        throw error
                    }
                }
            case .saveProposal:
                guard let mask = state.mask else { continue }
                // Brushing queues a save per dab; only the newest mask needs writing.
                let generation = latestMask.next()
                let latest = latestMask
                job = { if latest.isCurrent(generation) { try source.saveProposal(mask) } }
            case .accept:
                guard let mask = state.mask else { continue }
                done += 1
                job = { try source.accept(mask) }
            case .reject(let reason):
                done += 1
                job = { try source.reject(reason: reason) }
            case .saveViewPoint:
                let point = state.viewPoint
                job = { try source.saveViewPoint(point) }
            default: job = nil
            }
            if var q = state.queue { q.done = done; state.queue = q }
            guard let job else { continue }
            saver.async {
                do { try job() } catch { inbox.post(.saveFailed("\(error)")) }
            }
        }
    }

    /// Opens the case `offset` places along; `leaving` runs just before the open case is left (it
    /// stops the teacher's work on it). Where there is no such case the open one stays as it is,
    /// its proposal still coming. Returns false when the session should end (a review at its end).
    private func switchCase(by offset: Int, state: inout WorkbenchState, leaving: () -> Void) -> Bool {
        var next = index + offset
        while next >= 0, next < cases.count {
            let source = cases[next]
            do {
                try source.lock()
                let contents = try source.open()
                leaving()
                saver.sync {}
                cases[index].unlock()
                index = next
                state.load(contents)
                state.message = "opened \(source.id)"
                if var q = state.queue {
                    q.position = next + 1; state.queue = q; state.focusOnBoxes()
                    if let opening = q.openingMessage { state.message = "opened \(source.id) · " + opening }
                }
                return true
            } catch {
                source.unlock()
                state.message = "skipped \(source.id): \(error)"
                next += offset > 0 ? 1 : -1
            }
        }
        if options.review { return false }
        state.message = offset > 0 ? "this is the last case" : "this is the first case"
        return true
    }
}

/// Events posted from other threads (the teacher, the saver) for the loop to pick up.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [Event] = []
    func post(_ event: Event) { lock.lock(); events.append(event); lock.unlock() }
    func take() -> [Event] { lock.lock(); defer { lock.unlock() }; let e = events; events = []; return e }
}

/// Boxes whose save failed, by case id (written by the saver queue, read at exit).
final class Unsaved: @unchecked Sendable {
    private let lock = NSLock()
    private var boxes: [String: [Box]] = [:]
    func set(_ id: String, _ value: [Box]?) { lock.lock(); boxes[id] = value; lock.unlock() }
    var all: [String: [Box]] { lock.lock(); defer { lock.unlock() }; return boxes }
}

/// A counter the UI bumps and the saver compares, so a queued write can tell it is stale.
final class Generation: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    func isCurrent(_ n: Int) -> Bool { lock.lock(); defer { lock.unlock() }; return n == value }
}
