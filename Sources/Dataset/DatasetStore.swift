import Foundation
import GRDB
import Volumes

/// A dataset on disk: a folder of images, labels, box files and proposals, indexed by `tutor.sqlite`
/// (SQLite in WAL mode, so readers never wait for writers). Several processes may open the same
/// dataset at once; every change is one short write transaction. See Docs/dataset.md for the layout.
public final class DatasetStore: @unchecked Sendable {
    /// The dataset folder (absolute).
    public let root: String
    /// A pool (WAL: concurrent readers, one writer) or, for read-only opens, one read-only connection.
    let pool: any DatabaseWriter

    public static let indexName = "tutor.sqlite"
    public static let casesFolder = "cases"

    /// The user recorded for changes when none is given (`defaultUser(environment:)` of this process).
    public static var defaultUser: String { defaultUser(environment: ProcessInfo.processInfo.environment) }

    /// `$USER`, else `$LOGNAME`, else the account name of the process's user id (sessions started
    /// by `docker exec`, cron or systemd often set neither variable, and the audit log should still
    /// say who it was), else `uid N`.
    public static func defaultUser(environment: [String: String]) -> String {
        for key in ["USER", "LOGNAME"] { if let name = environment[key], !name.isEmpty { return name } }
        let uid = getuid()
        var entry = passwd(), result: UnsafeMutablePointer<passwd>? = nil
        var buffer = [CChar](repeating: 0, count: 4096)
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name {
            let account = String(cString: name)
            if !account.isEmpty { return account }
        }
        return "uid \(uid)"
    }

    private init(root: String, pool: any DatabaseWriter) {
        self.root = root
        self.pool = pool
    }

