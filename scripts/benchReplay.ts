// `npm run bench:replay [-- events]`: the forensics issue's benchmark. Builds a SQLite log of
// `events` (default 1,000,000) events, mostly usage, then measures what a forensic reader waits
// for: rebuilding every projection from zero and `verify` (targets: ≥ 300,000 events/s each),
// and the history of one key and the audit trail of one key for one day (target: < 100 ms —
// they must not scan the whole log). The day's audit is timed whole (queryAudit, as `keyledger
// audit` computes it) on a thread with the heap of the server's audit thread
// (src/service/admin/auditThread.ts) and on this thread (V8's default young generation), and
// through that audit thread as the admin API answers it, a page at a time.
//
// How the log is built: keys, aliases, rotations, tags, policies, disables and a few thousand
// real requests go through the service (Keyledger.execute) with a clock that walks 30 days; the
// bulk of usage is then appended straight to the store as copies of the service's own KeyUsed
// and RequestRecorded events (new ids, request ids and times), because a million requests
// through the service would benchmark the service, not the replay. Usage is skewed the way real
// usage is: one hot key takes 40% of it, the rest spreads over the other keys. A signed
// checkpoint every 100,000 events, as an hourly cadence would leave in a busy log.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AliasIndex } from '../src/projections/aliasIndex.js';
import { KeyViews } from '../src/projections/keyViews.js';
import { LastUsageView } from '../src/projections/lastUsage.js';
import { auditQueryWindow, queryAudit } from '../src/service/auditQuery.js';
import { Worker } from 'node:worker_threads';
import { AUDIT_THREAD_LIMITS, AuditThread } from '../src/service/admin/auditThread.js';
import { Checkpointer } from '../src/service/forensics/checkpoints.js';
import { KEY_LIFECYCLE_TYPES, keyStateAsOf, timeline } from '../src/service/history.js';
import { Keyledger } from '../src/service/keyledger.js';
import { rebuildProjections } from '../src/service/rebuild.js';
import type { RequestContext } from '../src/service/shapes.js';
import type { EventStore, JsonObject, NewEvent, RecordedEvent } from '../src/store/eventStore.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { workerSpecOf } from '../src/store/sqlite/workerSpec.js';
import { compiledVerify, machine } from './benchLib.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const KEYS = 100;
const ALIASES = 20;
const DAYS = 30;
const START = Date.parse('2026-10-01T00:00:00.000Z');
const SPAN_MS = DAYS * 86_400_000;
const CHECKPOINT_EVERY = 100_000;
const APPEND_BATCH = 20;
const CONCURRENT_APPENDS = 64;
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

let now = START;
const clock = { now: () => new Date(now) };
const context = (user = 'app'): RequestContext => ({
  requestId: randomUUID(),
  account: ACCOUNT,
  region: REGION,
  principalArn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  sourceIp: '10.0.0.7',
  userAgent: 'aws-sdk-js/3.0.0 bench',
});

const clone = (o: JsonObject): JsonObject => JSON.parse(JSON.stringify(o)) as JsonObject;

/** A copy of one of the service's own events, re-dated and re-identified. */
const copyOf = (template: RecordedEvent, at: string): NewEvent => {
  const data = clone(template.data);
  const { prev: _p, hash: _h, ...metadata } = clone(template.metadata);
  const requestId = randomUUID();
  if (typeof data['at'] === 'string') data['at'] = at;
  if (typeof data['requestId'] === 'string') data['requestId'] = requestId;
  metadata['occurredAt'] = at;
  const request = metadata['request'];
  if (request !== null && typeof request === 'object' && !Array.isArray(request)) request['requestId'] = requestId;
  return { id: randomUUID(), type: template.type, data, metadata };
};

