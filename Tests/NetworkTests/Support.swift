import Foundation
import XCTest
import TestSupport
@testable import Network

/// The project's `shared/` folder (sibling of the package root's parent), if present.
func sharedFolder(file: String = #filePath) -> URL? {
    var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
    while dir.path != "/" {
        let candidate = dir.appendingPathComponent("shared")
        if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("tools/unet_ref.py").path) { return candidate }
        dir.deleteLastPathComponent()
    }
    return nil
}

/// Runs python3 with arguments; returns (status, combined output).
@discardableResult
func python(_ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The reference tool, or a skip when it (or python3 with onnxruntime) is not available.
func referenceTool() throws -> URL {
    guard let shared = sharedFolder() else { throw XCTSkip("shared/ with tools/unet_ref.py not found") }
    guard let (status, _) = try? python(["-c", "import onnxruntime, onnx, safetensors, numpy"]), status == 0 else {
        throw XCTSkip("python3 with onnxruntime, onnx, safetensors and numpy is not available")
    }
    return shared.appendingPathComponent("tools/unet_ref.py")
}

/// ‖a − b‖ / ‖b‖ (‖a − b‖ when b is zero).
func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    var num = 0.0, den = 0.0
    for (x, y) in zip(a, b) { num += Double(x - y) * Double(x - y); den += Double(y) * Double(y) }
    return den == 0 ? num.squareRoot() : (num / den).squareRoot()
}