    /// Makes a new, empty dataset in `path` (created if missing; it must not already be a dataset or
    /// hold other files).
    public static func create(at path: String, name: String? = nil) throws -> DatasetStore {
        let root = absolute(path)
        let fm = FileManager.default
        if fm.fileExists(atPath: (root as NSString).appendingPathComponent(indexName)) {
            throw TutorError("\(path) is already a dataset; nothing was changed.")
        }
        if let contents = try? fm.contentsOfDirectory(atPath: root), !contents.isEmpty {
            throw TutorError("The folder \(path) is not empty; make a dataset in a new or empty folder.")
        }
        do {
            try fm.createDirectory(atPath: (root as NSString).appendingPathComponent(casesFolder),
                                   withIntermediateDirectories: true)
        } catch {
            throw TutorError("Cannot create the dataset folder \(path).")
        }
        let pool = try connect(root)
        try Schema.migrator.migrate(pool)
        let title = name ?? (root as NSString).lastPathComponent
        try pool.write { db in
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('name', ?), ('created', ?)",
                           arguments: [title, timestamp()])
        }
        return DatasetStore(root: root, pool: pool)
    }

    /// Opens an existing dataset; refuses a folder with no index or an index from a newer tutor.
    /// `readOnly` opens one read-only connection, which neither writes nor checkpoints on close: the
    /// quick way in for commands that only look (`status`, `log`); an index that needs migrating is refused.
    public static func open(_ path: String, readOnly: Bool = false) throws -> DatasetStore {
        let root = absolute(path)
        guard FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(indexName)) else {
            throw TutorError("\(path) is not a dataset (no \(indexName)); make one with `tutor dataset init`.")
        }
        let pool = try connect(root, readOnly: readOnly)
        let migrator = Schema.migrator
        let (superseded, complete) = try guarded(path) {
            try pool.read { db in (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db)) }
        }
        if superseded {
            throw TutorError("The dataset \(path) was written by a newer tutor (its index schema is newer than this "
                + "build knows); update tutor to open it.")
        }
        if !complete && readOnly {
            throw TutorError("The dataset \(path) needs its index upgraded; open it once for writing (e.g. `tutor dataset check`).")
        }
        if !complete { try guarded(path) { try migrator.migrate(pool) } }
        return DatasetStore(root: root, pool: pool)
    }

    private static func connect(_ root: String, readOnly: Bool = false) throws -> any DatabaseWriter {
        var config = Configuration()
        config.busyMode = .timeout(60)   // writers queue behind each other rather than fail
        config.foreignKeysEnabled = true
        // Files are fsynced before their rows commit, so NORMAL (no fsync per WAL commit) keeps the
        // index consistent even after a power cut; at worst the last commits are lost and their files
        // become leftovers. A killed process loses nothing either way.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let file = (root as NSString).appendingPathComponent(indexName)
        if readOnly {
            config.readonly = true
            return try guarded(root) { try DatabaseQueue(path: file, configuration: config) }
        }
        return try guarded(root) { try DatabasePool(path: file, configuration: config) }
    }

    /// Runs `body`, turning a database error into one sentence that names the dataset.
    @discardableResult
    static func guarded<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as TutorError { throw error } catch let error as DatabaseError {
            throw TutorError("The dataset index in \(path) cannot be used: \(error.message ?? "\(error.resultCode)").")
        }
    }

    // MARK: Reading

    /// The dataset's name, given at `init`.
    public func name() throws -> String {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'name'") ?? "" }
    }

    /// Every case, sorted by ID.
    public func cases() throws -> [DatasetCase] {
        try pool.read { db in try DatasetCase.order(Column("id")).fetchAll(db) }
    }

    /// One case; throws when the dataset has no case with this ID.
    public func `case`(_ id: String) throws -> DatasetCase {
        try pool.read { db in try Self.fetchCase(db, id) }
    }

    static func fetchCase(_ db: Database, _ id: String) throws -> DatasetCase {
        guard let c = try DatasetCase.fetchOne(db, key: id) else {
            throw TutorError("The dataset has no case \"\(id)\".")
        }
        return c
    }

    /// Absolute path of a stored file given its dataset-relative path.
    public func absolutePath(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    /// Absolute path of the case's CT image.
    public func imagePath(_ id: String) throws -> String { absolutePath(try self.case(id).image) }

    /// Absolute path of the case's current mask (strong label, proposal under review, or accepted proposal).
    public func maskPath(_ id: String) throws -> String? { try self.case(id).maskPath.map(absolutePath) }

    /// The case's latest box file, or nil when it has none.
    public func boxes(_ id: String) throws -> BoxFile? {
        guard let path = try self.case(id).boxesPath else { return nil }
        return try BoxFile.load(json: absolutePath(path))
    }

    /// Every stored version of a case's files, oldest first.
    public func files(_ id: String) throws -> [LabelFile] {
        try pool.read { db in
            try LabelFile.filter(Column("caseID") == id).order(Column("kind"), Column("revision")).fetchAll(db)
        }
    }

    /// The audit log, oldest first: of one case, or of the whole dataset when `id` is nil.
    public func audit(_ id: String? = nil) throws -> [AuditEvent] {
        try pool.read { db in
            var request = AuditEvent.order(Column("seq"))
            if let id { request = request.filter(Column("caseID") == id) }
            return try request.fetchAll(db)
        }
    }

    /// Case counts per state and per annotator: two GROUP BY queries on an index, so it stays fast on
    /// large datasets.
    public func status() throws -> DatasetStatus {
        try pool.read { db in
            var s = DatasetStatus(name: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'name'") ?? "")
            for row in try Row.fetchAll(db, sql: "SELECT state, updatedBy, COUNT(*) AS n FROM cases GROUP BY state, updatedBy") {
                let state: String = row["state"], user: String = row["updatedBy"], n: Int = row["n"]
                s.cases += n
                switch CaseState(rawValue: state) {
                case .strong: s.strong += n
                case .weak: s.weak += n
                case .proposed: s.proposed += n
                case .accepted: s.accepted += n
                case .rejected: s.rejected += n
                case nil: break
                }
                s.annotators[user, default: [:]][state, default: 0] += n
            }
            return s
        }
    }

    // MARK: Helpers

    static func absolute(_ path: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let full = expanded.hasPrefix("/") ? expanded
            : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded)
        return (full as NSString).standardizingPath
    }

    /// The current time as ISO 8601 UTC with milliseconds, e.g. `2026-11-26T14:03:00.123Z`.
    static func timestamp() -> String { isoFormatter().string(from: Date()) }

    /// Reads a time written by `timestamp`.
    static func date(_ timestamp: String) -> Date? { isoFormatter().date(from: timestamp) }

    private static func isoFormatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }

    /// This machine's name, as recorded in locks.
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(cString: buffer)
    }()

    /// The dataset-relative folder of a case.
    static func caseFolder(_ id: String) -> String { "\(casesFolder)/\(id)" }
}
