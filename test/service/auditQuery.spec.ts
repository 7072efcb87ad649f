// The audit query reads only the events a filter can match (by key, alias, time) through the
// store's indexes. Whatever it reads, its answer must be a full replay's: for random workloads
// at random instants — ReEncrypts across keys and refused halfway, alias moves, denials,
// requests refused at the edge, the service's own rotations and deletions — every filter gives
// the same records, on the memory store (scans) and on SQLite (indexes).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AuditFilter, matchesAudit } from '../../src/projections/auditFilter.js';
import { AuditTrail, type AuditEntry } from '../../src/projections/auditTrail.js';
import { auditQueryWindow, queryAudit } from '../../src/service/auditQuery.js';
import type { EventStore, MemberPaths, MembersWindow } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { tempDir } from '../store/helpers.js';
import { openHarness, type Harness } from './harness.js';

type Step = (h: Harness, keys: readonly string[]) => Promise<unknown>;

const ACCOUNT = '111122223333';
const bob = { principalArn: `arn:aws:iam::${ACCOUNT}:user/bob` };
const plaintext = new Uint8Array([1, 2, 3]);

const steps: fc.Arbitrary<Step>[] = [
  fc.nat(2).map((k) => async (h, keys) => h.call('Encrypt', { KeyId: keys[k]!, Plaintext: plaintext })),
  fc.constantFrom('alias/a', 'alias/b').map((a) => async (h) => h.call('Encrypt', { KeyId: a, Plaintext: plaintext }, bob)),
  fc.tuple(fc.nat(2), fc.nat(2)).map(([s, d]) => async (h, keys) => {
    const { CiphertextBlob } = await h.call('Encrypt', { KeyId: keys[s]!, Plaintext: plaintext });
    return h.call('ReEncrypt', { CiphertextBlob, DestinationKeyId: keys[d]! });
  }),
  fc.nat(2).map((k) => async (h, keys) => h.call('DescribeKey', { KeyId: keys[k]! }, bob)),
  fc.nat(2).map((k) => async (h, keys) => h.call('DisableKey', { KeyId: keys[k]! })),
  fc.nat(2).map((k) => async (h, keys) => h.call('EnableKey', { KeyId: keys[k]! })),
  fc.nat(2).map((k) => async (h, keys) => h.call('RotateKeyOnDemand', { KeyId: keys[k]! })),
  fc.nat(2).map((k) => async (h, keys) => h.call('ScheduleKeyDeletion', { KeyId: keys[k]!, PendingWindowInDays: 7 })),
  fc.tuple(fc.constantFrom('alias/a', 'alias/b'), fc.nat(2)).map(([a, k]) => async (h, keys) => h.call('CreateAlias', { AliasName: a, TargetKeyId: keys[k]! })),
  fc.tuple(fc.constantFrom('alias/a', 'alias/b'), fc.nat(2)).map(([a, k]) => async (h, keys) => h.call('UpdateAlias', { AliasName: a, TargetKeyId: keys[k]! })),
  fc.constantFrom('alias/a', 'alias/b').map((a) => async (h) => h.call('DeleteAlias', { AliasName: a })),
  fc.constant<Step>(async (h) =>
    h.kms.recordRejected({ requestId: crypto.randomUUID(), at: h.clock.now(), stage: 'authentication', errorCode: 'InvalidSignatureException', accessKeyId: 'AKIABAD' }),
  ),
  fc.constant<Step>(async (h) => h.kms.runScheduler()),
];

/** The reference: a replay of the whole log, filtered. */
const fullReplay = async (store: EventStore, filter: AuditFilter): Promise<AuditEntry[]> => {
  const trail = new AuditTrail();
  for await (const e of store.readAll()) trail.apply(e);
  return [...trail.entries()].filter((e) => matchesAudit(filter, e));
};

