// The SQLite file: its connections' settings and its schema, versioned by `PRAGMA user_version`
// so a later release can migrate a data directory forward (and an older release refuses a
// newer file instead of misreading it).
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { chainExistingEvents } from './chainMigration.js';

type Db = Database.Database;

/** The high-volume event type the type index leaves out (migration 3). */
export const UNINDEXED_TYPE = 'KeyUsed';
/** The one operation whose events span streams, which the request index holds (migration 3). */
export const SPANNING_OPERATION = 'ReEncrypt';

/** Each migration takes the schema from version i to i + 1; append only, never edit. */
const migrations: readonly ((db: Db) => void)[] = [
  (db) =>
    db.exec(`
      -- The head revision per stream makes the expected-revision check one primary-key probe,
      -- and lists the streams whose heads a signed checkpoint folds together.
      CREATE TABLE streams (
        stream   TEXT PRIMARY KEY,
        revision INTEGER NOT NULL CHECK (revision >= 0)
      ) WITHOUT ROWID;

      -- AUTOINCREMENT: a position is never handed out twice, even after a rolled-back write.
      CREATE TABLE events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        stream   TEXT NOT NULL REFERENCES streams (stream),
        revision INTEGER NOT NULL CHECK (revision >= 0),
        id       TEXT NOT NULL UNIQUE,
        type     TEXT NOT NULL,
        data     TEXT NOT NULL,
        metadata TEXT NOT NULL,
        UNIQUE (stream, revision)
      );

      -- The log is immutable; the database says so too, not only the code.
      CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
      CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;

      -- The one mutable table: wrapped per-key KEKs, deleted for crypto-shredding.
      CREATE TABLE vault (
        id      TEXT PRIMARY KEY,
        wrapped BLOB NOT NULL
      ) WITHOUT ROWID;
    `),
  // 2: the hash chain (DESIGN.md, "Tamper evidence"; chain.ts). Existing rows get their links
  // computed here, inside the migration's transaction, and their text made canonical.
  chainExistingEvents,
  // 3: the forensic reads of one key (its history, its audit trail for a day) must not scan
  // the log (eventStore.ts: readStream with types, readOccurred, readRequest). A key's stream
  // holds every use of the key, so its lifecycle is found by type; and the events of one
  // ReEncrypt, the request that spans streams (two keys), by its request id. Both indexes leave
  // out every KeyUsed of other operations — the event of every cryptographic request — which
  // they never need: an entry each costs the hot path b-tree pages in every commit (measured:
  // full indexes by type, by time and by request id took durable Encrypt at concurrency 64
  // from ~9,500 to ~6,700 ops/s). A window of time needs no index (reader.ts: a binary search
  // of each stream's revisions). Expression and partial
  // indexes: SQLite keeps them in the append's own transaction, so they never lag the log, and
  // a query must spell the expression and the condition exactly as here to use them.
  (db) =>
    db.exec(`
      CREATE INDEX events_by_stream_type ON events (stream, type) WHERE type <> '${UNINDEXED_TYPE}';
      CREATE INDEX events_by_request ON events (json_extract(metadata, '$.request.requestId'))
        WHERE json_extract(metadata, '$.request.operation') = '${SPANNING_OPERATION}';
    `),
];

export const schemaVersion = migrations.length;

/** How long a connection waits for a lock (a checkpoint waiting for readers, mostly). */
const busyTimeoutMs = 5000;

/**
 * The writer's connection. WAL lets the main thread read while the writer commits;
 * synchronous=FULL fsyncs the WAL at every commit, so an acknowledged append survives power
 * loss; secure_delete makes SQLite overwrite deleted vault rows with zeros instead of leaving
 * them in free space.
 */
export const openWriteConnection = (path: string): Db => {
  // The log holds wrapped key material and who used which key: owner-only, like the root key.
  // Created here before SQLite sees it, since SQLite gives the -wal and -shm files the mode of
  // the database file.
  closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL mode on ${path} (got ${String(mode)})`);
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('secure_delete = ON');
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

const migrate = (db: Db): void => {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > schemaVersion) {
    throw new Error(`${db.name} has schema version ${version}; this keyledger knows up to ${schemaVersion}`);
  }
  db.transaction(() => {
    for (let v = version; v < schemaVersion; v++) {
      migrations[v]?.(db);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
};

/**
 * Memory-maps a connection's database file, up to SQLite's cap (2 GiB in this build; past it the
 * rest is read the usual way). Safe beside a running writer: SQLite keeps mapped pages
 * consistent with the WAL, and keyledger never shrinks the main file (auto_vacuum is off, it
 * never runs VACUUM, and a WAL checkpoint truncates only the -wal file). The cost: a disk or
 * network-filesystem error on a mapped page ends the process with SIGBUS instead of an I/O error,
 * so a reader of damaged media dies (non-zero exit, nothing reported as verified) rather than
 * naming the page.
 */
export const MMAP_PRAGMA = 'mmap_size = 1099511627776';

/** A read-only connection for the main thread; WAL readers never wait for the writer. */
export const openReadConnection = (path: string): Db => {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  return db;
};

/**
 * A read-only connection for the CLI's reads of a data directory — a stopped server's, a copy
 * (`keyledger verify`), or a running server's: it cannot migrate, so the file must already be at
 * this release's schema.
 *
 * The file is memory-mapped (see MMAP_PRAGMA), as the verify threads' connections are: a forensic
 * read of one key jumps between pages shared with every other key, and a mapped page is read in
 * place instead of copied out of the OS cache by a system call (measured on the million-event
 * log: the hot key's day 140 -> 116-132 ms median, 370 -> 300-330 ms in a fresh process).
 */
export const openReadOnlyDatabase = (path: string): Db => {
  const db = openReadConnection(path);
  try {
    db.pragma(MMAP_PRAGMA);
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version !== schemaVersion) {
      const why =
        version > schemaVersion
          ? `this keyledger knows up to ${schemaVersion}`
          : `open it once with a keyledger of schema ${schemaVersion} (which migrates it) before reading it read-only`;
      throw new Error(`${path} has schema version ${version}; ${why}`);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};
