import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { type RecordedEvent, StoreUnavailableError } from '../../src/store/eventStore.js';
import { type FromWriter, toWire, type WriterOptions } from '../../src/store/sqlite/protocol.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { workerSpecOf } from '../../src/store/sqlite/workerSpec.js';
import { describeEventStoreContract } from './contract.js';
import { collect, freshStream, newEvent, newEvents, rejectionOf, tempDir, tick } from './helpers.js';

describeEventStoreContract('sqlite', async () => {
  const temp = tempDir();
  const opened = await openSqliteStore({ path: join(temp.dir, 'keyledger.db') });
  return {
    ...opened,
    close: async () => {
      await opened.close();
      temp.remove();
    },
  };
});

describe('SQLite store', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A store in a fresh directory, closed and removed after the test. */
  const open = async (options: { maxBatch?: number; commitWindowMs?: number } = {}): Promise<{ store: SqliteStore; path: string }> => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'data', 'keyledger.db');
    const store = await openSqliteStore({ path, ...options });
    cleanups.push(() => store.close());
    return { store, path };
  };

  const reopen = async (path: string): Promise<SqliteStore> => {
    const store = await openSqliteStore({ path });
    cleanups.push(() => store.close());
    return store;
  };

  it('keeps events and vault entries across close and reopen, and goes on from there', async () => {
    const { store: first, path } = await open();
    const stream = freshStream();
    await first.store.append(stream, newEvents(3), 'no_stream');
    await first.vault.put('key-1', Uint8Array.of(1, 2, 3));
    const before = await collect(first.store.readAll());
    await first.close();
    expect(existsSync(`${path}-wal`)).toBe(false); // the last connection checkpointed it away

    const second = await reopen(path);
    expect(await collect(second.store.readAll())).toEqual(before);
    expect(await second.vault.get('key-1')).toEqual(Uint8Array.of(1, 2, 3));
    const next = await second.store.append(stream, [newEvent()], 2);
    expect(next.nextExpectedRevision).toBe(3);
    expect(next.position).toBeGreaterThan(before.at(-1)?.position ?? 0);
  });

  it('commits appends made together in one transaction', async () => {
    const { store } = await open();
    const before = store.stats().transactions;
    await Promise.all(Array.from({ length: 300 }, () => store.store.append(freshStream(), newEvents(2), 'no_stream')));
    expect(store.stats().transactions - before).toBe(1);
    expect(store.stats()).toMatchObject({ appends: 300, events: 600 });
  });

  it('batches appends that arrive while a commit is running (group commit)', async () => {
    const { store } = await open();
    const before = store.stats().transactions;
    const appends: Promise<unknown>[] = [];
    // One append per turn of the event loop: no two travel in the same message, so any
    // batching is the writer's.
    for (let i = 0; i < 300; i++) {
      appends.push(store.store.append(freshStream(), [newEvent()], 'no_stream'));
      await tick();
    }
    await Promise.all(appends);
    const transactions = store.stats().transactions - before;
    // Not a timing assertion: every commit fsyncs, which takes far longer than a loop turn,
    // so this holds on any disk (measured: ~16 on ext4, ~31 on tmpfs).
    expect(transactions).toBeLessThan(100);
    expect(store.stats().largestBatch).toBeGreaterThan(1);
  });

  it('answers each request of a batch on its own: conflicts do not abort the others', async () => {
    const { store } = await open();
    const stream = freshStream();
    await store.store.append(stream, [newEvent()], 'no_stream');
    const before = store.stats();
    const outcomes = await Promise.allSettled([
      store.store.append(stream, [newEvent()], 0), // wins
      store.store.append(stream, [newEvent()], 0), // conflict: the one before moved the head
      store.store.append(freshStream(), newEvents(3), 'no_stream'),
      store.store.append(stream, [newEvent()], 1), // sees the first one's write in the same transaction
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(store.stats().transactions - before.transactions).toBe(1);
    expect(store.stats().conflicts - before.conflicts).toBe(1);
  });

  it('holds a commit for its window while others are writing, and takes what arrives meanwhile', async () => {
    // A window far longer than the loop turns below: whatever a slow machine does, the five
    // appends reach the port while the writer sleeps.
    const { store } = await open({ commitWindowMs: 100 });
    await Promise.all([store.store.append(freshStream(), [newEvent()], 'no_stream'), store.store.append(freshStream(), [newEvent()], 'no_stream')]);
    const before = store.stats();
    expect(before.heldCommits).toBe(0); // nothing was written before: no sign of others writing
    const appends: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      appends.push(store.store.append(freshStream(), [newEvent()], 'no_stream'));
      await tick();
    }
    await Promise.all(appends);
    expect(store.stats().transactions - before.transactions).toBe(1);
    expect(store.stats().heldCommits - before.heldCommits).toBe(1);
    expect(store.stats().largestBatch).toBe(5);
  });

  it('never holds a lone writer, nor a commit with enough events queued', async () => {
    const { store } = await open({ commitWindowMs: 100 });
    const stream = freshStream();
    for (let i = 0; i < 5; i++) await store.store.append(stream, [newEvent()], i - 1 < 0 ? 'no_stream' : i - 1);
    // Others writing (a batch of two), then a request that carries enough events on its own.
    await Promise.all([store.store.append(freshStream(), [newEvent()], 'no_stream'), store.store.append(freshStream(), [newEvent()], 'no_stream')]);
    await store.store.append(freshStream(), newEvents(16), 'no_stream');
    expect(store.stats().heldCommits).toBe(0);
  });

  it('does not hold the first request after a quiet spell longer than the window', async () => {
    const { store } = await open({ commitWindowMs: 20 });
    await Promise.all([store.store.append(freshStream(), [newEvent()], 'no_stream'), store.store.append(freshStream(), [newEvent()], 'no_stream')]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await store.store.append(freshStream(), [newEvent()], 'no_stream');
    expect(store.stats().heldCommits).toBe(0);
  });

  it('commits what a held commit gathered, and closes once, when close arrives during the window', async () => {
    // The store's own close waits for every answer before it sends close, so the thread is
    // driven directly here: requests, close and one more request all land inside one window.
    const temp = tempDir();
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'keyledger.db');
    const spec = workerSpecOf('writerWorker');
    const workerData: WriterOptions = { path, maxBatch: 1000, commitWindowMs: 100 };
    const worker = spec.kind === 'file' ? new Worker(spec.url, { workerData }) : new Worker(spec.code, { eval: true, workerData });
    cleanups.push(async () => void (await worker.terminate()));
    const messages: FromWriter[] = [];
    const arrived = (count: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => void (messages.length >= count ? resolve() : setTimeout(check, 5));
        check();
      });
    worker.on('message', (m: FromWriter) => messages.push(m));
    await arrived(1); // ready
    const append = (seq: number) => toWire({ op: 'append', seq, stream: `s-${seq}`, expected: 'no_stream', events: [{ id: randomUUID(), type: 'T', data: '{}', metadata: '{}' }] });
    worker.postMessage({ kind: 'requests', requests: [append(1), append(2)] }); // others are writing
    await arrived(2);
    worker.postMessage({ kind: 'requests', requests: [append(3)] }); // held for the window...
    await new Promise((resolve) => setTimeout(resolve, 10));
    worker.postMessage({ kind: 'requests', requests: [append(4)] }); // ...which gathers these
    worker.postMessage({ kind: 'close' });
    worker.postMessage({ kind: 'requests', requests: [append(5)] });
    await arrived(4);
    await new Promise((resolve) => setTimeout(resolve, 50)); // time for any second 'closed'
    const kinds = messages.map((m) => m.kind);
    expect(kinds).toEqual(['ready', 'settled', 'settled', 'closed']);
    const held = messages[2];
    if (held?.kind !== 'settled') throw new Error('expected the held batch settled');
    expect(held.replies.map((r) => [r.seq, r.ok])).toEqual([[3, true], [4, true], [5, true]]);
    expect(held.stats.heldCommits).toBe(1);
    const db = new Database(path, { readonly: true });
    cleanups.push(() => void db.close());
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 5 });
  });

  it('caps a transaction at maxBatch requests', async () => {
    const { store } = await open({ maxBatch: 10 });
    await Promise.all(Array.from({ length: 100 }, () => store.store.append(freshStream(), [newEvent()], 'no_stream')));
    expect(store.stats().largestBatch).toBe(10);
    expect(store.stats().transactions).toBeGreaterThanOrEqual(10);
  });

  it('fails a batch whose write fails with StoreUnavailableError, never a silent success', async () => {
    const { store: first, path } = await open();
    await first.close();
    // Stand-in for a disk error: the database itself refuses one kind of event.
    const db = new Database(path);
    db.exec(`CREATE TRIGGER refuse_boom BEFORE INSERT ON events WHEN NEW.type = 'Boom'
             BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END`);
    db.close();
    const store = await reopen(path);
    const innocent = freshStream();
    const outcomes = await Promise.allSettled([
      store.store.append(innocent, [newEvent()], 'no_stream'),
      store.store.append(freshStream(), [newEvent('Boom')], 'no_stream'),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
    }
    expect(await store.store.headPosition()).toBe(0);
    // The store stays usable; the innocent append can simply be retried.
    expect((await store.store.append(innocent, [newEvent()], 'no_stream')).position).toBeGreaterThan(0);
  });

  it('refuses to open a database written by a newer keyledger', async () => {
    const { store, path } = await open();
    await store.close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    const error = await rejectionOf(openSqliteStore({ path }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String(error)).toMatch(/schema version 99/);
  });

  it('stores the schema the design names, with an immutable events table', async () => {
    const { store, path } = await open();
    await store.store.append(freshStream(), [newEvent()], 'no_stream');
    const db = new Database(path, { readonly: true });
    cleanups.push(() => {
      db.close();
    });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => t.name)).toEqual(['events', 'sqlite_sequence', 'streams', 'vault']);
    const indexes = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    expect(indexes.map((i) => i.name)).toEqual(['events_by_request', 'events_by_stream_type']);
    // The secondary reads use their indexes.
    const plan = (sql: string, ...params: unknown[]) =>
      db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => (r as { detail: string }).detail).join('; ');
    expect(
      plan(
        "SELECT position FROM events INDEXED BY events_by_request WHERE json_extract(metadata, '$.request.requestId') = ? AND json_extract(metadata, '$.request.operation') = 'ReEncrypt'",
        'r',
      ),
    ).toMatch(/USING (COVERING )?INDEX events_by_request/);
    expect(plan("SELECT * FROM events INDEXED BY events_by_stream_type WHERE stream = ? AND type <> 'KeyUsed' AND type IN (SELECT value FROM json_each(?))", 's', '[]')).toMatch(
      /USING INDEX events_by_stream_type \(stream=\? AND type=\?\)/,
    );
    // KeyUsed, every cryptographic request's event, costs the type index nothing.
    const writable2 = new Database(path);
    cleanups.push(() => {
      writable2.close();
    });
    expect(writable2.prepare("SELECT sql FROM sqlite_master WHERE name = 'events_by_stream_type'").pluck().get()).toMatch(/WHERE type <> 'KeyUsed'$/);
    const writable = new Database(path);
    cleanups.push(() => {
      writable.close();
    });
    expect(() => writable.exec('UPDATE events SET type = 1')).toThrow(/immutable/);
    expect(() => writable.exec('DELETE FROM events')).toThrow(/immutable/);
  });

  it('replays pages of events that read as readAll reads them, KeyUsed payloads loaded when first read', async () => {
    const { store } = await open();
    const stream = freshStream('key');
    await store.store.append(stream, [newEvent('KeyCreated', { n: 0 }, { occurredAt: '2026-01-01T00:00:00.000Z' })], 'no_stream');
    await store.store.append(stream, Array.from({ length: 1500 }, (_, i) => newEvent('KeyUsed', { n: i + 1 }, { request: { requestId: `r${i}` } })), 'any');
    await store.store.append(freshStream('alias'), [newEvent('AliasCreated', { n: -1 })], 'no_stream');
    const all = await collect(store.store.readAll());
    const replayed = (await collect(store.store.replayPages!())).flat();
    const members = (e: RecordedEvent) => ({ stream: e.stream, revision: e.revision, position: e.position, id: e.id, type: e.type, data: e.data, metadata: e.metadata });
    expect(replayed.map(members)).toEqual(all.map(members));
    expect((await collect(store.store.replayPages!({ after: 1400, limit: 50 }))).flat().map((e) => e.position)).toEqual(all.slice(1400, 1450).map((e) => e.position));
    // A KeyUsed's payload is read from the store when first asked for: not after close.
    const [, unread] = (await collect(store.store.replayPages!({ limit: 2 }))).flat();
    await store.close();
    expect(() => unread?.data).toThrow(StoreUnavailableError);
  });

  it('rejects paths it cannot serve', async () => {
    expect(await rejectionOf(openSqliteStore({ path: ':memory:' }))).toBeInstanceOf(TypeError);
    expect(await rejectionOf(openSqliteStore({ path: 'x.db', maxBatch: 0 }))).toBeInstanceOf(RangeError);
    for (const commitWindowMs of [-1, Number.NaN, 101, Infinity, '1' as unknown as number]) {
      expect(await rejectionOf(openSqliteStore({ path: 'x.db', commitWindowMs }))).toBeInstanceOf(RangeError);
    }
  });
});

describe('SQLite store files', () => {
  it('creates the database, its WAL and shared-memory files readable by the owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyledger-mode-'));
    const previous = process.umask(0o022);
    try {
      const opened = await openSqliteStore({ path: join(dir, 'keyledger.db') });
      await opened.store.append('s', [{ id: crypto.randomUUID(), type: 'T', data: {}, metadata: {} }], 'no_stream');
      for (const f of ['keyledger.db', 'keyledger.db-wal', 'keyledger.db-shm'].map((n) => join(dir, n)).filter((f) => existsSync(f))) {
        expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      }
      await opened.close();
    } finally {
      process.umask(previous);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
