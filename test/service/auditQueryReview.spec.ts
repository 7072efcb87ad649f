// Reviewer's stress of the audit pages: a clock that steps back (within the five minutes the
// reads by time allow), windows cut anywhere, limit 1, firstCap 1, and the admin API's tokens.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type AuditFilter, matchesAudit } from '../../src/projections/auditFilter.js';
import { AuditTrail, type AuditEntry } from '../../src/projections/auditTrail.js';
import { auditPage } from '../../src/service/admin/auditLookup.js';
import { queryAudit, queryAuditPage } from '../../src/service/auditQuery.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { tempDir } from '../store/helpers.js';
import { openHarness, TestClock, type Harness } from './harness.js';

/** A clock that moves on by `step` ms each time it is read: a request's steps see different instants. */
class CreepingClock extends TestClock {
  constructor(private readonly step: number) {
    super();
  }
  override now(): Date {
    const t = super.now();
    this.advanceMs(this.step);
    return t;
  }
}

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
  fc.nat(2).map((k) => async (h, keys) => h.call('EnableKeyRotation', { KeyId: keys[k]!, RotationPeriodInDays: 90 })),
  fc.nat(2).map((k) => async (h, keys) => h.call('ScheduleKeyDeletion', { KeyId: keys[k]!, PendingWindowInDays: 7 })),
  fc.tuple(fc.constantFrom('alias/a', 'alias/b'), fc.nat(2)).map(([a, k]) => async (h, keys) => h.call('CreateAlias', { AliasName: a, TargetKeyId: keys[k]! })),
  fc.tuple(fc.constantFrom('alias/a', 'alias/b'), fc.nat(2)).map(([a, k]) => async (h, keys) => h.call('UpdateAlias', { AliasName: a, TargetKeyId: keys[k]! })),
  fc.constantFrom('alias/a', 'alias/b').map((a) => async (h) => h.call('DeleteAlias', { AliasName: a })),
  fc.constant<Step>(async (h) =>
    h.kms.recordRejected({ requestId: crypto.randomUUID(), at: h.clock.now(), stage: 'authentication', errorCode: 'InvalidSignatureException', accessKeyId: 'AKIABAD' }),
  ),
  fc.constant<Step>(async (h) => h.kms.runScheduler()),
];

const fullReplay = async (store: EventStore, filter: AuditFilter): Promise<AuditEntry[]> => {
  const trail = new AuditTrail();
  for await (const e of store.readAll()) trail.apply(e);
  return [...trail.entries()].filter((e) => matchesAudit(filter, e));
};

const allPages = async (store: EventStore, filter: AuditFilter, limit: number, firstCap?: number): Promise<AuditEntry[]> => {
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
  throw new Error('no end');
};

const adminPages = async (store: EventStore, filter: AuditFilter, limit: number): Promise<unknown[]> => {
  const out: unknown[] = [];
  let token: string | undefined;
  do {
    const p = await auditPage(store, filter, { Limit: limit, ...(token !== undefined ? { NextToken: token } : {}) });
    out.push(...p.Records);
    token = p.NextToken;
  } while (token !== undefined);
  return out;
};

// Advances in [-4 min, +30 h]; the clock never falls more than 4 min behind the latest it showed.
const workload = fc.array(fc.tuple(fc.integer({ min: -240_000, max: 30 * 3_600_000 }), fc.oneof(...steps)), { minLength: 0, maxLength: 30 });

const check = async (h: Harness, plan: [number, Step][], cuts: number[], limit: number, firstCap: number): Promise<void> => {
  const start = h.clock.now().getTime();
  let latest = start;
  const keys: string[] = [];
  for (let k = 0; k < 3; k++) keys.push((await h.call('CreateKey', {})).KeyMetadata.KeyId);
  for (const [ms, step] of plan) {
    const now = h.clock.now().getTime();
    const to = Math.max(now + ms, latest - 240_000);
    h.clock.advanceMs(to - now);
    latest = Math.max(latest, to);
    await step(h, keys).catch(() => undefined);
  }
  const end = latest;
  const arn = (id: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${id}`;
  const alias = (name: string) => `arn:aws:kms:us-east-1:${ACCOUNT}:${name}`;
  const at = (c: number) => new Date(start + ((end - start) * c) / 100).toISOString();
  const filters: AuditFilter[] = [{}, { operation: 'ReEncrypt' }, { outcome: 'failure' }, { principalArn: bob.principalArn }];
  for (const c of cuts) {
    filters.push({ since: at(c) }, { until: at(c) }, { since: at(c), until: at(Math.min(100, c + 7)) }, { outcome: 'failure', since: at(c) });
    filters.push({ keyArn: arn(keys[0]!), since: at(c) }, { aliasArn: alias('alias/a'), until: at(c) });
    for (const id of keys) filters.push({ keyArn: arn(id), until: at(c) }, { keyArn: arn(id), since: at(c), until: at(Math.min(100, c + 3)) });
  }
  for (const id of keys) filters.push({ keyArn: arn(id) }, { keyArn: arn(id), outcome: 'success' });
  filters.push({ aliasArn: alias('alias/b') });
  for (const filter of filters) {
    const whole = await fullReplay(h.store, filter);
    const indexed = await queryAudit(h.store, filter);
    expect(indexed, JSON.stringify(filter)).toEqual(whole);
    expect(await allPages(h.store, filter, limit, firstCap), `pages ${limit}/${firstCap} of ${JSON.stringify(filter)}`).toEqual(whole);
    expect(await adminPages(h.store, filter, limit), `admin pages ${limit} of ${JSON.stringify(filter)}`).toEqual(whole.map((e) => e.record));
  }
};

const params = fc.tuple(workload, fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }));

describe('audit pages, reviewed', () => {
  const dirs: { remove(): void }[] = [];
  afterAll(() => dirs.forEach((d) => d.remove()));

  it('memory store', async () => {
    await fc.assert(
      fc.asyncProperty(params, async ([plan, cuts, limit, firstCap]) => {
        const h = await openHarness();
        try {
          await check(h, plan, cuts, limit, firstCap);
        } finally {
          h.kms.close();
        }
      }),
      { numRuns: Number(process.env.RUNS ?? 40) },
    );
  }, 600_000);

  it('memory store, a clock that moves while a request runs', async () => {
    await fc.assert(
      fc.asyncProperty(params, fc.integer({ min: 1, max: 3000 }), async ([plan, cuts, limit, firstCap], step) => {
        const h = await openHarness({ clock: new CreepingClock(step) });
        try {
          await check(h, plan, cuts, limit, firstCap);
        } finally {
          h.kms.close();
        }
      }),
      { numRuns: Number(process.env.RUNS ?? 40) },
    );
  }, 600_000);

  it('sqlite store', async () => {
    await fc.assert(
      fc.asyncProperty(params, async ([plan, cuts, limit, firstCap]) => {
        const dir = tempDir();
        dirs.push(dir);
        const opened = await openSqliteStore({ path: `${dir.dir}/keyledger.db` });
        const h = await openHarness({ store: opened.store, vault: opened.vault });
        try {
          await check(h, plan, cuts, limit, firstCap);
        } finally {
          h.kms.close();
          await opened.close();
        }
      }),
      { numRuns: Number(process.env.RUNS_SQLITE ?? 10) },
    );
  }, 600_000);
});
