// Reviewer's stress of the audit pages: a clock that steps back (within the five minutes the
// reads by time allow), windows cut anywhere, limit 1, firstCap 1, and the admin API's tokens.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditFilter } from '../../src/projections/auditFilter.js';
import { auditPage } from '../../src/service/admin/auditLookup.js';
import { queryAudit } from '../../src/service/auditQuery.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { tempDir } from '../store/helpers.js';
import { openHarness, TestClock, type Harness } from './harness.js';
import { ACCOUNT, allPages, bob, fullReplay, steps, type Step } from './auditPages.js';

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

/** The audit query tests' workload, and automatic rotation turned on. */
const reviewSteps: fc.Arbitrary<Step>[] = [
  ...steps,
  fc.nat(2).map((k) => async (h, keys) => h.call('EnableKeyRotation', { KeyId: keys[k]!, RotationPeriodInDays: 90 })),
];

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
const workload = fc.array(fc.tuple(fc.integer({ min: -240_000, max: 30 * 3_600_000 }), fc.oneof(...reviewSteps)), { minLength: 0, maxLength: 30 });

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

  // Step 0: the test clock, moved only between requests; else one that moves on by that many ms
  // each time it is read, so that a request's steps see different instants.
  const onMemory = (clockSteps: fc.Arbitrary<number>) => async (): Promise<void> => {
    await fc.assert(
      fc.asyncProperty(params, clockSteps, async ([plan, cuts, limit, firstCap], step) => {
        const h = await openHarness(step === 0 ? {} : { clock: new CreepingClock(step) });
        try {
          await check(h, plan, cuts, limit, firstCap);
        } finally {
          h.kms.close();
        }
      }),
      { numRuns: Number(process.env.RUNS ?? 40) },
    );
  };

  it('memory store', onMemory(fc.constant(0)), 600_000);

  it('memory store, a clock that moves while a request runs', onMemory(fc.integer({ min: 1, max: 3000 })), 600_000);

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
