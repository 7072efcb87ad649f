// A real SQLite data directory built through the real service, and an attacker's toolbox: plain
// SQL on a copy (triggers dropped first, as anyone with write access to the file can), plus the
// public chain algorithm for the attacker who recomputes hashes to cover their tracks.
import { expect } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseAuditPublicKey } from '../../../src/crypto/auditKey.js';
import { Keyledger } from '../../../src/service/keyledger.js';
import type { Input, OperationName, Output } from '../../../src/service/shapes.js';
import { verifyLog, type VerifyResult } from '../../../src/service/forensics/verify.js';
import { eventHash, GENESIS_HASH } from '../../../src/store/chain.js';
import type { RecordedEvent } from '../../../src/store/eventStore.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqliteStore.js';
import { caller, TestClock } from '../harness.js';

export const DB_FILE = 'keyledger.db';
export const PUBLIC_KEY_FILE = 'audit-key.pub';

export interface DataDir {
  readonly dir: string;
  /** Every event of the untouched log, in position order. */
  readonly events: readonly RecordedEvent[];
  readonly keyStreams: readonly string[];
  readonly aliasStream: string;
  remove(): void;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Keys, an alias, usage, a rotation, checkpoint 0, more of everything, checkpoint 1, a tail. */
export const buildDataDir = async (): Promise<DataDir> => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-forensics-'));
  const opened = await openSqliteStore({ path: join(dir, DB_FILE) });
  const rootKey = new Uint8Array(32).fill(7);
  const clock = new TestClock();
  const kms = await Keyledger.open({ ...opened, rootKey, clock, auditPublicKeyFile: join(dir, PUBLIC_KEY_FILE) });
  const call = <O extends OperationName>(op: O, input: Input<O>): Promise<Output<O>> => kms.execute(op, input, caller());
  const k1 = (await call('CreateKey', { Description: 'one' })).KeyMetadata;
  const k2 = (await call('CreateKey', { Description: 'two' })).KeyMetadata;
  await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: k1.KeyId });
  for (let i = 0; i < 4; i++) await call('Encrypt', { KeyId: 'alias/app', Plaintext: text(`secret ${i}`) });
  await call('RotateKeyOnDemand', { KeyId: k1.KeyId });
  await call('Encrypt', { KeyId: k2.KeyId, Plaintext: text('two') });
  clock.advanceMs(3_600_000);
  await kms.appendCheckpoint();
  const k3 = (await call('CreateKey', { Description: 'three' })).KeyMetadata;
  for (let i = 0; i < 3; i++) await call('Encrypt', { KeyId: k1.KeyId, Plaintext: text(`more ${i}`) });
  await call('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: k2.KeyId });
  await call('DisableKey', { KeyId: k3.KeyId });
  clock.advanceMs(3_600_000);
  await kms.appendCheckpoint();
  await call('Encrypt', { KeyId: k1.KeyId, Plaintext: text('after the last checkpoint') });
  kms.close();
  const events: RecordedEvent[] = [];
  for await (const e of opened.store.readAll()) events.push(e);
  await opened.close();
  const aliasStream = events.find((e) => e.stream.startsWith('alias-'))?.stream ?? '';
  return {
    dir,
    events,
    keyStreams: [k1.Arn, k2.Arn, k3.Arn].map((arn) => `key-${arn}`),
    aliasStream,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

type Db = Database.Database;

/** Copies the data directory, lets `tamper` loose on it with plain SQL, and verifies the copy
 *  read-only with nothing but the exported public key. */
export const tamperAndVerify = async (source: DataDir, tamper: (db: Db) => void): Promise<VerifyResult> => {
  const copy = mkdtempSync(join(tmpdir(), 'keyledger-copy-'));
  try {
    cpSync(source.dir, copy, { recursive: true });
    const db = new Database(join(copy, DB_FILE));
    db.exec(`DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;`);
    db.transaction(() => tamper(db))();
    db.close();
    const publicKey = parseAuditPublicKey(readFileSync(join(copy, PUBLIC_KEY_FILE), 'utf8'));
    const opened = await openSqliteStore({ path: join(copy, DB_FILE), readOnly: true });
    try {
      // Both ways a log is verified — one walk, and segments on threads stitched together (the
      // way of big logs, forced here with tiny segments) — must find the same thing.
      const walked = await verifyLog({ store: opened.store, publicKey, parallel: { fromEvents: Number.POSITIVE_INFINITY } });
      const segmented = await verifyLog({ store: opened.store, publicKey, parallel: { fromEvents: 0, segmentEvents: 5 } });
      expect(segmented).toEqual(walked);
      return walked;
    } finally {
      await opened.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
};

interface Row {
  position: number;
  stream: string;
  revision: number;
  id: string;
  type: string;
  data: string;
  metadata: string;
}

/** What a careful attacker does after editing a stream: recompute every link from revision 0
 *  and the head in the index, so that the stream is internally consistent again. */
export const rechain = (db: Db, stream: string): void => {
  const rows = db.prepare<[string], Row>('SELECT position, stream, revision, id, type, data, metadata FROM events WHERE stream = ? ORDER BY revision').all(stream);
  const update = db.prepare<[string, string, number]>('UPDATE events SET prev = unhex(?), hash = unhex(?) WHERE position = ?');
  let prev = GENESIS_HASH;
  for (const row of rows) {
    const hash = eventHash({ ...row, prev });
    update.run(prev, hash, row.position);
    prev = hash;
  }
  const last = rows.at(-1);
  if (last !== undefined) db.prepare('UPDATE streams SET revision = ?, hash = unhex(?) WHERE stream = ?').run(last.revision, prev, stream);
};

export const eventsOf = (dir: DataDir, stream: string): RecordedEvent[] => dir.events.filter((e) => e.stream === stream);