const filtersFor = (keys: readonly string[], start: number, end: number, cut: number): AuditFilter[] => {
  const arn = (id: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`;
  const alias = (name: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:${name}`;
  const mid = new Date(start + ((end - start) * cut) / 100).toISOString();
  const day = new Date(start + ((end - start) * cut) / 100).toISOString().slice(0, 10);
  const filters: AuditFilter[] = [{}, { since: mid }, { until: mid }, auditQueryWindow(day), { aliasArn: alias('alias/a') }, { aliasArn: alias('alias/b'), since: mid }];
  for (const id of keys) {
    filters.push({ keyArn: arn(id) }, { keyArn: arn(id), ...auditQueryWindow(day) }, { keyArn: arn(id), until: mid, outcome: 'failure' }, { keyArn: arn(id), aliasArn: alias('alias/a') });
  }
  filters.push({ principalArn: bob.principalArn, since: mid }, { operation: 'ReEncrypt', since: new Date(start).toISOString() });
  return filters;
};

const workload = fc.array(fc.tuple(fc.integer({ min: 1, max: 30 * 3_600_000 }), fc.oneof(...steps)), { minLength: 1, maxLength: 30 });

const check = async (h: Harness, plan: [number, Step][], cut: number): Promise<void> => {
  const start = h.clock.now().getTime();
  const keys: string[] = [];
  for (let k = 0; k < 3; k++) keys.push((await h.call('CreateKey', {})).KeyMetadata.KeyId);
  for (const [ms, step] of plan) {
    h.clock.advanceMs(ms);
    await step(h, keys).catch(() => undefined);
  }
  for (const filter of filtersFor(keys, start, h.clock.now().getTime(), cut)) {
    const indexed = await queryAudit(h.store, filter);
    expect(indexed, JSON.stringify(filter)).toEqual(await fullReplay(h.store, filter));
  }
};

describe('audit query', () => {
  const dirs: { remove(): void }[] = [];
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('answers every filter as a full replay does, on the memory store', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.integer({ min: 0, max: 100 }), async (plan, cut) => {
        const h = await openHarness();
        await check(h, plan, cut);
        h.kms.close();
      }),
      { numRuns: 60 },
    );
  });

  it('answers every filter as a full replay does, on SQLite through its indexes', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.integer({ min: 0, max: 100 }), async (plan, cut) => {
        const dir = tempDir();
        dirs.push(dir);
        const opened = await openSqliteStore({ path: `${dir.dir}/keyledger.db` });
        const h = await openHarness({ store: opened.store, vault: opened.vault });
        try {
          await check(h, plan, cut);
        } finally {
          h.kms.close();
          await opened.close();
        }
      }),
      { numRuns: 12 },
    );
  });

  // The property's logs are short; a busy key's day is read a page of members at a time, with
  // every kind of its events among the pages: uses by several callers and algorithms, refusals
  // while disabled, ReEncrypts to and from another key, reads recorded in the audit stream.
  it('answers a busy key\'s day, pages of it, as a full replay does, on SQLite', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const opened = await openSqliteStore({ path: `${dir.dir}/keyledger.db` });
    const h = await openHarness({ store: opened.store, vault: opened.vault });
    try {
      const key = (await h.call('CreateKey', {})).KeyMetadata.KeyId;
      const other = (await h.call('CreateKey', {})).KeyMetadata.KeyId;
      const start = h.clock.now().getTime();
      const callers = [{}, bob, { userAgent: 'another agent', sourceIp: '10.1.2.3' }];
      for (let i = 0; i < 1300; i++) {
        h.clock.advanceMs(70_000);
        const who = callers[i % 3]!;
        const step = i % 97;
        if (step === 5) await h.call('DisableKey', { KeyId: key });
        else if (step === 9) await h.call('EnableKey', { KeyId: key });
        else if (step === 11) {
          const { CiphertextBlob } = await h.call('Encrypt', { KeyId: other, Plaintext: plaintext });
          await h.call('ReEncrypt', { CiphertextBlob, DestinationKeyId: key }, who);
        } else if (step === 13) await h.call('DescribeKey', { KeyId: key }, who);
        else if (i % 2 === 0) await h.call('Encrypt', { KeyId: key, Plaintext: plaintext }, who).catch(() => undefined);
        else await h.call('GenerateDataKey', { KeyId: key, KeySpec: 'AES_256' }, who).catch(() => undefined);
      }
      const arn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${key}`;
      // The day streams are read with the key as a hint, so the store may pass over the rest.
      const hints: (string | undefined)[] = [];
      const store = h.store;
      const spied = new Proxy(store, {
        get: (target, name, receiver) =>
          name === 'readOccurredMembers'
            ? (window: MembersWindow, paths: MemberPaths) => {
                if (window.stream.startsWith('audit-')) hints.push(window.dataMentions);
                return target.readOccurredMembers!(window, paths);
              }
            : Reflect.get(target, name, receiver),
      });
      for (const ms of [start, start + 86_400_000]) {
        const filter = { keyArn: arn, ...auditQueryWindow(new Date(ms).toISOString().slice(0, 10)) };
        const indexed = await queryAudit(spied, filter);
        expect(indexed.length).toBeGreaterThan(50);
        expect(indexed).toEqual(await fullReplay(h.store, filter));
      }
      expect(hints.length).toBeGreaterThan(0);
      expect(hints.every((hint) => hint === arn)).toBe(true);
    } finally {
      h.kms.close();
      await opened.close();
    }
  });

  it('a day is the UTC day, half open', () => {
    expect(auditQueryWindow('2026-03-01')).toEqual({ since: '2026-03-01T00:00:00.000Z', until: '2026-03-02T00:00:00.000Z' });
    expect(() => auditQueryWindow('2026-3-1')).toThrow(RangeError);
  });
});
