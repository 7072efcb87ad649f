// Group commit: every request that queued up while the previous transaction was committing is
// applied in ONE transaction, in arrival order, and the whole batch costs one fsync.
//
// Each request keeps its own atomicity without savepoints: its checks (expected revision,
// idempotency, vault conflict) run against the in-transaction state — which already includes
// the earlier requests of the batch — and it writes nothing unless they pass. So a refused
// request leaves nothing to undo and does not disturb its neighbours. An unexpected SQLite
// error is different: the whole transaction is rolled back and every request in the batch is
// answered "unavailable" — never a success that was not committed.
//
// The chain link of each event (chain.ts) is computed here, inside the same transaction that
// writes the event: `prev` comes from the stream's head row, which the expected-revision check
// reads anyway, and the new head's hash is written back with its revision (and, once the
// events have their positions, the head's position).
import type Database from 'better-sqlite3';
import { decideAppend, type StoredRef } from '../appendRules.js';
import { eventHashOf, GENESIS_HASH, HASH_BYTES } from '../chain.js';
import { sameBytes } from '../vaultRules.js';
import { toWireError, type AppendOutcome, type WireEvent, type WriteReply, type WriteRequest, type WriterStats } from './protocol.js';

type Db = Database.Database;
type Append = Extract<WriteRequest, { op: 'append' }>;

/** Errors after which the file or the disk can no longer be trusted: stop writing. */
const fatalCodes = /^SQLITE_(IOERR|CORRUPT|NOTADB|CANTOPEN|READONLY)/;

export const isFatal = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' && fatalCodes.test(error.code);

export class BatchWriter {
  private readonly headOf;
  private readonly refOf;
  private readonly eventAt;
  private readonly positionOf;
  private readonly setHead;
  private readonly setHeadPosition;
  private readonly insertEvent;
  private readonly vaultGet;
  private readonly vaultInsert;
  private readonly vaultDelete;
  private counters = { transactions: 0, appends: 0, events: 0, conflicts: 0, vaultWrites: 0, largestBatch: 0, heldCommits: 0 };

  constructor(private readonly db: Db) {
    this.headOf = db.prepare<[string], { revision: number; hash: string }>(
      'SELECT revision, lower(hex(hash)) AS hash FROM streams WHERE stream = ?',
    );
    this.refOf = db.prepare<[string], StoredRef>('SELECT stream, revision, position FROM events WHERE id = ?');
    this.eventAt = db.prepare<[number], WireEvent>(
      `SELECT position, stream, revision, id, type, data, metadata, lower(hex(prev)) AS prev, lower(hex(hash)) AS hash
         FROM events WHERE position = ?`,
    );
    this.positionOf = db.prepare<[string, number], { position: number }>(
      'SELECT position FROM events WHERE stream = ? AND revision = ?',
    );
    this.setHead = db.prepare<[string, number, string]>(
      `INSERT INTO streams (stream, revision, hash) VALUES (?, ?, unhex(?))
       ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision, hash = excluded.hash`,
    );
    this.setHeadPosition = db.prepare<[number, string]>('UPDATE streams SET position = ? WHERE stream = ?');
    this.insertEvent = db.prepare<[string, number, string, string, string, string, string, string]>(
      'INSERT INTO events (stream, revision, id, type, data, metadata, prev, hash) VALUES (?, ?, ?, ?, ?, ?, unhex(?), unhex(?))',
    );
    this.vaultGet = db.prepare<[string], { wrapped: Buffer }>('SELECT wrapped FROM vault WHERE id = ?');
    this.vaultInsert = db.prepare<[string, Buffer]>('INSERT INTO vault (id, wrapped) VALUES (?, ?)');
    this.vaultDelete = db.prepare<[string]>('DELETE FROM vault WHERE id = ?');
  }

  stats(): WriterStats {
    return { ...this.counters };
  }

  /** Counts a commit that the commit window held (the worker waits; this only counts). */
  held(): void {
    this.counters.heldCommits++;
  }

