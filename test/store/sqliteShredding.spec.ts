// Crypto-shredding on SQLite (DESIGN.md): once the vault destroys a wrapped KEK, no copy of its
// bytes may be left in the database file or its WAL — otherwise "deleted" key material could be
// recovered from a copy of the data directory.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { freshStream, newEvent, tempDir } from './helpers.js';

/** The database file and the WAL, as they are on disk right now. */
const onDisk = (path: string): Buffer =>
  Buffer.concat([path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));

/** Whether any 16-byte window of `secret` (so also a partly overwritten copy) is on disk. */
const traceOf = (disk: Buffer, secret: Uint8Array): boolean => {
  for (let i = 0; i + 16 <= secret.length; i += 8) {
    if (disk.includes(Buffer.from(secret.buffer, secret.byteOffset + i, 16))) return true;
  }
  return false;
};

describe('SQLite key vault: crypto-shredding', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const open = async (path: string): Promise<SqliteStore> => {
    const store = await openSqliteStore({ path });
    cleanups.push(() => store.close());
    return store;
  };

  it('leaves no trace of destroyed entries in the database file or the WAL', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'keyledger.db');
    // Wrapped KEKs the size of the real ones (32-byte key + GCM IV and tag), random so that
    // any match on disk is a real copy.
    const entries = Array.from({ length: 400 }, (_, i) => ({ id: `key-${i}`, wrapped: new Uint8Array(randomBytes(60)) }));
    const older = entries.slice(0, 200);
    const newer = entries.slice(200);

    // Older entries get checkpointed into the database file (closing does that); newer ones
    // stay in the WAL, interleaved with event appends and spread over many transactions.
    const first = await open(path);
    await Promise.all(older.map((e) => first.vault.put(e.id, e.wrapped)));
    await first.close();
    const store = await open(path);
    for (const [i, e] of newer.entries()) {
      await store.vault.put(e.id, e.wrapped);
      if (i % 10 === 0) await store.store.append(freshStream(), [newEvent('KeyCreated', { keyId: e.id })], 'no_stream');
    }
    expect(entries.every((e) => traceOf(onDisk(path), e.wrapped))).toBe(true); // the search works

    // Destroy every other entry, old and new, some together and some alone.
    const doomed = entries.filter((_, i) => i % 2 === 0);
    const kept = entries.filter((_, i) => i % 2 === 1);
    await Promise.all(doomed.slice(0, 150).map((e) => store.vault.destroy(e.id)));
    for (const e of doomed.slice(150)) await store.vault.destroy(e.id);

    const disk = onDisk(path);
    expect(doomed.filter((e) => traceOf(disk, e.wrapped)).map((e) => e.id)).toEqual([]);
    expect(kept.filter((e) => !traceOf(disk, e.wrapped)).map((e) => e.id)).toEqual([]);
    expect(await store.vault.get(doomed[0]?.id ?? '')).toBeUndefined();
    expect(await store.vault.get(kept[0]?.id ?? '')).toEqual(kept[0]?.wrapped);
  });

  it('checkpoints the WAL down to nothing on destroy', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const path = join(temp.dir, 'keyledger.db');
    const store = await open(path);
    const wrapped = new Uint8Array(randomBytes(60));
    await store.vault.put('key', wrapped);
    expect(readFileSync(`${path}-wal`).length).toBeGreaterThan(0);
    await store.vault.destroy('key');
    expect(readFileSync(`${path}-wal`).length).toBe(0);
    expect(traceOf(onDisk(path), wrapped)).toBe(false);
  });
});
