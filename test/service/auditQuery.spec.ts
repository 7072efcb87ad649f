// The audit query reads only the events a filter can match (by key, alias, time) through the
// store's indexes. Whatever it reads, its answer must be a full replay's: for random workloads
// at random instants — ReEncrypts across keys and refused halfway, alias moves, denials,
// requests refused at the edge, the service's own rotations and deletions — every filter gives
// the same records, on the memory store (scans) and on SQLite (indexes).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditFilter } from '../../src/projections/auditFilter.js';
import { auditQueryWindow, queryAudit } from '../../src/service/auditQuery.js';
import type { MemberPaths, MembersWindow } from '../../src/store/eventStore.js';
import { MemoryEventStore } from '../../src/store/memoryStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { newEvent, tempDir } from '../store/helpers.js';
import { openHarness, type Harness } from './harness.js';
import { ACCOUNT, allPages, bob, fullReplay, plaintext, steps, type Step } from './auditPages.js';

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

const check = async (h: Harness, plan: [number, Step][], cut: number, page: { limit: number; firstCap: number } = { limit: 2, firstCap: 1 }): Promise<void> => {
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
    // A page at a time, each read from the last one's end, adds up to the same records.
    expect(await allPages(h.store, filter, page.limit, page.firstCap), `pages of ${JSON.stringify(filter)}`).toEqual(indexed);
  }
};

const pages = fc.record({ limit: fc.integer({ min: 1, max: 4 }), firstCap: fc.integer({ min: 1, max: 6 }) });

describe('audit query', () => {
  const dirs: { remove(): void }[] = [];
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('answers every filter as a full replay does, on the memory store', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.integer({ min: 0, max: 100 }), pages, async (plan, cut, page) => {
        const h = await openHarness();
        await check(h, plan, cut, page);
        h.kms.close();
      }),
      { numRuns: 60 },
    );
  });

  it('answers every filter as a full replay does, on SQLite through its indexes', async () => {
    await fc.assert(
      fc.asyncProperty(workload, fc.integer({ min: 0, max: 100 }), pages, async (plan, cut, page) => {
        const dir = tempDir();
        dirs.push(dir);
        const opened = await openSqliteStore({ path: `${dir.dir}/keyledger.db` });
        const h = await openHarness({ store: opened.store, vault: opened.vault });
        try {
          await check(h, plan, cut, page);
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
        expect(await allPages(spied, filter, 7, 5)).toEqual(indexed);
        expect(await allPages(spied, filter, 100)).toEqual(indexed);
      }
      // The whole history of the key, a page at a time, as the admin API reads it.
      const whole = await queryAudit(h.store, { keyArn: arn });
      expect(whole.length).toBeGreaterThan(1300);
      expect(await allPages(h.store, { keyArn: arn }, 100)).toEqual(whole);
      expect(await allPages(h.store, { keyArn: arn }, 3, 2)).toEqual(whole);
      expect(hints.length).toBeGreaterThan(0);
      expect(hints.every((hint) => hint === arn)).toBe(true);
    } finally {
      h.kms.close();
      await opened.close();
    }
  });

  // No command writes two events to one stream today but ReEncrypt (completed by request id);
  // the pages must still be whole if one did: a page's reads can stop, and the next start,
  // in the middle of any request's events.
  it('pages requests that wrote several events to a stream, cut anywhere, as one reading does', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const opened = await openSqliteStore({ path: `${dir.dir}/keyledger.db` });
    try {
      for (const store of [new MemoryEventStore(), opened.store]) {
        const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/several`;
        for (let i = 0; i < 12; i++) {
          const metadata = {
            occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
            actor: { principalArn: bob.principalArn, account: ACCOUNT },
            request: { requestId: `request-${i}`, operation: 'Encrypt', region: 'us-east-1' },
          };
          // Uses, each with its own algorithm: a record's answer names the last one's, so a
          // record built from part of its request's events would read differently.
          const events = Array.from({ length: (i % 3) + 1 }, (_, n) => newEvent('KeyUsed', { algorithm: `ALGORITHM_${n}` }, metadata));
          await store.append(`key-${keyArn}`, events, 'any');
          // Another stream between requests, so that positions and revisions part ways.
          await store.append(`key-${keyArn}-other`, [newEvent('KeyTagged', {}, { ...metadata, request: { ...metadata.request, requestId: `other-${i}` } })], 'any');
        }
        // A key's records come from its streams, the others' from the log itself (logSpan).
        const filters: AuditFilter[] = [{ keyArn }, { keyArn, ...auditQueryWindow('2026-01-01') }, {}, auditQueryWindow('2026-01-01'), { principalArn: bob.principalArn, since: '2026-01-01T00:03:00.000Z' }];
        for (const filter of filters) {
          const whole = await queryAudit(store, filter);
          expect(whole.length).toBeGreaterThanOrEqual(12);
          expect(whole).toEqual(await fullReplay(store, filter));
          for (const limit of [1, 2, 5]) for (const firstCap of [1, 2, 3, 4]) expect(await allPages(store, filter, limit, firstCap), `${limit}/${firstCap}`).toEqual(whole);
        }
      }
    } finally {
      await opened.close();
    }
  });

  it('a day is the UTC day, half open', () => {
    expect(auditQueryWindow('2026-03-01')).toEqual({ since: '2026-03-01T00:00:00.000Z', until: '2026-03-02T00:00:00.000Z' });
    expect(() => auditQueryWindow('2026-3-1')).toThrow(RangeError);
  });
});