const build = async (path: string) => {
  const opened = await openSqliteStore({ path });
  const kms = await Keyledger.open({ store: opened.store, vault: opened.vault, rootKey: new Uint8Array(randomBytes(32)), clock });
  const keyIds: string[] = [];
  for (let k = 0; k < KEYS; k++) {
    now += 1000;
    const { KeyMetadata } = await kms.execute('CreateKey', { Description: `key ${k}`, Tags: [{ TagKey: 'team', TagValue: `t${k % 7}` }] }, context('admin'));
    keyIds.push(KeyMetadata.KeyId);
    if (k % 3 === 0) await kms.execute('EnableKeyRotation', { KeyId: KeyMetadata.KeyId }, context('admin'));
  }
  for (let a = 0; a < ALIASES; a++) await kms.execute('CreateAlias', { AliasName: `alias/app-${a}`, TargetKeyId: keyIds[a]! }, context('admin'));
  // A few thousand real requests spread over the 30 days: usage, reads, lifecycle, failures.
  const plaintext = new Uint8Array(64);
  for (let i = 0; i < 3000; i++) {
    now = START + Math.floor((i / 3000) * SPAN_MS);
    const keyId = keyIds[i % KEYS]!;
    const { CiphertextBlob } = await kms.execute('Encrypt', { KeyId: keyId, Plaintext: plaintext, EncryptionContext: { tenant: `t${i % 13}` } }, context());
    await kms.execute('Decrypt', { CiphertextBlob, EncryptionContext: { tenant: `t${i % 13}` } }, context());
    await kms.execute('DescribeKey', { KeyId: keyId }, context());
    if (i % 50 === 0) await kms.execute('RotateKeyOnDemand', { KeyId: keyId }, context('admin')).catch(() => undefined);
    if (i % 97 === 0) await kms.execute('UpdateAlias', { AliasName: `alias/app-${i % ALIASES}`, TargetKeyId: keyIds[(i * 7) % KEYS]! }, context('admin'));
    if (i % 120 === 0) {
      await kms.execute('DisableKey', { KeyId: keyId }, context('admin'));
      await kms.execute('Encrypt', { KeyId: keyId, Plaintext: plaintext }, context()).catch(() => undefined);
      await kms.execute('EnableKey', { KeyId: keyId }, context('admin'));
    }
  }
  await kms.close();

  // Templates: the service's own usage and read events.
  const templates = { KeyUsed: [] as RecordedEvent[], RequestRecorded: [] as RecordedEvent[] };
  for await (const e of opened.store.readAll()) {
    if (e.type === 'KeyUsed' && templates.KeyUsed.length < 64) templates.KeyUsed.push(e);
    if (e.type === 'RequestRecorded' && e.data['outcome'] === 'Success' && templates.RequestRecorded.length < 64) templates.RequestRecorded.push(e);
  }
  const checkpointer = new Checkpointer({ ...opened, rootKey: new Uint8Array(32).fill(7), clock });
  const publicKey = await checkpointer.publicKey();
  let written = await opened.store.headPosition();
  let nextCheckpoint = CHECKPOINT_EVERY;
  const hotKeyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyIds[0]!}`;
  const start = performance.now();
  let i = 0;
  while (written < EVENTS) {
    const appends: Promise<unknown>[] = [];
    for (let a = 0; a < CONCURRENT_APPENDS && written < EVENTS; a++, i++, written += APPEND_BATCH) {
      now = START + Math.floor((written / EVENTS) * SPAN_MS);
      const at = new Date(now).toISOString();
      if (i % 20 === 19) {
        // 5%: successful reads (DescribeKey and the like), recorded in the day's audit stream.
        const template = templates.RequestRecorded[i % templates.RequestRecorded.length]!;
        appends.push(opened.store.append(template.stream.slice(0, -10) + at.slice(0, 10), Array.from({ length: APPEND_BATCH }, () => copyOf(template, at)), 'any'));
        continue;
      }
      const keyArn = i % 5 < 2 ? hotKeyArn : `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyIds[1 + (i % (KEYS - 1))]!}`;
      const template = templates.KeyUsed[i % templates.KeyUsed.length]!;
      appends.push(opened.store.append(`key-${keyArn}`, Array.from({ length: APPEND_BATCH }, () => copyOf(template, at)), 'any'));
    }
    await Promise.all(appends);
    if (written >= nextCheckpoint) {
      await checkpointer.append();
      nextCheckpoint += CHECKPOINT_EVERY;
    }
  }
  await checkpointer.append();
  const appendSeconds = (performance.now() - start) / 1000;
  await opened.close();
  const typicalKeyArn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${keyIds[50]!}`;
  return { publicKey, hotKeyArn, typicalKeyArn, appendEventsPerSecond: Math.round((written - 0) / appendSeconds) };
};

