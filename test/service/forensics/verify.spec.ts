// verifyLog over logs written to the memory store with real checkpoints, copied into an
// ArrayLog and tampered with: properties over random logs and random tampering, the audit key
// and anchor checks, and the walker's findings that plain SQL on SQLite cannot easily stage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateAuditKey } from '../../../src/crypto/auditKey.js';
import { ChainWalker } from '../../../src/service/forensics/chainWalker.js';
import { CHECKPOINT_STREAM, type CheckpointData } from '../../../src/service/forensics/checkpointFormat.js';
import type { AuthenticCheckpoint } from '../../../src/service/forensics/checkpointLedger.js';
import { Checkpointer } from '../../../src/service/forensics/checkpoints.js';
import { verifyLog } from '../../../src/service/forensics/verify.js';
import type { StoredEvent } from '../../../src/store/eventStore.js';
import { createMemoryStore } from '../../../src/store/memoryStore.js';
import { newEvent } from '../../store/helpers.js';
import { TestClock } from '../harness.js';
import { ArrayLog } from './arrayLog.js';

type Step = { readonly kind: 'append'; readonly stream: number; readonly size: number } | { readonly kind: 'checkpoint' };

const arbSteps = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), stream: fc.nat(3), size: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  ),
  { minLength: 1, maxLength: 25 },
);

/** Runs the steps on a memory store with a real checkpointer; the log as stored, and its key. */
const writeLog = async (steps: readonly Step[]): Promise<{ log: ArrayLog; publicKey: Uint8Array }> => {
  const { store, vault } = createMemoryStore();
  const checkpointer = new Checkpointer({ store, vault, rootKey: new Uint8Array(32).fill(5), clock: new TestClock() });
  for (const step of steps) {
    if (step.kind === 'checkpoint') await checkpointer.append();
    else await store.append(`s${step.stream}`, Array.from({ length: step.size }, (_, i) => newEvent('T', { i, step: step.stream })), 'any');
  }
  return { log: await ArrayLog.copyOf(store), publicKey: await checkpointer.publicKey() };
};

const userRows = (log: ArrayLog): StoredEvent[] => log.rows.filter((e) => e.stream !== CHECKPOINT_STREAM);
const lastOf = (log: ArrayLog, stream: string): number => Math.max(...log.rows.filter((e) => e.stream === stream).map((e) => e.revision));

