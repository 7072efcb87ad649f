// The hash chain on SQLite: schema migration 2 on a data directory written before the chain
// existed, the triggers that guard it, and the read-only mode `verify` opens copies with.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { chainFieldsOf, eventHash } from '../../src/store/chain.js';
import { StoreUnavailableError, type RecordedEvent } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { collect, freshStream, newEvent, newEvents, rejectionOf, tempDir } from './helpers.js';

/** Schema version 1 exactly as the first release wrote it (schema.ts, migration 1). */
const schemaV1 = `
  CREATE TABLE streams (stream TEXT PRIMARY KEY, revision INTEGER NOT NULL CHECK (revision >= 0)) WITHOUT ROWID;
  CREATE TABLE events (
    position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL REFERENCES streams (stream),
    revision INTEGER NOT NULL CHECK (revision >= 0), id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
    data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream, revision));
  CREATE TRIGGER events_are_immutable_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
  CREATE TRIGGER events_are_immutable_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
  CREATE TABLE vault (id TEXT PRIMARY KEY, wrapped BLOB NOT NULL) WITHOUT ROWID;
  PRAGMA user_version = 1;
`;

const uuid = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A version-1 file with two interleaved streams whose JSON is not canonical. */
const writeV1 = (path: string, metadata = '{"z":1,"actor":{"b":2,"a":1}}'): void => {
  const db = new Database(path);
  db.exec(schemaV1);
  const insert = db.prepare('INSERT INTO events (stream, revision, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const head = db.prepare('INSERT INTO streams (stream, revision) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision');
  for (let i = 0; i < 5; i++) {
    const stream = i % 2 === 0 ? 'key-a' : 'alias-b';
    const revision = Math.floor(i / 2);
    head.run(stream, revision);
    insert.run(stream, revision, uuid(i), 'Old', `{"n":${i}, "b":[1.50,{"y":1,"x":2}],"a":"\\u00e9"}`, metadata);
  }
  db.close();
};

/** Every link of every stream holds. */
const expectChained = (events: readonly RecordedEvent[]): void => {
  const heads = new Map<string, unknown>();
  for (const event of events) {
    expect(event.metadata['prev']).toBe(heads.get(event.stream) ?? '0'.repeat(64));
    const fields = chainFieldsOf(event);
    expect(eventHash(fields)).toBe(fields.hash);
    heads.set(event.stream, event.metadata['hash']);
  }
};

describe('SQLite hash chain', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const dbPath = (): string => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    return join(temp.dir, 'keyledger.db');
  };

  it('migrates a version-1 file: canonical text, every link computed, then appends go on from the heads', async () => {
    const path = dbPath();
    writeV1(path);
    const store = await openSqliteStore({ path });
    cleanups.push(() => store.close());
    const events = await collect(store.store.readAll());
    expect(events.map((e) => [e.stream, e.revision])).toEqual([['key-a', 0], ['alias-b', 0], ['key-a', 1], ['alias-b', 1], ['key-a', 2]]);
    const [first] = await collect(store.store.readStored({ limit: 1 }));
    expect(first?.data).toBe('{"a":"é","b":[1.5,{"x":2,"y":1}],"n":0}');
    expect(first?.metadata).toBe('{"actor":{"a":1,"b":2},"z":1}');
    expectChained(events);
    const heads = [events[3], events[4]].map((e) => ({ stream: e?.stream, revision: e?.revision, position: e?.position, hash: e?.metadata['hash'] }));
    expect(await store.store.streamHeads()).toEqual({ streams: 2, heads });
    const next = await store.store.append('key-a', [newEvent()], 2);
    expect(next.events[0]?.metadata['prev']).toBe(events.at(-1)?.metadata['hash']);
    expectChained(await collect(store.store.readAll()));
  });

  it('refuses to migrate a log whose metadata already uses a member the chain owns', async () => {
    const path = dbPath();
    writeV1(path, '{"hash":"mine"}');
    const error = await rejectionOf(openSqliteStore({ path }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String(error)).toMatch(/metadata member 'hash'/);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1); // nothing of the migration stayed
    db.close();
  });

  it('keeps events immutable after the migration, and refuses an event without its link', async () => {
    const path = dbPath();
    const store = await openSqliteStore({ path });
    await store.store.append(freshStream(), newEvents(2), 'no_stream');
    await store.close();
    const db = new Database(path);
    cleanups.push(() => {
      db.close();
    });
    expect(() => db.exec('UPDATE events SET type = 1')).toThrow(/immutable/);
    expect(() => db.exec('DELETE FROM events')).toThrow(/immutable/);
    db.exec("INSERT INTO streams (stream, revision) VALUES ('s', 0)");
    expect(() => db.exec(`INSERT INTO events (stream, revision, id, type, data, metadata) VALUES ('s', 0, 'x', 't', '{}', '{}')`)).toThrow(/chain link/);
  });

  it('opens read-only without a writer: reads work, writes are refused, the file is not touched', async () => {
    const path = dbPath();
    const writer = await openSqliteStore({ path });
    const stream = freshStream();
    await writer.store.append(stream, newEvents(3), 'no_stream');
    await writer.vault.put('k', Uint8Array.of(1));
    const before = await collect(writer.store.readAll());
    await writer.close();
    const digest = (): string => createHash('sha256').update(readFileSync(path)).digest('hex');
    const fileBefore = digest();

    const reader = await openSqliteStore({ path, readOnly: true });
    expect(await collect(reader.store.readAll())).toEqual(before);
    expect((await reader.store.streamHeads()).heads.map((h) => h.stream)).toEqual([stream]);
    expect(await reader.vault.get('k')).toEqual(Uint8Array.of(1));
    for (const refused of [reader.store.append(stream, [newEvent()], 'any'), reader.vault.put('j', Uint8Array.of(2)), reader.vault.destroy('k')]) {
      expect(await rejectionOf(refused)).toBeInstanceOf(StoreUnavailableError);
    }
    await reader.close();
    expect(digest()).toBe(fileBefore);
  });

  it('refuses to open read-only what it would have to create or migrate', async () => {
    const missing = dbPath();
    expect(await rejectionOf(openSqliteStore({ path: missing, readOnly: true }))).toBeInstanceOf(StoreUnavailableError);
    const old = dbPath();
    writeV1(old);
    const error = await rejectionOf(openSqliteStore({ path: old, readOnly: true }));
    expect(String(error)).toMatch(/schema version 1; open it once/);
  });
});
