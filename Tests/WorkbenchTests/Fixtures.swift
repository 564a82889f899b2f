import Foundation
import Volumes
@testable import Workbench

/// A small synthetic CT: 40×30×10 voxels, spacing 1×1×2 mm, LPS-like affine (x and y negative,
/// as DICOM conversions write), air at -1000 HU with a 200 HU block at i 10…14, j 8…12 on slices 3…6.
func syntheticImage(affine: Affine? = nil) -> Volume {
    var v = Volume(size: GridSize(40, 30, 10), spacing: SIMD3(1, 1, 2),
                   affine: affine ?? Affine(rows: [-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]))
    for k in 0..<10 { for j in 0..<30 { for i in 0..<40 {
        v[i, j, k] = (10...14).contains(i) && (8...12).contains(j) && (3...6).contains(k) ? 200 : -1000
    } } }
    return v
}

func makeState(image: Volume = syntheticImage(), boxes: [Box] = [], width: Int = 80, height: Int = 24) -> WorkbenchState {
    let contents = CaseContents(id: "case01", image: image, boxes: boxes, proposal: nil, state: .unlabelled, viewPoint: nil)
    return WorkbenchState(contents: contents, keymap: try! Keymap.bundled("default"), width: width, height: height)
}

/// The package root (where Package.swift is), found from this file's path.
func packageRoot() -> URL {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    fatalError("no Package.swift above \(#filePath)")
}

extension WorkbenchState {
    /// Types a `:` command and presses Enter, returning the effects of the Enter.
    mutating func type(command: String) -> [Effect] {
        _ = handle(.key(.char(":")))
        for c in command { _ = handle(.key(.char(c))) }
        return handle(.key(.enter))
    }
}
