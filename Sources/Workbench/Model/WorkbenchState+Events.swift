import Foundation
import Volumes

/// Everything that can change the model: keys, the mouse, the terminal, and the teacher.
public enum Event: Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(width: Int, height: Int)
    case proposalProgress(version: Int, fraction: Double)
    case proposalReady(version: Int, mask: BinaryMask)
    case proposalFailed(version: Int, reason: String)
    /// A save the session carried out failed (e.g. the case folder vanished).
    case saveFailed(String)
}

extension WorkbenchState {
    /// The seconds the teacher waits after a box change before it starts, so a burst of edits
    /// makes one request.
    public static let debounce = 0.4

    /// Applies one event and returns what the session must do about it.
    public mutating func handle(_ event: Event) -> [Effect] {
        switch event {
        case .key(let key): return handleKey(key)
        case .mouse(let mouse): return handleMouse(mouse)
        case .resize(let width, let height):
            screenWidth = width; screenHeight = height
            return []
        case .proposalProgress(let version, let fraction):
            guard version == requestedVersion else { return [] }
            proposalStatus = .running(progress: fraction)
            return []
        case .proposalReady(let version, let mask):
            guard version == requestedVersion else { return [] }
            contents.proposal = mask
            proposalVersion = version
            maskStats = MaskStats(mask: mask)
            proposalStatus = .idle
            contents.state = .proposed
            showMask = true
            undoStack.removeAll { if case .boxes = $0 { return false }; return true }
            redoStack.removeAll()
            message = String(format: "proposal ready: %.1f mL, %.0f mm across", maskStats!.millilitres, maskStats!.maxAxialDiameter)
            return [.saveProposal] + drainQueue()
        case .proposalFailed(let version, let reason):
            guard version == requestedVersion else { return [] }
            proposalStatus = .failed(reason)
            message = "the teacher failed: \(reason)"
            return drainQueue()
        case .saveFailed(let reason):
            message = "NOT SAVED: \(reason)"
            return []
        }
    }

    // MARK: keys

    mutating func handleKey(_ key: Key) -> [Effect] {
        switch mode {
        case .command: return editCommandLine(key)
        case .help(let scroll):
            switch key {
            case .down, .char("j"): mode = .help(scroll: scroll + 1)
            case .up, .char("k"): mode = .help(scroll: max(0, scroll - 1))
            case .pageDown, .char(" "): mode = .help(scroll: scroll + 10)
            case .pageUp: mode = .help(scroll: max(0, scroll - 10))
            default: mode = .normal
            }
            return []
        default:
            guard let action = keymap[key] else {
                message = "\(key) is not bound to anything; ? lists the keys"
                return []
            }
            return perform(action)
        }
    }

    mutating func editCommandLine(_ key: Key) -> [Effect] {
        switch key {
        case .char(let c): commandText.append(c); historyIndex = nil
        case .backspace, .delete:
            if commandText.isEmpty { mode = .normal } else { commandText.removeLast() }
        case .escape, .ctrl("c"): mode = .normal; commandText = ""; message = ""
        case .up:
            guard !history.isEmpty else { break }
            let index = max(0, (historyIndex ?? history.count) - 1)
            historyIndex = index; commandText = history[index]
        case .down:
            guard let index = historyIndex else { break }
            if index + 1 < history.count { historyIndex = index + 1; commandText = history[index + 1] } else {
                historyIndex = nil; commandText = ""
            }
        case .enter:
            let line = commandText.trimmingCharacters(in: .whitespaces)
            mode = .normal; commandText = ""; historyIndex = nil
            guard !line.isEmpty else { return [] }
            if history.last != line { history.append(line) }
            return submit(line)
        default: break
        }
        return []
    }

    /// Runs a command line now, or queues it behind the teacher's current work so that
    /// `:propose` then `:accept` accepts that proposal.
    public mutating func submit(_ line: String) -> [Effect] {
        if teacherBusy || !queuedCommands.isEmpty {
            queuedCommands.append(line)
            message = ":\(line) waits for the teacher (\(queuedCommands.count) queued)"
            return []
        }
        return execute(line)
    }

