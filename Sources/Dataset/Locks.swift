import Foundation
import GRDB
import Volumes

// A case being edited is locked by a row in `locks`: user, pid, host, time. While it is held by another
// live process, every change to the case from elsewhere is refused with a sentence naming the holder.
// A lock whose process has died (same host, pid gone) is stale and is recovered silently apart from an
// audit line; a lock from another host cannot be checked and is honoured for `remoteLockHours`.

extension DatasetStore {
    /// How long a lock taken on another machine is honoured.
    public static let remoteLockHours = 12.0

    /// Locks a case for editing by this process. Refreshes a lock this process already holds; recovers a
    /// stale one; refuses, naming the holder, when another live process holds it.
    @discardableResult
    public func lock(_ id: String, user: String) throws -> CaseLock {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                _ = try Self.fetchCase(db, id)
                try checkLock(db, id)
                let lock = CaseLock(caseID: id, user: user, pid: getpid(), host: Self.hostName, at: Self.timestamp())
                try lock.save(db)
                return .commit
            }
            return try CaseLock.fetchOne(db, key: id)!
        }
    }

    /// Releases this process's lock on a case (no-op when it holds none); refuses another process's lock.
    public func unlock(_ id: String) throws {
        try pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                try checkLock(db, id)
                _ = try CaseLock.deleteOne(db, key: id)
                return .commit
            }
        }
    }

    /// The lock on a case, if any (whether live or stale).
    public func lockHolder(_ id: String) throws -> CaseLock? {
        try pool.read { db in try CaseLock.fetchOne(db, key: id) }
    }

    /// Throws when another live process holds the case's lock; removes a stale lock (with an audit line).
    func checkLock(_ db: Database, _ id: String) throws {
        guard let lock = try CaseLock.fetchOne(db, key: id) else { return }
        if lock.pid == getpid() && lock.host == Self.hostName { return }
        if Self.isAlive(lock) {
            throw TutorError("Case \(id) is being edited by \(lock.user) (process \(lock.pid) on \(lock.host) "
                + "since \(lock.at)); try again when they are done.")
        }
        try lock.delete(db)
        var event = AuditEvent(caseID: id, at: Self.timestamp(), user: lock.user, action: "lock-recovered",
                               note: "stale lock of process \(lock.pid) on \(lock.host) since \(lock.at)")
        try event.insert(db)
    }

    static func isAlive(_ lock: CaseLock) -> Bool {
        if lock.host != hostName {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let since = formatter.date(from: lock.at) else { return false }
            return Date().timeIntervalSince(since) < remoteLockHours * 3600
        }
        return kill(lock.pid, 0) == 0 || errno == EPERM
    }
}
