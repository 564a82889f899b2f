import Foundation
import Volumes

extension WorkbenchState {
    /// Window presets (width, level) in HU.
    public static let presets: [(name: String, window: Double, level: Double)] = [
        ("lung", 1500, -600), ("mediastinum", 350, 50), ("bone", 1800, 400),
    ]

    /// Carries out one user action.
    public mutating func perform(_ action: Action) -> [Effect] {
        let step = viewport.screenStep(dx: 1, dy: 1)
        switch action {
        case .sliceUp: goToSlice(slice + 1)
        case .sliceDown: goToSlice(slice - 1)
        case .pageUp: goToSlice(slice + 10)
        case .pageDown: goToSlice(slice - 10)
        case .firstSlice: goToSlice(0)
        case .lastSlice: goToSlice(image.size.k - 1)
        case .nextAnnotated:
            if let k = boxes.map(\.slice).filter({ $0 > slice }).min() { goToSlice(k) } else { message = "no box above slice \(slice)" }
        case .previousAnnotated:
            if let k = boxes.map(\.slice).filter({ $0 < slice }).max() { goToSlice(k) } else { message = "no box below slice \(slice)" }
        case .cursorLeft: return cursorBy(-step.di, 0)
        case .cursorRight: return cursorBy(step.di, 0)
        case .cursorUp: return cursorBy(0, -step.dj)
        case .cursorDown: return cursorBy(0, step.dj)
        case .cursorLeftFast: return cursorBy(-8 * step.di, 0)
        case .cursorRightFast: return cursorBy(8 * step.di, 0)
        case .cursorUpFast: return cursorBy(0, -8 * step.dj)
        case .cursorDownFast: return cursorBy(0, 8 * step.dj)
        case .zoomIn:
            zoom = min(zoom * 1.5, 16); centerI = Double(cursorI); centerJ = Double(cursorJ)
        case .zoomOut:
            zoom = max(zoom / 1.5, 1)
            if zoom == 1 { centerOnImage() }
        case .zoomReset: zoom = 1; centerOnImage()
        case .centerOnCursor: centerI = Double(cursorI); centerJ = Double(cursorJ)
        case .windowWider: window = min(window * 1.25, 8000)
        case .windowNarrower: window = max(window / 1.25, 1)
        case .levelUp: level += max(5, (window / 20).rounded())
        case .levelDown: level -= max(5, (window / 20).rounded())
        case .presetLung: usePreset(0)
        case .presetMediastinum: usePreset(1)
        case .presetBone: usePreset(2)
        case .toggleBoxes: showBoxes.toggle(); message = showBoxes ? "boxes shown" : "boxes hidden"
        case .toggleMask: showMask.toggle(); message = showMask ? "mask shown" : "mask hidden"
        case .toggleOutline:
            maskOutline.toggle(); showMask = true
            message = maskOutline ? "mask drawn as its outline" : "mask drawn filled"
        case .toggleDither: dither.toggle(); message = dither ? "dithering on" : "dithering off"
        case .markCorner:
            if mode == .brush || mode == .eraser { return paint() }
            guard let start = anchor else {
                anchor = (cursorI, cursorJ)
                message = "corner at \(cursorI) \(cursorJ): move the cursor to the opposite corner and mark again"
                return []
            }
            anchor = nil
            return addBox(from: start, to: (cursorI, cursorJ))
        case .deleteBox:
            guard let b = targetBox() else { message = "no box selected on this slice"; return [] }
            var new = boxes
            new.remove(at: b)
            selectedBox = nil
            return setBoxes(new, note: "box deleted")
        case .selectNextBox:
            let here = boxesOnSlice
            guard !here.isEmpty else { message = "no box on this slice"; return [] }
            let next = here.first { $0 > (selectedBox ?? -1) } ?? here[0]
            selectedBox = next; object = boxes[next].object
            message = "box \(here.firstIndex(of: next)! + 1) of \(here.count) on this slice, tumour \(object)"
        case .boxLeft: return changeBox { $0.xMin -= step.di; $0.xMax -= step.di }
        case .boxRight: return changeBox { $0.xMin += step.di; $0.xMax += step.di }
        case .boxUp: return changeBox { $0.yMin -= step.dj; $0.yMax -= step.dj }
        case .boxDown: return changeBox { $0.yMin += step.dj; $0.yMax += step.dj }
        case .boxWider: return changeBox { $0.xMin -= 1; $0.xMax += 1 }
        case .boxNarrower: return changeBox { if $0.xMax - $0.xMin >= 2 { $0.xMin += 1; $0.xMax -= 1 } }
        case .boxTaller: return changeBox { $0.yMin -= 1; $0.yMax += 1 }
        case .boxShorter: return changeBox { if $0.yMax - $0.yMin >= 2 { $0.yMin += 1; $0.yMax -= 1 } }
        case .copyBoxNext: return copyBoxes(to: slice + 1)
        case .copyBoxPrevious: return copyBoxes(to: slice - 1)
        case .interpolate: return interpolateBoxes()
        case .nextObject:
            let highest = boxes.map(\.object).max() ?? 1
            object = object >= highest ? 1 : object + 1
            selectedBox = nil
            message = "drawing tumour \(object)"
        case .newObject:
            object = (boxes.map(\.object).max() ?? 0) + 1
            selectedBox = nil
            message = "drawing tumour \(object) (new)"
        case .propose: return execute("propose")
        case .accept:
            if teacherBusy { return submit("accept") }
            return execute("accept")
        case .reject:
            mode = .command; commandText = "reject "; historyIndex = nil
        case .brush: mode = mode == .brush ? .normal : .brush; message = mode == .brush ? "brush: Enter or click paints" : ""
        case .eraser: mode = mode == .eraser ? .normal : .eraser; message = mode == .eraser ? "eraser: Enter or click erases" : ""
        case .paint:
            guard mode == .brush || mode == .eraser else { message = "paint works in brush or eraser mode"; return [] }
            return paint()
        case .brushBigger: brushRadius = min(brushRadius + 1, 30); message = "brush radius \(brushRadius)"
        case .brushSmaller: brushRadius = max(brushRadius - 1, 0); message = "brush radius \(brushRadius)"
        case .nextCase: return [.saveViewPoint, .openCase(offset: 1)]
        case .previousCase: return [.saveViewPoint, .openCase(offset: -1)]
        case .skip: message = "skipped \(contents.id)"; return [.saveViewPoint, .openCase(offset: 1)]
        case .undo: return undo()
        case .redo: return redo()
        case .save: return execute("w")
        case .quit: return [.saveViewPoint, .quit]
        case .help: mode = .help(scroll: 0)
        case .commandLine: mode = .command; commandText = ""; historyIndex = nil
        case .cancel:
            anchor = nil; dragging = false; selectedBox = nil; mode = .normal; message = ""
        case .redraw: return [.redraw]
        case .suspend: return [.saveViewPoint, .suspend]
        }
        return []
    }