/** What `keyledger history <key>` reads: the key's state now with its aliases, and its timeline. */
const keyHistory = async (store: EventStore, keyArn: string) => {
  const aliasArns = (await store.streamHeads()).heads.filter((h) => h.stream.startsWith('alias-')).map((h) => h.stream.slice('alias-'.length));
  const state = await keyStateAsOf(store, keyArn as never, {}, aliasArns);
  return { state, timeline: await timeline(store, `key-${keyArn}`, {}, KEY_LIFECYCLE_TYPES) };
};

const timed = async <T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: Number((performance.now() - t0).toFixed(1)) };
};

/** The median of `runs` timings, after one warm-up: a query's steady latency, not its first. */
const median = async (runs: number, f: () => Promise<unknown>): Promise<number> => {
  await f();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) ms.push((await timed(f)).ms);
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
};

/** queryAudit of `filter`, timed on a thread with the audit thread's heap (benchAuditWorker.ts). */
const wholeQueryOnBulkHeap = (path: string, filter: object, runs: number): Promise<{ firstMs: number; medianMs: number; records: number }> =>
  new Promise((resolve, reject) => {
    const spec = workerSpecOf('benchAuditWorker', import.meta.url);
    const options = { workerData: { path, filter, runs }, resourceLimits: AUDIT_THREAD_LIMITS };
    const worker = spec.kind === 'file' ? new Worker(spec.url, options) : new Worker(spec.code, { ...options, eval: true });
    worker.once('message', resolve);
    worker.once('error', reject);
  });

/** `verify` as `keyledger verify` runs it: from the build (compiledVerify). */
const timedCompiledVerify = async (path: string, publicKey: Uint8Array) => {
  const { verifyLog, openSqliteStore: openCompiled } = await compiledVerify();
  const opened = await openCompiled({ path, readOnly: true });
  try {
    return await timed(() => verifyLog({ store: opened.store, publicKey }));
  } finally {
    await opened.close();
  }
};

/**
 * BENCH_REPLAY_DIR=<dir> keeps the log there and reuses it on the next run (building a million
 * events takes minutes; measuring a change to the read path should not).
 */
