import GRDB

/// The index schema, one migration per version. Append new migrations; never edit a shipped one.
/// A dataset whose index knows a migration this build does not was written by a newer tutor and is
/// refused rather than misread.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE cases (
                    id TEXT PRIMARY KEY, patient TEXT NOT NULL, state TEXT NOT NULL,
                    image TEXT NOT NULL, imageSHA256 TEXT NOT NULL,
                    sizeI INTEGER NOT NULL, sizeJ INTEGER NOT NULL, sizeK INTEGER NOT NULL,
                    spacingX REAL NOT NULL, spacingY REAL NOT NULL, spacingZ REAL NOT NULL,
                    tumourML REAL, maskPath TEXT, boxesPath TEXT, boxRevision INTEGER,
                    referencePath TEXT, reason TEXT, updatedAt TEXT NOT NULL, updatedBy TEXT NOT NULL);
                CREATE INDEX cases_state ON cases(state, updatedBy);
                CREATE TABLE files (
                    caseID TEXT NOT NULL REFERENCES cases(id), kind TEXT NOT NULL, revision INTEGER NOT NULL,
                    path TEXT NOT NULL UNIQUE, sha256 TEXT NOT NULL, createdAt TEXT NOT NULL,
                    createdBy TEXT NOT NULL, weightsHash TEXT, boxRevision INTEGER,
                    PRIMARY KEY (caseID, kind, revision));
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, caseID TEXT NOT NULL, at TEXT NOT NULL,
                    user TEXT NOT NULL, action TEXT NOT NULL, fromState TEXT, toState TEXT, path TEXT,
                    weightsHash TEXT, boxRevision INTEGER, note TEXT);
                CREATE INDEX events_case ON events(caseID, seq);
                CREATE TABLE locks (
                    caseID TEXT PRIMARY KEY REFERENCES cases(id), user TEXT NOT NULL, pid INTEGER NOT NULL,
                    host TEXT NOT NULL, at TEXT NOT NULL);
                CREATE TABLE splits (caseID TEXT PRIMARY KEY REFERENCES cases(id), subset TEXT NOT NULL);
                """)
        }
        // The review queue's order: per proposed case, how much the teacher's proposal and a student's
        // prediction disagree (1 − DSC) and how unsure the teacher was, with the proposal and the student
        // weights they were computed for (a row for another proposal or student is stale).
        m.registerMigration("v2-review-priority") { db in
            try db.execute(sql: """
                CREATE TABLE priorities (
                    caseID TEXT PRIMARY KEY REFERENCES cases(id), proposalPath TEXT NOT NULL,
                    studentHash TEXT NOT NULL, disagreement REAL NOT NULL, uncertainty REAL NOT NULL,
                    computedAt TEXT NOT NULL);
                """)
        }
        return m
    }
}