    /// Shows the boxes of the current slice (or the first boxed slice) large: the view centred on
    /// them and zoomed so that they span about a third of it. Reviewers start here.
    public mutating func focusOnBoxes() {
        if boxesOnSlice.isEmpty, let first = boxes.map(\.slice).min() { goToSlice(first) }
        let here = boxesOnSlice.map { boxes[$0] }
        guard !here.isEmpty else { return }
        let i0 = here.map(\.xMin).min()!, i1 = here.map(\.xMax).max()!
        let j0 = here.map(\.yMin).min()!, j1 = here.map(\.yMax).max()!
        cursorI = (i0 + i1) / 2; cursorJ = (j0 + j1) / 2
        centerI = Double(i0 + i1) / 2; centerJ = Double(j0 + j1) / 2
        zoom = 1
        let fit = viewport
        let spanMM = max(Double(i1 - i0 + 1) * fit.spacingI / Double(fit.pixelsWide),
                         Double(j1 - j0 + 1) * fit.spacingJ / Double(fit.pixelsHigh))
        zoom = min(max(1, 1 / (3 * spanMM / fit.mmPerPixel)), 16)
    }

    mutating func goToSlice(_ k: Int) {
        slice = min(max(k, 0), image.size.k - 1)
        if let s = selectedBox, boxes[s].slice != slice { selectedBox = nil }
    }

