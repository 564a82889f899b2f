import Foundation
import Volumes

/// Crash-safe file writes. A file is first written in full to a hidden temporary file in the same
/// folder and fsynced; only then does it get its final name, and the folder is fsynced too.
/// A process killed at any moment leaves either no file, a hidden temporary file (ignored, swept by
/// `DatasetStore.verify`), or the complete file.
enum AtomicFile {
    /// A temporary file written and fsynced, ready to be given its final name.
    struct Staged {
        let path: String
        let sha256: String
        let bytes: Int
    }

    /// Writes `data` to a hidden temporary file next to `finalPath`.
    static func stage(_ data: Data, near finalPath: String) throws -> Staged {
        let temp = tempPath(near: finalPath)
        let fd = try create(temp)
        defer { close(fd) }
        try data.withUnsafeBytes { raw in try writeAll(fd, raw, temp) }
        try sync(fd, temp)
        return Staged(path: temp, sha256: SHA256.hex(of: data), bytes: data.count)
    }

    /// Copies `source` byte for byte to a hidden temporary file next to `finalPath`, hashing as it goes.
    static func stage(copyOf source: String, near finalPath: String) throws -> Staged {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw TutorError("Cannot open \(source) to copy it.") }
        defer { close(input) }
        let temp = tempPath(near: finalPath)
        let fd = try create(temp)
        defer { close(fd) }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 { unlink(temp); throw TutorError("Reading \(source) failed while copying it.") }
            if n == 0 { break }
            try buffer.withUnsafeBytes { try writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<n]), temp) }
            hasher.update(buffer[0..<n])
            total += n
        }
        try sync(fd, temp)
        return Staged(path: temp, sha256: hasher.hexDigest(), bytes: total)
    }

    /// Gives a staged file its final name without ever replacing an existing file (link + unlink):
    /// returns false when `finalPath` already exists, so the caller can pick the next version.
    /// The folder is fsynced unless `syncFolder` is false (a caller publishing several files into one
    /// folder then syncs it once itself, before it commits the index).
    static func publish(_ staged: Staged, as finalPath: String, syncFolder sync: Bool = true) throws -> Bool {
        if link(staged.path, finalPath) != 0 {
            if errno == EEXIST { return false }
            throw TutorError("Cannot create \(finalPath): \(String(cString: strerror(errno))).")
        }
        unlink(staged.path)
        if sync { syncFolder(of: finalPath) }
        return true
    }

    /// Replaces `finalPath` with a staged file (rename): for files that are rewritten whole, such as splits.json.
    static func replace(_ finalPath: String, with staged: Staged) throws {
        guard rename(staged.path, finalPath) == 0 else {
            unlink(staged.path)
            throw TutorError("Cannot write \(finalPath): \(String(cString: strerror(errno))).")
        }
        syncFolder(of: finalPath)
    }

    static func discard(_ staged: Staged) { unlink(staged.path) }

    static let tempPrefix = ".tmp-"

    private static func tempPath(near finalPath: String) -> String {
        let folder = (finalPath as NSString).deletingLastPathComponent
        let name = "\(tempPrefix)\(getpid())-\(UUID().uuidString.prefix(8))-" + (finalPath as NSString).lastPathComponent
        return (folder as NSString).appendingPathComponent(name)
    }

    private static func create(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw TutorError("Cannot create \(path): \(String(cString: strerror(errno))).") }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = String(cString: strerror(errno))
                unlink(path)
                throw TutorError("Writing \(path) failed: \(reason).")
            }
            offset += n
        }
    }

    private static func sync(_ fd: Int32, _ path: String) throws {
        guard fsync(fd) == 0 else {
            unlink(path)
            throw TutorError("Cannot flush \(path) to disk: \(String(cString: strerror(errno))).")
        }
    }

    static func syncFolder(of path: String) {
        let fd = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

extension AtomicFile {
    /// Takes a temporary file someone else wrote (e.g. `NIfTI.write`), fsyncs and hashes it.
    static func stage(written path: String) throws -> Staged {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TutorError("Cannot reopen \(path) after writing it.") }
        defer { close(fd) }
        guard fsync(fd) == 0, let data = FileManager.default.contents(atPath: path) else {
            unlink(path)
            throw TutorError("Cannot flush \(path) to disk.")
        }
        return Staged(path: path, sha256: SHA256.hex(of: data), bytes: data.count)
    }
}