    mutating func drainQueue() -> [Effect] {
        var effects: [Effect] = []
        while !queuedCommands.isEmpty, !teacherBusy {
            effects += execute(queuedCommands.removeFirst())
        }
        return effects
    }

    // MARK: mouse

    mutating func handleMouse(_ event: MouseEvent) -> [Effect] {
        let view = viewport
        switch event {
        case .wheelUp: return perform(.sliceUp)
        case .wheelDown: return perform(.sliceDown)
        case .press(let x, let y):
            guard let v = view.voxel(cellX: x, cellY: y), inImage(v.i, v.j) else { return [] }
            moveCursor(to: v)
            if mode == .brush || mode == .eraser { return paint() }
            anchor = v
            dragging = true
            return []
        case .drag(let x, let y):
            guard let v = view.voxel(cellX: x, cellY: y) else { return [] }
            moveCursor(to: clampToImage(v))
            if mode == .brush || mode == .eraser { return paint() }
            return []
        case .release(let x, let y):
            if mode == .brush || mode == .eraser { return [] }
            guard dragging, let start = anchor else { return [] }
            dragging = false
            if let v = view.voxel(cellX: x, cellY: y) { moveCursor(to: clampToImage(v)) }
            anchor = nil
            if start.i == cursorI || start.j == cursorJ {
                // A click, not a drag: select the box under it, if any.
                selectedBox = boxesOnSlice.last { b in
                    (boxes[b].xMin...boxes[b].xMax).contains(cursorI) && (boxes[b].yMin...boxes[b].yMax).contains(cursorJ)
                }
                return []
            }
            return addBox(from: start, to: (cursorI, cursorJ))
        }
    }

    // MARK: helpers shared by actions and commands

    func inImage(_ i: Int, _ j: Int) -> Bool { i >= 0 && j >= 0 && i < image.size.i && j < image.size.j }

    func clampToImage(_ v: (i: Int, j: Int)) -> (i: Int, j: Int) {
        (min(max(v.i, 0), image.size.i - 1), min(max(v.j, 0), image.size.j - 1))
    }

    /// Moves the cursor and pans so that it stays on screen.
    mutating func moveCursor(to v: (i: Int, j: Int)) {
        let c = clampToImage(v)
        cursorI = c.i; cursorJ = c.j
        let view = viewport
        let p = view.pixel(i: Double(cursorI), j: Double(cursorJ))
        if p.px < 0 || p.px >= Double(view.pixelsWide) || p.py < 0 || p.py >= Double(view.pixelsHigh) {
            centerI = Double(cursorI); centerJ = Double(cursorJ)
        }
    }

    /// Replaces the box list as one undoable edit, saves it and asks the teacher (debounced).
    mutating func setBoxes(_ new: [Box], note: String) -> [Effect] {
        guard new != boxes else { return [] }
        undoStack.append(.boxes(before: boxes, after: new))
        redoStack.removeAll()
        return applyBoxes(new, note: note)
    }

    mutating func applyBoxes(_ new: [Box], note: String) -> [Effect] {
        contents.boxes = new
        if let s = selectedBox, s >= new.count { selectedBox = nil }
        boxesVersion += 1
        message = note
        if contents.state == .unlabelled || contents.state == .boxed { contents.state = new.isEmpty ? .unlabelled : .boxed }
        guard !new.isEmpty else {
            requestedVersion = nil; proposalStatus = .idle
            return [.saveBoxes(new), .cancelProposal] + drainQueue()
        }
        requestedVersion = boxesVersion
        proposalStatus = .pending
        return [.saveBoxes(new), .requestProposal(version: boxesVersion, delay: Self.debounce)]
    }

    mutating func addBox(from a: (i: Int, j: Int), to b: (i: Int, j: Int)) -> [Effect] {
        let p = clampToImage(a), q = clampToImage(b)
        let box = Box(slice: slice, xMin: p.i, yMin: p.j, xMax: q.i, yMax: q.j, object: object)
        var new = boxes
        new.append(box)
        let effects = setBoxes(new, note: "box \(box.xMin) \(box.yMin) \(box.xMax) \(box.yMax) on slice \(slice), tumour \(object)")
        selectedBox = new.count - 1
        return effects
    }
}