const main = async (): Promise<void> => {
  const kept = process.env['BENCH_REPLAY_DIR'];
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'keyledger-bench-replay-'));
  const path = join(dir, 'keyledger.db');
  const facts = join(dir, 'bench-replay.json');
  try {
    let built: Awaited<ReturnType<typeof build>>;
    if (kept !== undefined && existsSync(facts)) {
      const saved = JSON.parse(readFileSync(facts, 'utf8')) as { publicKey: string; hotKeyArn: string; typicalKeyArn: string; appendEventsPerSecond: number };
      built = { ...saved, publicKey: Uint8Array.from(Buffer.from(saved.publicKey, 'hex')) };
    } else {
      mkdirSync(dir, { recursive: true });
      built = await build(path);
      writeFileSync(facts, JSON.stringify({ ...built, publicKey: Buffer.from(built.publicKey).toString('hex') }));
    }
    const readOnly = await openSqliteStore({ path, readOnly: true });
    const head = await readOnly.store.headPosition();

    // Twice: the first pass is what one `keyledger rebuild` or server start costs (JIT and
    // SQLite's page cache cold), the second the steady rate.
    const rebuildOnce = () => timed(() => rebuildProjections(readOnly.store, [new KeyViews(), new AliasIndex(), new LastUsageView()]));
    const rebuild = await rebuildOnce();
    const rebuildAgain = await rebuildOnce();
    const verify = await timedCompiledVerify(path, built.publicKey);
    if (!verify.value.ok) throw new Error(`the benchmark log does not verify: ${JSON.stringify(verify.value.problem)}`);

    const busyDay = new Date(START + 17 * 86_400_000).toISOString().slice(0, 10);
    // The hot key (40% of all use) and a typical one (one of 99 sharing 55%).
    const queries = async (keyArn: string) => {
      const filter = { keyArn, ...auditQueryWindow(busyDay) };
      const history = await timed(() => keyHistory(readOnly.store, keyArn));
      // A fresh audit thread per key: its first page includes starting it and opening the file.
      const thread = new AuditThread(path);
      try {
        const firstPage = await timed(() => thread.page(filter, { Limit: 100 }));
        const pageMedian = await median(11, () => thread.page(filter, { Limit: 100 }));
        const everyPage = async (): Promise<number> => {
          let records = 0;
          let token: string | undefined;
          do {
            const page = await thread.page(filter, { Limit: 1000, ...(token !== undefined ? { NextToken: token } : {}) });
            records += page.Records.length;
            token = page.NextToken;
          } while (token !== undefined);
          return records;
        };
        const allPages = await median(3, everyPage);
        // The admin API's first page of the key's whole trail, no time window.
        const wholeTrailPage = await median(5, () => thread.page({ keyArn }, { Limit: 100 }));
        const onBulkHeap = await wholeQueryOnBulkHeap(path, filter, 11);
        const here = await timed(() => queryAudit(readOnly.store, filter));
        return {
          history: { firstMs: history.ms, medianMs: await median(11, () => keyHistory(readOnly.store, keyArn)), timelineEntries: history.value.timeline.length },
          auditOneDay: {
            day: busyDay,
            records: here.value.length,
            // queryAudit of the whole day at once (as `keyledger audit` computes it), on a thread
            // with the audit thread's heap, and on this thread (V8's default young generation).
            wholeDay: { onAuditThreadHeap: { firstMs: onBulkHeap.firstMs, medianMs: onBulkHeap.medianMs }, onDefaultHeap: { firstMs: here.ms, medianMs: await median(11, () => queryAudit(readOnly.store, filter)) } },
            // Through the admin API's audit thread: the first page of 100, and every page of 1,000.
            adminApi: { firstPageMs: firstPage.ms, pageMedianMs: pageMedian, everyPageOf1000Ms: allPages },
          },
          auditWholeTrailFirstPage: { limit: 100, medianMs: wholeTrailPage },
        };
      } finally {
        await thread.close();
      }
    };
    const hotKey = await queries(built.hotKeyArn);
    const typicalKey = await queries(built.typicalKeyArn);
    await readOnly.close();

    console.log(
      JSON.stringify(
        {
          machine: machine(),
          events: head,
          fileMiB: Math.round(statSync(path).size / 2 ** 20),
          buildAppendEventsPerSecond: built.appendEventsPerSecond,
          rebuild: {
            events: rebuild.value.events,
            firstPass: { seconds: rebuild.ms / 1000, eventsPerSecond: Math.round(head / (rebuild.ms / 1000)) },
            secondPass: { seconds: rebuildAgain.ms / 1000, eventsPerSecond: Math.round(head / (rebuildAgain.ms / 1000)) },
          },
          verify: { seconds: verify.ms / 1000, eventsPerSecond: Math.round(verify.value.events / (verify.ms / 1000)), checkpoints: verify.value.checkpoints },
          hotKey,
          typicalKey,
        },
        null,
        2,
      ),
    );
  } finally {
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  }
};

await main();
