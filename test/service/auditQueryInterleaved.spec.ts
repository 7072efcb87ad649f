// Reviewer's counterexamples to the audit pages' exactness, each of which failed before its fix
// (auditQuery.ts): a ReEncrypt's two KeyUsed events are two appends (its source's, then its
// destination's), and other requests commit between them; and an undated event in the log.
import { afterAll, describe, expect, it } from 'vitest';
import { auditPage } from '../../src/service/admin/auditLookup.js';
import { queryAudit, queryAuditPage } from '../../src/service/auditQuery.js';
import { MemoryEventStore } from '../../src/store/memoryStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { newEvent, tempDir } from '../store/helpers.js';
import { openHarness } from './harness.js';
import { allPages, fullReplay } from './auditPages.js';

const ACCOUNT = '111122223333';
const use = (requestId: string, operation: string, minute: number) =>
  newEvent('KeyUsed', { algorithm: 'SYMMETRIC_DEFAULT' }, {
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    actor: { principalArn: `arn:aws:iam::${ACCOUNT}:user/bob`, account: ACCOUNT },
    request: { requestId, operation, region: 'us-east-1' },
  });

describe('audit pages, a ReEncrypt interleaved with other requests', () => {
  const dirs: { remove(): void }[] = [];
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('a destination key\'s page does not skip a ReEncrypt whose source event precedes the cut (synthetic log)', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const opened = await openSqliteStore({ path: `${dir.dir}/keyledger.db` });
    try {
      for (const store of [new MemoryEventStore(), opened.store]) {
        const key = `arn:aws:kms:us-east-1:${ACCOUNT}:key/dest`;
        const source = `arn:aws:kms:us-east-1:${ACCOUNT}:key/source`;
        // 1: the ReEncrypt uses its source; 2-1002: Encrypts under the destination commit
        // meanwhile (more than a page of members); 1003: the ReEncrypt uses its destination.
        await store.append(`key-${source}`, [use('re', 'ReEncrypt', 0)], 'any');
        for (let n = 0; n < 1001; n++) await store.append(`key-${key}`, [use(`enc-${n}`, 'Encrypt', 0)], 'any');
        await store.append(`key-${key}`, [use('re', 'ReEncrypt', 0)], 'any');
        const filter = { keyArn: key };
        const whole = await fullReplay(store, filter);
        // No CreateKey in this log: the ReEncrypt (first at position 1) comes first.
        expect(whole.map((e) => e.record['eventName']).slice(0, 2)).toEqual(['ReEncrypt', 'Encrypt']);
        expect(whole).toHaveLength(1002);
        expect(await queryAudit(store, filter)).toEqual(whole);
        const first = await queryAuditPage(store, filter, { limit: 1 });
        expect(first.entries.map((e) => e.record['eventName']), 'the first page').toEqual(['ReEncrypt']);
        expect((await allPages(store, filter, 100)).length, 'pages of 100').toBe(whole.length);
      }
    } finally {
      await opened.close();
    }
  });

  it('a key\'s pages through the real service, requests concurrent with a ReEncrypt to it', async () => {
    const h = await openHarness();
    try {
      const dest = (await h.call('CreateKey', {})).KeyMetadata.KeyId;
      const src = (await h.call('CreateKey', {})).KeyMetadata.KeyId;
      const { CiphertextBlob } = await h.call('Encrypt', { KeyId: src, Plaintext: new Uint8Array([1]) });
      await Promise.all([
        h.call('ReEncrypt', { CiphertextBlob, DestinationKeyId: dest }),
        ...Array.from({ length: 1100 }, () => h.call('Encrypt', { KeyId: dest, Plaintext: new Uint8Array([2]) })),
      ]);
      const between: number[] = [];
      for await (const e of h.store.readAll()) if ((e.metadata['request'] as { operation?: string } | undefined)?.operation === 'ReEncrypt') between.push(e.position);
      // The ReEncrypt's source and destination events, over a page of members apart.
      expect(between[1]! - between[0]!).toBeGreaterThan(1001);
      const filter = { keyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${dest}` };
      const whole = await fullReplay(h.store, filter);
      expect(whole.map((e) => e.record['eventName']).slice(0, 2)).toEqual(['CreateKey', 'ReEncrypt']);
      // As the admin API pages it: LookupAuditEvents with its default Limit.
      const records: unknown[] = [];
      let token: string | undefined;
      do {
        const p = await auditPage(h.store, filter, token !== undefined ? { NextToken: token } : {});
        records.push(...p.Records);
        token = p.NextToken;
      } while (token !== undefined);
      expect(records).toEqual(whole.map((e) => e.record));
    } finally {
      h.kms.close();
    }
  });
});

describe('audit pages of a window, an undated event in the log', () => {
  it('the window\'s start is not searched past the events in it', async () => {
    const store = new MemoryEventStore();
    const keyArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/dated`;
    for (let i = 0; i < 12; i++) {
      if (i === 6) await store.append(`key-${keyArn}-undated`, [newEvent('KeyTagged', {}, { request: { requestId: 'undated', operation: 'TagResource', region: 'us-east-1' } })], 'any');
      await store.append(`key-${keyArn}`, [use(`enc-${i}`, 'Encrypt', i)], 'any');
    }
    const filter = { since: '2026-01-01T00:00:00.000Z' };
    const whole = await fullReplay(store, filter);
    expect(whole).toHaveLength(12);
    expect(await queryAudit(store, filter)).toEqual(whole);
    expect(await allPages(store, filter, 5)).toEqual(whole);
  });
});
