import Foundation
import Volumes

/// Case IDs become folder names, so only a safe alphabet passes: letters, digits, `.`, `_`, `-`,
/// starting with a letter or digit, at most 128 characters. That rules out `..`, `/`, absolute
/// paths, spaces and control characters at once.
public func validateCaseID(_ id: String) throws {
    let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    let shown = id.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "?" : String($0) }.joined()
    guard !id.isEmpty, id.count <= 128, id.allSatisfy(allowed.contains),
          let first = id.first, first.isLetter || first.isNumber, !id.contains("..") else {
        throw TutorError("The case ID \"\(shown)\" is not allowed: use 1–128 letters, digits, '.', '_' or '-', "
            + "starting with a letter or digit, and no \"..\".")
    }
}

/// A patient ID is only stored, never used as a path, but control characters are still refused.
func validatePatientID(_ id: String) throws {
    guard !id.isEmpty, id.count <= 256, !id.unicodeScalars.contains(where: { $0.value < 32 || $0.value == 127 }) else {
        throw TutorError("The patient ID \"\(id)\" is empty, too long, or holds control characters.")
    }
}

/// Resolves `relative` (a file name taken from an input such as an MSD dataset.json) inside `folder`
/// and refuses it when it would escape the folder: absolute paths, `..` components, control characters.
func resolveInside(_ folder: String, _ relative: String, source: String) throws -> String {
    let hasControl = relative.unicodeScalars.contains { $0.value < 32 || $0.value == 127 }
    let parts = relative.split(separator: "/")
    guard !relative.isEmpty, !relative.hasPrefix("/"), !hasControl, !parts.contains("..") else {
        throw TutorError("\(source) names the file \"\(relative)\", which would lie outside \(folder); refusing it.")
    }
    return (folder as NSString).appendingPathComponent(parts.filter { $0 != "." }.joined(separator: "/"))
}

/// The NIfTI ending of a file name (`.nii.gz` or `.nii`), or a TutorError naming the file.
func niftiEnding(_ path: String) throws -> String {
    let lower = path.lowercased()
    if lower.hasSuffix(".nii.gz") { return ".nii.gz" }
    if lower.hasSuffix(".nii") { return ".nii" }
    throw TutorError("The file \(path) is not a NIfTI file (.nii or .nii.gz).")
}

/// The file name without its NIfTI ending: `lung_001.nii.gz` → `lung_001`.
func stripNiftiEnding(_ name: String) -> String {
    let base = (name as NSString).lastPathComponent
    if let ending = try? niftiEnding(base) { return String(base.dropLast(ending.count)) }
    return base
}