    mutating func cursorBy(_ di: Int, _ dj: Int) -> [Effect] {
        moveCursor(to: (cursorI + di, cursorJ + dj))
        if (mode == .brush || mode == .eraser) && dragging { return paint() }
        return []
    }

    mutating func centerOnImage() {
        centerI = Double(image.size.i - 1) / 2; centerJ = Double(image.size.j - 1) / 2
    }

    mutating func usePreset(_ n: Int) {
        let p = Self.presets[n]
        window = p.window; level = p.level
        message = "\(p.name) window: W \(Int(p.window)) L \(Int(p.level))"
    }

    /// The selected box on this slice, or the only box here.
    func targetBox() -> Int? {
        if let s = selectedBox, s < boxes.count, boxes[s].slice == slice { return s }
        let here = boxesOnSlice
        return here.count == 1 ? here[0] : nil
    }

    mutating func changeBox(_ change: (inout Box) -> Void) -> [Effect] {
        guard let b = targetBox() else { message = "select a box first (Tab)"; return [] }
        var box = boxes[b]
        change(&box)
        let dx = box.xMin < 0 ? -box.xMin : box.xMax >= image.size.i ? image.size.i - 1 - box.xMax : 0
        let dy = box.yMin < 0 ? -box.yMin : box.yMax >= image.size.j ? image.size.j - 1 - box.yMax : 0
        box = Box(slice: box.slice, xMin: max(box.xMin + dx, 0), yMin: max(box.yMin + dy, 0),
                  xMax: min(box.xMax + dx, image.size.i - 1), yMax: min(box.yMax + dy, image.size.j - 1), object: box.object)
        var new = boxes
        new[b] = box
        selectedBox = b
        return setBoxes(new, note: "box \(box.xMin) \(box.yMin) \(box.xMax) \(box.yMax)")
    }

    /// Copies the selected box (or every box on this slice) to slice `k`, replacing boxes of the
    /// same tumours there, and goes to that slice.
    mutating func copyBoxes(to k: Int) -> [Effect] {
        guard k >= 0, k < image.size.k else { message = "no slice \(k)"; return [] }
        let sources = targetBox().map { [$0] } ?? boxesOnSlice
        guard !sources.isEmpty else { message = "no box on this slice to copy"; return [] }
        let copied = sources.map { var b = boxes[$0]; b.slice = k; return b }
        let objects = Set(copied.map(\.object))
        var new = boxes.filter { !($0.slice == k && objects.contains($0.object)) }
        new += copied
        goToSlice(k)
        let effects = setBoxes(new, note: "copied \(copied.count) box(es) to slice \(k)")
        selectedBox = copied.count == 1 ? new.count - 1 : nil
        return effects
    }

    /// Fills slices between key slices of the current tumour with linearly interpolated boxes.
    mutating func interpolateBoxes() -> [Effect] {
        let keys = boxes.filter { $0.object == object }.sorted { $0.slice < $1.slice }
        guard keys.count >= 2 else { message = "interpolation needs boxes of tumour \(object) on two slices"; return [] }
        var new = boxes
        var added = 0
        for (a, b) in zip(keys, keys.dropFirst()) where b.slice - a.slice > 1 {
            for k in (a.slice + 1)..<b.slice {
                let t = Double(k - a.slice) / Double(b.slice - a.slice)
                func mix(_ p: Int, _ q: Int) -> Int { Int((Double(p) + t * Double(q - p)).rounded()) }
                new.append(Box(slice: k, xMin: mix(a.xMin, b.xMin), yMin: mix(a.yMin, b.yMin),
                               xMax: mix(a.xMax, b.xMax), yMax: mix(a.yMax, b.yMax), object: object))
                added += 1
            }
        }
        guard added > 0 else { message = "tumour \(object) has no gaps between its boxes"; return [] }
        return setBoxes(new, note: "interpolated \(added) box(es) for tumour \(object)")
    }

