// Reads on the main thread through a read-only connection. WAL gives each statement a
// consistent snapshot without waiting for the writer, and reads are small: each call fetches
// one page with `.all()`, so no read transaction is held open across an `await` (an open one
// would pin the WAL and stop checkpoints).
import type Database from 'better-sqlite3';
import type { RecordedEvent } from '../eventStore.js';
import { decodeJsonObject } from '../json.js';
import type { WireEvent } from './protocol.js';

type Db = Database.Database;

const columns = 'position, stream, revision, id, type, data, metadata';

export const decodeEvent = (row: WireEvent): RecordedEvent => ({
  stream: row.stream,
  revision: row.revision,
  position: row.position,
  id: row.id,
  type: row.type,
  data: decodeJsonObject(row.data),
  metadata: decodeJsonObject(row.metadata),
});

export class Reader {
  private readonly forwards;
  private readonly backwards;
  private readonly all;
  private readonly head;
  private readonly vault;

  constructor(private readonly db: Db) {
    this.forwards = db.prepare<[string, number, number], WireEvent>(
      `SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.backwards = db.prepare<[string, number, number], WireEvent>(
      `SELECT ${columns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    );
    this.all = db.prepare<[number, number], WireEvent>(
      `SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`,
    );
    // MAX over the INTEGER PRIMARY KEY is one probe of the table's b-tree.
    this.head = db.prepare<[], { head: number | null }>('SELECT MAX(position) AS head FROM events');
    this.vault = db.prepare<[string], { wrapped: Buffer }>('SELECT wrapped FROM vault WHERE id = ?');
  }

  streamPage(stream: string, from: number, backwards: boolean, limit: number): RecordedEvent[] {
    return (backwards ? this.backwards : this.forwards).all(stream, from, limit).map(decodeEvent);
  }

  allPage(after: number, limit: number): RecordedEvent[] {
    return this.all.all(after, limit).map(decodeEvent);
  }

  headPosition(): number {
    return this.head.get()?.head ?? 0;
  }

  vaultEntry(id: string): Uint8Array | undefined {
    const row = this.vault.get(id);
    // A copy: the caller may wipe it, and it must not alias better-sqlite3's buffer.
    return row === undefined ? undefined : Uint8Array.from(row.wrapped);
  }

  close(): void {
    this.db.close();
  }
}
