import TestSupport
import XCTest
@testable import Volumes

/// `Preprocess` on lung1 against numpy/scipy computing the same convention independently:
/// clip, z-score, then `map_coordinates(order=1)` at source index = scale · new index.
final class ScipyParityTests: XCTestCase {
    func testPreprocessMatchesScipyOnLung1() throws {
        let ct = try sharedRealData("lung1") + "/ct.nii.gz"
        let out = try temporaryFolder(self).path + "/pp.nii.gz"
        try NIfTI.write(Preprocess()(try NIfTI.read(ct)), to: out, datatype: .float32)
        let script = """
        import sys, nibabel as nib, numpy as np
        from scipy import ndimage as ndi
        im = nib.load(sys.argv[1]); x = np.clip(np.asarray(im.dataobj, dtype=np.float64), -1024, 1000)
        x = (x - x.mean()) / x.std()
        o = nib.load(sys.argv[2]); y = np.asarray(o.dataobj)
        f = np.array([1, 1, 1.5]) / np.array(im.header.get_zooms())
        g = np.meshgrid(*[np.arange(n) * f[a] for a, n in enumerate(o.shape)], indexing='ij')
        ref = ndi.map_coordinates(x, g, order=1, mode='nearest')
        world = np.abs(o.affine @ [10, 20, 30, 1] - im.affine @ np.r_[f * [10, 20, 30], 1]).max()
        print(*o.shape, np.abs(ref - y).max(), world)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, ct, out]
        let pipe = Pipe(); p.standardOutput = pipe; p.standardError = Pipe()
        do { try p.run() } catch { throw XCTSkip("python3 is absent") }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("nibabel or scipy is absent") }
        let f = text.split(separator: " ").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        XCTAssertEqual(Array(f[0..<3]), [292, 292, 159])
        XCTAssertLessThan(f[3], 1e-4, "largest difference from scipy")
        XCTAssertLessThan(f[4], 1e-9, "world position of a resampled voxel")
    }
}
import Foundation