describe('verifyLog', () => {
  it('finds any untouched log clean (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbSteps, async (steps) => {
        const { log, publicKey } = await writeLog(steps);
        const result = await verifyLog({ store: log, publicKey });
        expect(result).toMatchObject({ ok: true, events: log.rows.length });
      }),
      { numRuns: 40 },
    );
  });

  it('names any edited, deleted, swapped, truncated or removed event by stream and revision (property)', async () => {
    const tampering = fc.constantFrom('edit', 'delete', 'swap', 'truncate', 'remove');
    await fc.assert(
      fc.asyncProperty(arbSteps, tampering, fc.nat(), async (steps, how, pick) => {
        const { log, publicKey } = await writeLog(steps);
        const rows = userRows(log);
        const target = rows[pick % rows.length];
        if (target === undefined) return;
        const { stream, revision } = target;
        const last = lastOf(log, stream);
        let expected: { kind: string; stream: string; revision: number };
        switch (how) {
          case 'edit':
            log.rows[log.rows.indexOf(target)] = { ...target, data: target.data.replace('{', '{"x":1,') };
            expected = { kind: 'edited', stream, revision };
            break;
          case 'delete':
            if (revision === last) return; // that is a truncation
            log.rows.splice(log.rows.indexOf(target), 1);
            expected = { kind: 'missing', stream, revision };
            break;
          case 'swap': {
            const next = log.rows.find((e) => e.stream === stream && e.revision === revision + 1);
            if (next === undefined) return;
            log.rows[log.rows.indexOf(target)] = { ...target, position: next.position };
            log.rows[log.rows.indexOf(next)] = { ...next, position: target.position };
            expected = { kind: 'reordered', stream, revision };
            break;
          }
          case 'truncate':
            log.rows.splice(0, log.rows.length, ...log.rows.filter((e) => e.stream !== stream || e.revision < revision));
            expected = revision === 0 ? { kind: 'stream-removed', stream, revision: 0 } : { kind: 'truncated', stream, revision };
            break;
          case 'remove':
            log.rows.splice(0, log.rows.length, ...log.rows.filter((e) => e.stream !== stream));
            expected = { kind: 'stream-removed', stream, revision: 0 };
            break;
        }
        const result = await verifyLog({ store: log, publicKey });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.problem).toMatchObject(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses checkpoints under any other public key', async () => {
    const { log } = await writeLog([{ kind: 'append', stream: 0, size: 1 }, { kind: 'checkpoint' }]);
    const other = generateAuditKey(new Uint8Array(32).fill(1)).signer.publicKey;
    const result = await verifyLog({ store: log, publicKey: other });
    expect(result).toMatchObject({ ok: false, problem: { kind: 'checkpoint-forged', stream: CHECKPOINT_STREAM, revision: 0 } });
    if (!result.ok) expect(result.problem.detail).toMatch(/names audit key [0-9a-f]{16}, not the given key/);
  });

  it('names a checkpoint cut out of the chain', async () => {
    const steps: Step[] = [{ kind: 'append', stream: 0, size: 1 }, { kind: 'checkpoint' }, { kind: 'append', stream: 1, size: 1 }, { kind: 'checkpoint' }];
    const { log, publicKey } = await writeLog(steps);
    log.rows.splice(log.rows.findIndex((e) => e.stream === CHECKPOINT_STREAM), 1);
    const result = await verifyLog({ store: log, publicKey });
    expect(result).toMatchObject({ ok: false, problem: { kind: 'missing', stream: CHECKPOINT_STREAM, revision: 0 } });
  });

  it('holds the log to an anchor kept outside it: a rolled-back log fails', async () => {
    const steps: Step[] = [{ kind: 'append', stream: 0, size: 2 }, { kind: 'checkpoint' }, { kind: 'append', stream: 0, size: 1 }, { kind: 'checkpoint' }];
    const { log, publicKey } = await writeLog(steps);
    const newest = log.rows.filter((e) => e.stream === CHECKPOINT_STREAM).at(-1);
    const digest = (JSON.parse(newest?.data ?? '{}') as CheckpointData).digest;
    expect(await verifyLog({ store: log, publicKey, anchor: { sequence: 1, digest } })).toMatchObject({ ok: true });
    expect(await verifyLog({ store: log, publicKey, anchor: { sequence: 1, digest: '0'.repeat(64) } })).toMatchObject({
      ok: false,
      problem: { kind: 'checkpoint-forged', revision: 1 },
    });
    // Roll back: drop the newest checkpoint and everything after the one before, index too.
    const cut = log.rows.filter((e) => e.position < (newest?.position ?? 0) && !(e.stream === 's0' && e.revision === 2));
    const rolledBack = new ArrayLog(cut, { streams: 2, heads: [] });
    expect(await verifyLog({ store: rolledBack, publicKey })).toMatchObject({ ok: true });
    expect(await verifyLog({ store: rolledBack, publicKey, anchor: { sequence: 1, digest } })).toMatchObject({
      ok: false,
      problem: { kind: 'truncated', stream: CHECKPOINT_STREAM, revision: 1 },
    });
  });

  it('reports progress and what no checkpoint covers', async () => {
    const steps: Step[] = [{ kind: 'append', stream: 0, size: 3 }, { kind: 'checkpoint' }, { kind: 'append', stream: 1, size: 2 }];
    const { log, publicKey } = await writeLog(steps);
    const progress: number[] = [];
    const result = await verifyLog({ store: log, publicKey, progressEvery: 2, onProgress: (p) => progress.push(p.events) });
    expect(result).toEqual({ ok: true, events: 6, streams: 2, checkpoints: 1, coveredPosition: 3, uncovered: 2 });
    expect(progress).toEqual([2, 4, 6, 6]);
  });
});

describe('the chain walker at a checkpoint', () => {
  const stored = async (stream: string, count: number): Promise<StoredEvent[]> => {
    const { store } = createMemoryStore();
    await store.append(stream, Array.from({ length: count }, () => newEvent()), 'no_stream');
    return (await ArrayLog.copyOf(store)).rows;
  };
  const checkpoint = (over: Partial<AuthenticCheckpoint>): AuthenticCheckpoint =>
    ({ sequence: 0, position: 10, streams: 0, eventPosition: 11, ...over }) as AuthenticCheckpoint;

  it('names events of a stream the checkpoint does not list as inserted', async () => {
    const walker = new ChainWalker(new ArrayLog([], { streams: 0, heads: [] }));
    for (const e of await stored('evil', 2)) expect(walker.visit(e)).toBeUndefined();
    expect(await walker.check(checkpoint({ streams: 1 }), [])).toMatchObject({ kind: 'inserted', stream: 'evil', revision: 0, checkpoint: 0 });
  });

  it('names events beyond the signed head as inserted, and a wrong stream count', async () => {
    const rows = await stored('s', 3);
    const walker = new ChainWalker(new ArrayLog(rows, { streams: 1, heads: [] }));
    for (const e of rows) walker.visit(e);
    const hash = rows[1]?.hash ?? '';
    expect(await walker.check(checkpoint({ streams: 1 }), [['s', 1, hash]])).toMatchObject({ kind: 'inserted', stream: 's', revision: 2 });
    const head = rows[2]?.hash ?? '';
    expect(await walker.check(checkpoint({ streams: 2 }), [['s', 2, head]])).toMatchObject({ kind: 'stream-removed', stream: CHECKPOINT_STREAM });
  });
});
