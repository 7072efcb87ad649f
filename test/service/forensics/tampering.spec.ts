// Tamper evidence end to end (DESIGN.md, "Tamper evidence"): a data directory written by the
// real service on SQLite, copied, tampered with in plain SQL, and verified offline with only the
// exported public key. Each kind of tampering is named with its exact stream and revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSigner } from '../../../src/crypto/auditKey.js';
import { CHECKPOINT_STREAM, checkpointDigest, headsDigest, type CheckpointData, type HeadEntry } from '../../../src/service/forensics/checkpointFormat.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAuditPublicKey } from '../../../src/crypto/auditKey.js';
import { verifyLog, type VerifyResult } from '../../../src/service/forensics/verify.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqliteStore.js';
import { canonicalJson } from '../../../src/store/json.js';
import type { EventStore, Json } from '../../../src/store/eventStore.js';
import { buildDataDir, DB_FILE, eventsOf, PUBLIC_KEY_FILE, rechain, tamperAndVerify, type DataDir } from './tamperFixture.js';

let data: DataDir;
beforeAll(async () => {
  data = await buildDataDir();
});
afterAll(() => data.remove());

const k1 = () => data.keyStreams[0] ?? '';
const k2 = () => data.keyStreams[1] ?? '';
const checkpoints = () => eventsOf(data, CHECKPOINT_STREAM).map((e) => ({ ...(e.data as unknown as CheckpointData), eventPosition: e.position }));
const positionOf = (stream: string, revision: number): number | undefined =>
  data.events.find((e) => e.stream === stream && e.revision === revision)?.position;

interface Expected {
  readonly kind: string;
  readonly stream: string;
  readonly revision: number;
  readonly position?: number | undefined;
  readonly checkpoint?: number;
}

const expectProblem = (result: VerifyResult, expected: Expected): void => {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.problem).toMatchObject(expected);
};

