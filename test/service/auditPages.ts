// What the audit query tests hold queryAudit and queryAuditPage to: a replay of the whole log
// through the AuditTrail projection, and the pages of a question read one after another.
import fc from 'fast-check';
import { expect } from 'vitest';
import { type AuditFilter, matchesAudit } from '../../src/projections/auditFilter.js';
import { AuditTrail, type AuditEntry } from '../../src/projections/auditTrail.js';
import { queryAuditPage } from '../../src/service/auditQuery.js';
import type { EventStore } from '../../src/store/eventStore.js';
import type { Harness } from './harness.js';

/** The reference: a replay of the whole log, filtered. */
export const fullReplay = async (store: EventStore, filter: AuditFilter): Promise<AuditEntry[]> => {
  const trail = new AuditTrail();
  for await (const e of store.readAll()) trail.apply(e);
  return [...trail.entries()].filter((e) => matchesAudit(filter, e));
};

/**
 * Every page of `filter`, each read from where the last ended (queryAuditPage), concatenated;
 * with `firstCap`, each long stream is read that few events at a time, so that pages are cut
 * short and read further in every way they can be. A page is never over `limit`, and never
 * under it while more follow; a question that does not end in 10,000 pages fails.
 */
export const allPages = async (store: EventStore, filter: AuditFilter, limit: number, firstCap?: number): Promise<AuditEntry[]> => {
  const out: AuditEntry[] = [];
  let after: number | undefined;
  for (let n = 0; n < 10_000; n++) {
    const { entries, more } = await queryAuditPage(store, filter, { after, limit, ...(firstCap !== undefined ? { firstCap } : {}) });
    expect(entries.length).toBeLessThanOrEqual(limit);
    out.push(...entries);
    if (!more) return out;
    expect(entries).toHaveLength(limit);
    after = entries.at(-1)!.position;
  }
  throw new Error('the pages did not end');
};

/** One step of a random workload on three keys (their ids in `keys`). */
export type Step = (h: Harness, keys: readonly string[]) => Promise<unknown>;

export const ACCOUNT = '111122223333';
export const bob = { principalArn: `arn:aws:iam::${ACCOUNT}:user/bob` };
export const plaintext = new Uint8Array([1, 2, 3]);

/** The audit query tests' workload: uses by two callers, ReEncrypts across keys, reads, a key's
 *  lifecycle, alias moves, requests refused at the edge, the service's own rotations and deletions. */
export const steps: fc.Arbitrary<Step>[] = [
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
