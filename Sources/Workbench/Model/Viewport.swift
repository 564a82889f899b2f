import Volumes

/// How one axial slice maps onto a rectangle of cells. Each cell shows two image pixels stacked
/// (half-blocks), and a terminal cell is about twice as tall as wide, so pixels are square:
/// `mmPerPixel` is the same across and down. Radiological convention: the patient's right is
/// on the screen's left and anterior is up, whatever the order of the voxels on disk.
public struct Viewport: Equatable, Sendable {
    /// The cell rectangle the image fills (column, row, width, height in cells).
    public var x0: Int, y0: Int, cellsWide: Int, cellsHigh: Int
    /// Millimetres per pixel (a pixel is half a cell, vertically).
    public var mmPerPixel: Double
    /// The voxel (fractional i, j) at the middle of the rectangle.
    public var centerI: Double, centerJ: Double
    public var spacingI: Double, spacingJ: Double
    /// True when voxel i grows towards the screen's left (flipX) / j grows upwards (flipY).
    public var flipX: Bool, flipY: Bool

    public var pixelsWide: Int { cellsWide }
    public var pixelsHigh: Int { cellsHigh * 2 }

    /// The viewport for `image` shown in the given cell rectangle at `zoom` (1 fits the slice),
    /// centred on voxel (centerI, centerJ).
    public init(image: Volume, x0: Int, y0: Int, cellsWide: Int, cellsHigh: Int,
                zoom: Double, centerI: Double, centerJ: Double) {
        self.x0 = x0; self.y0 = y0
        self.cellsWide = max(cellsWide, 1); self.cellsHigh = max(cellsHigh, 1)
        spacingI = image.spacing.x > 0 ? image.spacing.x : 1
        spacingJ = image.spacing.y > 0 ? image.spacing.y : 1
        let fit = max(Double(image.size.i) * spacingI / Double(self.cellsWide),
                      Double(image.size.j) * spacingJ / Double(self.cellsHigh * 2))
        mmPerPixel = fit / max(zoom, 1e-3)
        self.centerI = centerI; self.centerJ = centerJ
        // NIfTI world is RAS+: x grows towards the patient's right, y towards anterior. The
        // patient's right belongs on the screen's left, so i runs right-to-left when it grows
        // towards the patient's right (a positive x axis), as it does not in DICOM-style (LPS) files.
        flipX = image.affine[0, 0] > 0 || (image.affine[0, 0] == 0 && image.affine[0, 1] > 0)
        flipY = image.affine[1, 1] > 0 || (image.affine[1, 1] == 0 && image.affine[1, 0] > 0)
    }

    /// The voxel (i, j) under pixel (px, py) of the rectangle; may lie outside the image.
    @inline(__always) public func voxel(px: Int, py: Int) -> (i: Int, j: Int) {
        let u = (Double(px) + 0.5 - Double(pixelsWide) / 2) * mmPerPixel / spacingI
        let v = (Double(py) + 0.5 - Double(pixelsHigh) / 2) * mmPerPixel / spacingJ
        let i = centerI + (flipX ? -u : u)
        let j = centerJ + (flipY ? -v : v)
        return (Int((i + 0.5).rounded(.down)), Int((j + 0.5).rounded(.down)))
    }

    /// The pixel that shows the middle of voxel (i, j).
    public func pixel(i: Double, j: Double) -> (px: Double, py: Double) {
        let u = (flipX ? -(i - centerI) : (i - centerI)) * spacingI / mmPerPixel
        let v = (flipY ? -(j - centerJ) : (j - centerJ)) * spacingJ / mmPerPixel
        return (u + Double(pixelsWide) / 2 - 0.5, v + Double(pixelsHigh) / 2 - 0.5)
    }

    /// The screen cell (column, row) that shows voxel (i, j).
    public func cell(i: Int, j: Int) -> (x: Int, y: Int) {
        let p = pixel(i: Double(i), j: Double(j))
        return (x0 + Int(p.px.rounded()), y0 + Int(p.py.rounded()) / 2)
    }

    /// The voxel under screen cell (x, y), taking the upper pixel of the cell; nil outside the rectangle.
    public func voxel(cellX x: Int, cellY y: Int) -> (i: Int, j: Int)? {
        guard x >= x0, x < x0 + cellsWide, y >= y0, y < y0 + cellsHigh else { return nil }
        return voxel(px: x - x0, py: (y - y0) * 2)
    }

    /// The voxel step (di, dj) that moves one pixel right (dx = 1) or down (dy = 1) on screen.
    public func screenStep(dx: Int, dy: Int) -> (di: Int, dj: Int) {
        ((flipX ? -dx : dx), (flipY ? -dy : dy))
    }
}