    // MARK: the brush

    /// Paints (brush) or erases (eraser) a disc of `brushRadius` voxels at the cursor, as one edit.
    mutating func paint() -> [Effect] {
        var effects: [Effect] = []
        if contents.proposal == nil {
            contents.proposal = BinaryMask(emptyOn: image)
            undoStack.append(.maskCreated)
        }
        let value: UInt8 = mode == .eraser ? 0 : 1
        let r = brushRadius
        let patch = SlicePatch(i: max(0, cursorI - r)...min(image.size.i - 1, cursorI + r),
                               j: max(0, cursorJ - r)...min(image.size.j - 1, cursorJ + r))
        let before = maskPatch(slice, patch)
        var after = before
        for (b, j) in patch.j.enumerated() {
            for (a, i) in patch.i.enumerated() where (i - cursorI) * (i - cursorI) + (j - cursorJ) * (j - cursorJ) <= r * r {
                after[a + patch.i.count * b] = value
            }
        }
        guard after != before else { return effects }
        undoStack.append(.maskPatch(slice: slice, patch: patch, before: before, after: after))
        redoStack.removeAll()
        setMaskPatch(slice, patch, after)
        contents.state = .proposed
        effects.append(.saveProposal)
        return effects
    }

    /// The voxels of `patch` of slice `k` (i fastest), 0 without a mask.
    func maskPatch(_ k: Int, _ patch: SlicePatch) -> [UInt8] {
        guard let mask = contents.proposal else { return [UInt8](repeating: 0, count: patch.count) }
        return patch.j.flatMap { j in patch.i.map { i in mask[i, j, k] } }
    }

    mutating func setMaskPatch(_ k: Int, _ patch: SlicePatch, _ values: [UInt8]) {
        var n = 0
        for j in patch.j { for i in patch.i { contents.proposal![i, j, k] = values[n]; n += 1 } }
        if maskStats == nil { maskStats = MaskStats(mask: contents.proposal!) } else { maskStats!.update(slice: k, of: contents.proposal!) }
    }

    // MARK: undo

    mutating func undo() -> [Effect] {
        guard let edit = undoStack.popLast() else { message = "nothing to undo"; return [] }
        redoStack.append(edit)
        return apply(edit, forward: false, note: "undone")
    }

    mutating func redo() -> [Effect] {
        guard let edit = redoStack.popLast() else { message = "nothing to redo"; return [] }
        undoStack.append(edit)
        return apply(edit, forward: true, note: "redone")
    }

    mutating func apply(_ edit: Edit, forward: Bool, note: String) -> [Effect] {
        switch edit {
        case .boxes(let before, let after):
            return applyBoxes(forward ? after : before, note: "\(note): boxes")
        case .maskPatch(let k, let patch, let before, let after):
            if contents.proposal == nil { contents.proposal = BinaryMask(emptyOn: image) }
            setMaskPatch(k, patch, forward ? after : before)
            goToSlice(k)
            message = "\(note): brush on slice \(k)"
            return [.saveProposal]
        case .maskCreated:
            if forward { contents.proposal = BinaryMask(emptyOn: image); maskStats = MaskStats(mask: contents.proposal!) } else {
                contents.proposal = nil; maskStats = nil
            }
            message = "\(note): mask \(forward ? "created" : "removed")"
            return []
        }
    }
}