  /** Commits the batch; throws only when the error is fatal (after answering the batch). */
  commit(batch: readonly WriteRequest[]): { replies: WriteReply[]; fatal?: unknown } {
    let replies: WriteReply[];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      replies = batch.map((request) => this.apply(request));
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.rollbackQuietly();
      const message = `the SQLite write failed: ${error instanceof Error ? error.message : String(error)}`;
      const failed = batch.map((r): WriteReply => ({ seq: r.seq, ok: false, error: { kind: 'unavailable', message } }));
      return isFatal(error) ? { replies: failed, fatal: error } : { replies: failed };
    }
    this.count(batch, replies);
    return { replies: this.checkpointIfDestroyed(batch, replies) };
  }

  private apply(request: WriteRequest): WriteReply {
    switch (request.op) {
      case 'append':
        return this.append(request);
      case 'put': {
        const current = this.vaultGet.get(request.id);
        if (current === undefined) this.vaultInsert.run(request.id, Buffer.from(request.wrapped));
        else if (!sameBytes(current.wrapped, request.wrapped)) {
          return { seq: request.seq, ok: false, error: { kind: 'vaultConflict', id: request.id } };
        }
        return { seq: request.seq, ok: true };
      }
      case 'destroy':
        this.vaultDelete.run(request.id);
        return { seq: request.seq, ok: true };
    }
  }

  private append({ seq, stream, expected, events }: Append): WriteReply {
    const headRow = this.headOf.get(stream);
    const head = headRow?.revision;
    const ids = events.map((e) => e.id);
    const decision = decideAppend(stream, ids, expected, head, ids.map((id) => this.refOf.get(id)));
    const reply = (append: AppendOutcome): WriteReply => ({ seq, ok: true, append });
    switch (decision.kind) {
      case 'refuse':
        return { seq, ok: false, error: toWireError(decision.error) };
      case 'empty': {
        const position = head === undefined ? 0 : (this.positionOf.get(stream, head)?.position ?? 0);
        return reply({ kind: 'stored', nextExpectedRevision: head ?? -1, position, events: [], fresh: false });
      }
      case 'retry':
        return reply(this.outcome(decision.refs.map((ref) => this.stored(ref.position)), false));
      case 'write': {
        const first = decision.firstRevision;
        // links[i] is event i's prev, links[i + 1] its hash.
        const links = [headRow?.hash ?? GENESIS_HASH];
        for (const [i, e] of events.entries()) links.push(eventHashOf(stream, first + i, e.id, e.type, e.data, e.metadata, links[i]!));
        // The head first: events.stream references streams.stream (foreign_keys is on).
        this.setHead.run(stream, first + events.length - 1, links[events.length]!);
        const positions = events.map((e, i) =>
          Number(this.insertEvent.run(stream, first + i, e.id, e.type, e.data, e.metadata, links[i]!, links[i + 1]!).lastInsertRowid),
        );
        const last = positions.at(-1) ?? 0;
        this.setHeadPosition.run(last, stream);
        // One writer in an IMMEDIATE transaction gets consecutive rowids; should that ever not
        // hold, the events go back in full rather than with positions the client would guess.
        if (positions.every((position, i) => position === last - (positions.length - 1) + i)) {
          const hashes = links.slice(1).join('');
          return reply({ kind: 'linked', nextExpectedRevision: first + events.length - 1, position: last, prev: links[0]!, hashes });
        }
        const written = events.map((e, i): WireEvent => ({ position: positions[i]!, stream, revision: first + i, ...e, prev: links[i]!, hash: links[i + 1]! }));
        return reply(this.outcome(written, true));
      }
    }
  }

  private stored(position: number): WireEvent {
    const event = this.eventAt.get(position);
    if (event === undefined) throw new Error(`event at position ${position} vanished inside a transaction`);
    return event;
  }

  private outcome(events: readonly WireEvent[], fresh: boolean): AppendOutcome {
    const last = events.at(-1);
    if (last === undefined) throw new Error('an append outcome needs at least one event');
    return { kind: 'stored', nextExpectedRevision: last.revision, position: last.position, events, fresh };
  }

  /**
   * secure_delete zeroed the destroyed rows in the page images the DELETE wrote — but those
   * images sit in the WAL, and OLDER images of the same pages, still holding the wrapped key,
   * stay in the WAL (and the old page in the database file) until a checkpoint. A TRUNCATE
   * checkpoint copies the zeroed pages into the database file and cuts the WAL to zero bytes,
   * so no copy of the key is left in either file. It waits (busy_timeout) for readers on
   * older snapshots; if it still cannot finish, the destroy is answered "unavailable" so the
   * caller retries it (destroy is idempotent) rather than believing the key is gone.
   */
  private checkpointIfDestroyed(batch: readonly WriteRequest[], replies: WriteReply[]): WriteReply[] {
    if (!batch.some((r) => r.op === 'destroy')) return replies;
    let why: string;
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      if (result?.busy === 0) return replies;
      why = 'readers kept it busy';
    } catch (error) {
      why = error instanceof Error ? error.message : String(error);
    }
    const message = `the vault entry is deleted, but the WAL still holds old copies (checkpoint failed: ${why}); retry destroy`;
    return replies.map((reply, i) =>
      batch[i]?.op === 'destroy' ? { seq: reply.seq, ok: false, error: { kind: 'unavailable', message } } : reply,
    );
  }

  private count(batch: readonly WriteRequest[], replies: readonly WriteReply[]): void {
    const c = this.counters;
    c.transactions++;
    c.largestBatch = Math.max(c.largestBatch, batch.length);
    replies.forEach((reply, i) => {
      const op = batch[i]?.op;
      if (!reply.ok) c.conflicts += op === 'append' ? 1 : 0;
      else if (op !== 'append') c.vaultWrites++;
      else {
        c.appends++;
        const append = reply.append;
        if (append?.kind === 'linked') c.events += append.hashes.length / (2 * HASH_BYTES);
        else if (append?.fresh === true) c.events += append.events.length;
      }
    });
  }

  private rollbackQuietly(): void {
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // SQLite may already have rolled back on its own (SQLITE_FULL, I/O errors); either way
      // nothing of the batch is committed.
    }
  }
}
