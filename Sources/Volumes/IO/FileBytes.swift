import Foundation

/// Whole-file reads and atomic writes, with errors that name the file.
enum FileBytes {
    /// The bytes of the file at `path`; throws when it is missing, a folder, unreadable or empty.
    static func read(_ path: String) throws -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw TutorError("\(path) does not exist.")
        }
        if isDir.boolValue { throw TutorError("\(path) is a folder, not a volume file.") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TutorError("\(path) cannot be read (permission denied or an I/O error).")
        }
        if data.isEmpty { throw TutorError("\(path) is empty.") }
        return [UInt8](data)
    }

    /// Writes a file atomically: `body` gets a `write` function for successive pieces of the file,
    /// which go to a temporary file in the same folder, renamed over `path` only once all went
    /// well, so no reader ever sees half a file and a failure leaves nothing behind.
    static func writeAtomically(to path: String, _ body: (_ write: (UnsafeRawBufferPointer) -> Void) -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw TutorError("cannot write \(path): the folder \(folder) does not exist.")
        }
        let temp = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard let file = fopen(temp, "wb") else {
            throw TutorError("cannot write \(path): \(String(cString: strerror(errno))).")
        }
        var ok = true
        body { piece in if ok && piece.count > 0 { ok = fwrite(piece.baseAddress, 1, piece.count, file) == piece.count } }
        ok = (fclose(file) == 0) && ok
        guard ok, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw TutorError("cannot write \(path): \(reason).")
        }
    }
}