describe('verify on a real SQLite data directory', () => {
  it('finds an untouched log clean, and says how much of it no checkpoint covers', async () => {
    const result = await tamperAndVerify(data, () => undefined);
    const [, second] = checkpoints();
    expect(result).toEqual({
      ok: true,
      events: data.events.length,
      streams: new Set(data.events.map((e) => e.stream)).size - 1,
      checkpoints: 2,
      coveredPosition: second?.position,
      uncovered: data.events.filter((e) => e.position > (second?.position ?? 0) && e.stream !== '$checkpoints').length,
    });
  });

  it('checks a clean log in segments on threads, without walking it in one piece', async () => {
    const opened = await openSqliteStore({ path: join(data.dir, DB_FILE), readOnly: true });
    try {
      const segmentsOnly: EventStore = Object.create(opened.store, {
        readStored: { value: () => { throw new Error('walked the log in one piece'); } },
      }) as EventStore;
      const publicKey = parseAuditPublicKey(readFileSync(join(data.dir, PUBLIC_KEY_FILE), 'utf8'));
      const progress: number[] = [];
      const result = await verifyLog({ store: segmentsOnly, publicKey, parallel: { fromEvents: 0, segmentEvents: 3 }, onProgress: (p) => progress.push(p.events) });
      expect(result).toMatchObject({ ok: true, events: data.events.length, checkpoints: 2 });
      expect(progress.at(-1)).toBe(data.events.length);
    } finally {
      await opened.close();
    }
  });

  it('names an event whose data was edited', async () => {
    const used = eventsOf(data, k1()).find((e) => e.type === 'KeyUsed' && e.revision > 2);
    const revision = used?.revision ?? -1;
    const result = await tamperAndVerify(data, (db) =>
      db.prepare(`UPDATE events SET data = replace(data, '"Encrypt"', '"Decrypt"') WHERE stream = ? AND revision = ?`).run(k1(), revision),
    );
    expectProblem(result, { kind: 'edited', stream: k1(), revision, position: used?.position });
  });

  it('names an event whose metadata was edited', async () => {
    const result = await tamperAndVerify(data, (db) =>
      db.prepare(`UPDATE events SET metadata = replace(metadata, '127.0.0.1', '10.0.0.9') WHERE stream = ? AND revision = 1`).run(k2()),
    );
    expectProblem(result, { kind: 'edited', stream: k2(), revision: 1, position: positionOf(k2(), 1) });
  });

  it('names an event with a column of the wrong kind, edited past the schema checks, both ways it walks', async () => {
    const wrongKinds = [
      ['prev', "X'0102'"], ['prev', 'NULL'], ['prev', "'not hex'"], ['prev', '7'], ['hash', "X'00'"], ['hash', 'NULL'],
      ['data', "X'7B7D'"], ['data', '5'], ['metadata', '1'], ['type', "X'41'"], ['id', '5'],
      ['revision', "'x'"], ['revision', '2.5'], ['revision', '9007199254740993'],
    ] as const;
    for (const [column, value] of wrongKinds) {
      const result = await tamperAndVerify(data, (db) => {
        db.pragma('ignore_check_constraints = ON');
        db.prepare(`UPDATE events SET ${column} = ${value} WHERE stream = ? AND revision = 2`).run(k1());
      });
      expectProblem(result, { kind: 'edited', stream: k1(), revision: 2, position: positionOf(k1(), 2) });
    }
  });

  it('names an event deleted from the middle of a stream', async () => {
    const result = await tamperAndVerify(data, (db) => db.prepare('DELETE FROM events WHERE stream = ? AND revision = 2').run(k1()));
    expectProblem(result, { kind: 'missing', stream: k1(), revision: 2, position: positionOf(k1(), 3) });
  });

  it('names two events swapped', async () => {
    const result = await tamperAndVerify(data, (db) => {
      const move = db.prepare('UPDATE events SET revision = ? WHERE stream = ? AND revision = ?');
      move.run(1_000_000, k1(), 3);
      move.run(3, k1(), 4);
      move.run(4, k1(), 1_000_000);
    });
    expectProblem(result, { kind: 'reordered', stream: k1(), revision: 3, position: positionOf(k1(), 3) });
  });

  it('names a truncated stream tail that a signed checkpoint covered, even when the index is fixed up', async () => {
    const [, second] = checkpoints();
    const head = second?.heads.find(([stream]) => stream === k1())?.[1] ?? -1;
    const result = await tamperAndVerify(data, (db) => {
      db.prepare('DELETE FROM events WHERE stream = ? AND revision >= ?').run(k1(), head - 1);
      rechain(db, k1());
    });
    expectProblem(result, { kind: 'truncated', stream: k1(), revision: head - 1, checkpoint: 1 });
  });

  it('names a whole stream removed', async () => {
    const result = await tamperAndVerify(data, (db) => {
      db.prepare('DELETE FROM events WHERE stream = ?').run(data.aliasStream);
      db.prepare('DELETE FROM streams WHERE stream = ?').run(data.aliasStream);
    });
    expectProblem(result, { kind: 'stream-removed', stream: data.aliasStream, revision: 0, checkpoint: 0 });
  });

  it('names a stream rewritten with every hash recomputed', async () => {
    const [first] = checkpoints();
    const head = first?.heads.find(([stream]) => stream === k2())?.[1] ?? -1;
    const result = await tamperAndVerify(data, (db) => {
      db.prepare(`UPDATE events SET metadata = replace(metadata, 'user/alice', 'user/mallory') WHERE stream = ? AND revision = 0`).run(k2());
      rechain(db, k2());
    });
    expectProblem(result, { kind: 'rewritten', stream: k2(), revision: head, checkpoint: 0 });
  });

  it('names a checkpoint whose signature was replaced', async () => {
    const [, second] = checkpoints();
    const result = await tamperAndVerify(data, (db) => {
      db.prepare(`UPDATE events SET data = json_set(data, '$.signature', ?) WHERE stream = ? AND revision = 1`).run(
        Buffer.alloc(64, 1).toString('base64'),
        CHECKPOINT_STREAM,
      );
      rechain(db, CHECKPOINT_STREAM);
    });
    expectProblem(result, { kind: 'checkpoint-forged', stream: CHECKPOINT_STREAM, revision: 1, position: second?.eventPosition });
  });

  it('names a checkpoint re-signed by another key to hide a truncation', async () => {
    const [, second] = checkpoints();
    if (second === undefined) throw new Error('two checkpoints');
    const head = second.heads.find(([stream]) => stream === k1())?.[1] ?? -1;
    const result = await tamperAndVerify(data, (db) => {
      db.prepare('DELETE FROM events WHERE stream = ? AND revision > ?').run(k1(), head - 2);
      rechain(db, k1());
      const hash = db.prepare<[string], { hash: Buffer }>('SELECT hash FROM streams WHERE stream = ?').get(k1())?.hash.toString('hex') ?? '';
      const heads = second.heads.map(([s, r, h]): HeadEntry => (s === k1() ? [s, head - 2, hash] : [s, r, h]));
      const forger = new AuditSigner(new Uint8Array(32).fill(66));
      const signed = { ...second, headsDigest: headsDigest(heads).toString('hex') };
      const digest = checkpointDigest(signed);
      const { eventPosition: _, ...rest } = { ...signed, heads, digest: digest.toString('hex'), signature: Buffer.from(forger.sign(digest)).toString('base64') };
      db.prepare('UPDATE events SET data = ? WHERE stream = ? AND revision = 1').run(canonicalJson(rest as unknown as Json), CHECKPOINT_STREAM);
      rechain(db, CHECKPOINT_STREAM);
    });
    expectProblem(result, { kind: 'checkpoint-forged', stream: CHECKPOINT_STREAM, revision: 1, position: second.eventPosition });
    if (!result.ok) expect(result.problem.detail).toMatch(/signature does not verify/);
  });

  it('catches a careless truncation after the last checkpoint through the store index', async () => {
    const last = eventsOf(data, k1()).at(-1);
    const result = await tamperAndVerify(data, (db) => db.prepare('DELETE FROM events WHERE position = ?').run(last?.position));
    expectProblem(result, { kind: 'truncated', stream: k1(), revision: last?.revision ?? -1 });
  });

  it('cannot see a careful truncation after the last checkpoint: the documented limit', async () => {
    const last = eventsOf(data, k1()).at(-1);
    const result = await tamperAndVerify(data, (db) => {
      db.prepare('DELETE FROM events WHERE position = ?').run(last?.position);
      rechain(db, k1());
    });
    expect(result).toMatchObject({ ok: true, events: data.events.length - 1 });
  });
});
