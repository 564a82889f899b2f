import Volumes

/// Draws the current axial slice with its overlays (mask tint, boxes, the box being marked,
/// the cursor) into the viewport rectangle, plus the R/L/A/P side labels.
/// Each cell shows two pixels: the upper as the foreground of "▀", the lower as its background.
public enum SliceView {
    /// What a pixel shows besides the image, for the plain (colourless) mode.
    enum Mark: UInt8 { case none, mask, box }

    public static func draw(_ state: WorkbenchState, mode: ColorMode, into screen: inout some Screen) {
        let view = state.viewport
        let pw = view.pixelsWide, ph = view.pixelsHigh
        var pixels = [RGB](repeating: RGB(grey: 0), count: pw * ph)
        var marks = [Mark](repeating: .none, count: pw * ph)
        var objects = [UInt8](repeating: 0, count: pw * ph)
        // Pixels outside the image stay the terminal's own background.
        var inside = [Bool](repeating: false, count: pw * ph)
        let image = state.image
        let nx = image.size.i, ny = image.size.j, k = state.slice
        let low = state.level - state.window / 2, scale = 255 / max(state.window, 1)
        let mask = state.showMask ? state.mask : nil

        // Sample the slice: nearest voxel per pixel, one column/row lookup table each.
        var columnVoxel = [Int](repeating: -1, count: pw)
        var rowVoxel = [Int](repeating: -1, count: ph)
        for px in 0..<pw { let v = view.voxel(px: px, py: 0); columnVoxel[px] = (0..<nx).contains(v.i) ? v.i : -1 }
        for py in 0..<ph { let v = view.voxel(px: 0, py: py); rowVoxel[py] = (0..<ny).contains(v.j) ? v.j : -1 }
        // A pure row/column split only holds while axes stay aligned, which they always do here
        // (no rotation), so voxel(px, py) = (columnVoxel[px], rowVoxel[py]).
        // With the outline, only the mask's edge voxels (one of their four in-slice neighbours
        // outside the mask or the image) are tinted.
        let outlineOnly = state.maskOutline
        @inline(__always) func tinted(_ m: [UInt8], _ v: Int, _ i: Int, _ j: Int) -> Bool {
            guard m[v] != 0 else { return false }
            guard outlineOnly else { return true }
            return i == 0 || j == 0 || i == nx - 1 || j == ny - 1 || m[v - 1] == 0 || m[v + 1] == 0 || m[v - nx] == 0 || m[v + nx] == 0
        }
        image.voxels.withUnsafeBufferPointer { hu in
            let maskVoxels = mask?.voxels
            for py in 0..<ph {
                let j = rowVoxel[py]
                guard j >= 0 else { continue }
                let rowBase = nx * (j + ny * k)
                for px in 0..<pw {
                    let i = columnVoxel[px]
                    guard i >= 0 else { continue }
                    inside[py * pw + px] = true
                    let g = UInt8(min(max((Double(hu[rowBase + i]) - low) * scale, 0), 255))
                    if let maskVoxels, tinted(maskVoxels, rowBase + i, i, j) {
                        pixels[py * pw + px] = Palette.tint(g)
                        marks[py * pw + px] = .mask
                    } else {
                        pixels[py * pw + px] = RGB(grey: g)
                    }
                }
            }
        }

        // Box outlines: the pixels along the edges of the voxels the box covers.
        func outline(_ b: Box, color: RGB) {
            let a = view.pixel(i: Double(b.xMin) - 0.5, j: Double(b.yMin) - 0.5)
            let c = view.pixel(i: Double(b.xMax) + 0.5, j: Double(b.yMax) + 0.5)
            let x0 = Int(min(a.px, c.px).rounded()), x1 = Int(max(a.px, c.px).rounded())
            let y0 = Int(min(a.py, c.py).rounded()), y1 = Int(max(a.py, c.py).rounded())
            func set(_ x: Int, _ y: Int) {
                guard x >= 0, x < pw, y >= 0, y < ph else { return }
                pixels[y * pw + x] = color; inside[y * pw + x] = true; marks[y * pw + x] = .box; objects[y * pw + x] = UInt8(min(b.object, 9))
            }
            if x1 - x0 > 4 * pw || y1 - y0 > 4 * ph { return }  // absurdly zoomed: skip rather than loop long
            for x in x0...x1 { set(x, y0); set(x, y1) }
            for y in y0...y1 { set(x0, y); set(x1, y) }
        }
        if state.showBoxes {
            for index in state.boxesOnSlice {
                let b = state.boxes[index]
                let base = Palette.objectColor(b.object)
                // The selected box in full colour, the others dimmer.
                outline(b, color: index == state.selectedBox ? base : RGB(base.r / 3 * 2, base.g / 3 * 2, base.b / 3 * 2))
            }
        }
        if let anchor = state.anchor {
            outline(Box(slice: k, xMin: anchor.i, yMin: anchor.j, xMax: state.cursorI, yMax: state.cursorJ,
                        object: state.object), color: Palette.objectColor(state.object))
        }

        // Pixels → cells.
        for cy in 0..<view.cellsHigh {
            for cx in 0..<pw {
                let top = cy * 2 * pw + cx, bottom = top + pw
                var cell: Cell
                switch mode {
                case .plain:
                    let object = max(objects[top], objects[bottom])
                    if object > 0 {
                        cell = Cell(Character(String(object)))
                    } else {
                        let luma = (pixels[top].luma + pixels[bottom].luma) / 2
                        let ch = Palette.ramp[min(Int(luma * Double(Palette.ramp.count)), Palette.ramp.count - 1)]
                        cell = Cell(ch, attributes: marks[top] == .mask || marks[bottom] == .mask ? [.reverse] : [])
                    }
                default:
                    let fg = Palette.color(pixels[top], mode: mode, x: cx, y: cy * 2, dither: state.dither)
                    let bg = Palette.color(pixels[bottom], mode: mode, x: cx, y: cy * 2 + 1, dither: state.dither)
                    switch (inside[top], inside[bottom]) {
                    case (false, false): cell = .blank
                    case (true, false): cell = Cell("▀", fg: fg)
                    case (false, true): cell = Cell("▄", fg: bg)
                    // One colour in both halves needs only a background: fewer bytes to send.
                    case (true, true): cell = fg == bg ? Cell(" ", bg: bg) : Cell("▀", fg: fg, bg: bg)
                    }
                }
                screen[view.x0 + cx, view.y0 + cy] = cell
            }
        }

        // The cursor: a bright "+" over the cell that shows its voxel.
        let c = view.cell(i: state.cursorI, j: state.cursorJ)
        if c.x >= view.x0, c.x < view.x0 + view.cellsWide, c.y >= view.y0, c.y < view.y0 + view.cellsHigh {
            let under = screen[c.x, c.y]
            let cursorColor: TermColor = state.mode == .brush || state.mode == .eraser
                ? Palette.accent(RGB(255, 95, 95), mode) : Palette.accent(RGB(0, 255, 0), mode)
            screen[c.x, c.y] = Cell(state.mode == .eraser ? "×" : state.mode == .brush ? "●" : "+",
                                   fg: cursorColor, bg: under.bg, attributes: [.bold])
        }

        // Radiological side labels: the patient's right on the screen's left, anterior up.
        let midX = view.x0 + view.cellsWide / 2, midY = view.y0 + view.cellsHigh / 2
        screen[view.x0 - 1, midY] = Cell("R", attributes: [.bold])
        screen[view.x0 + view.cellsWide, midY] = Cell("L", attributes: [.bold])
        screen[midX, view.y0 - 1] = Cell("A", attributes: [.bold])
        screen[midX, view.y0 + view.cellsHigh] = Cell("P", attributes: [.bold])
    }
}
