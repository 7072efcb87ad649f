// Schema migration 2: the hash chain (DESIGN.md, "Tamper evidence"; chain.ts).
//
// New columns, never an edit of migration 1: `events.prev` and `events.hash` (the raw 32-byte
// link), `streams.hash` (the head's hash, so the writer finds the next `prev` in the same
// primary-key probe that checks the expected revision) and `streams.position` (the head's log
// position: which heads moved since a checkpoint, without a join). ALTER TABLE cannot add a NOT NULL
// column without a default, and a CHECK added with a column is tested against the existing
// rows, so the columns are nullable with a length CHECK, and a trigger refuses any new event
// without its link.
//
// Existing rows get their links here, inside the migration's one transaction: stream by
// stream in revision order, their data and metadata rewritten as canonical JSON (the same
// values; only member order and number spelling can change) and hashed. This is the one time
// an event row is updated, so the update trigger is dropped for the span of the migration and
// recreated exactly as migration 1 wrote it. The chain proves nothing about what happened to
// these rows before it was computed — the report of `verify` starts from here.
import type Database from 'better-sqlite3';
import type { Json, StoredEvent } from '../eventStore.js';
import { CHAIN_MEMBERS, eventHash, GENESIS_HASH } from '../chain.js';
import { canonicalJson } from '../json.js';

type Db = Database.Database;

/** An event row as migration 1 stored it: no link yet. */
type Row = Omit<StoredEvent, 'prev' | 'hash'>;

const pageSize = 1000;

const canonicalText = (text: string, where: string, checkLinks: boolean): string => {
  const value = JSON.parse(text) as Json;
  if (checkLinks && typeof value === 'object' && value !== null) {
    for (const member of CHAIN_MEMBERS) {
      if (Object.hasOwn(value, member)) {
        throw new Error(`cannot chain the log: ${where} already has a metadata member '${member}', which the store now owns`);
      }
    }
  }
  return canonicalJson(value);
};

export const chainExistingEvents = (db: Db): void => {
  db.exec(`
    ALTER TABLE events ADD COLUMN prev BLOB CHECK (length(prev) = 32);
    ALTER TABLE events ADD COLUMN hash BLOB CHECK (length(hash) = 32);
    ALTER TABLE streams ADD COLUMN hash BLOB CHECK (length(hash) = 32);
    ALTER TABLE streams ADD COLUMN position INTEGER CHECK (position > 0);
    DROP TRIGGER events_are_immutable_update;
  `);
  const page = db.prepare<[string, number, number], Row>(
    `SELECT position, stream, revision, id, type, data, metadata FROM events
      WHERE (stream, revision) > (?, ?) ORDER BY stream, revision LIMIT ?`,
  );
  const update = db.prepare<[string, string, string, string, number]>(
    'UPDATE events SET data = ?, metadata = ?, prev = unhex(?), hash = unhex(?) WHERE position = ?',
  );
  const setHead = db.prepare<[string, number, string]>('UPDATE streams SET hash = unhex(?), position = ? WHERE stream = ?');
  let stream = '';
  let revision = -1;
  let position = 0;
  let prev = GENESIS_HASH;
  for (;;) {
    const rows = page.all(stream, revision, pageSize);
    for (const row of rows) {
      if (row.stream !== stream) {
        if (stream !== '') setHead.run(prev, position, stream);
        prev = GENESIS_HASH;
      }
      const where = `event ${row.id} (${row.stream} at revision ${row.revision})`;
      const data = canonicalText(row.data, where, false);
      const metadata = canonicalText(row.metadata, where, true);
      const hash = eventHash({ ...row, data, metadata, prev });
      update.run(data, metadata, prev, hash, row.position);
      ({ stream, revision, position } = row);
      prev = hash;
    }
    if (rows.length < pageSize) break;
  }
  if (stream !== '') setHead.run(prev, position, stream);
  db.exec(`
    CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
    CREATE TRIGGER events_are_chained BEFORE INSERT ON events
      WHEN NEW.prev IS NULL OR NEW.hash IS NULL
      BEGIN SELECT RAISE(ABORT, 'an event needs its chain link (prev, hash)'); END;
  `);
};
