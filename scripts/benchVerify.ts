// `npx tsx scripts/benchVerify.ts [events]`: how fast `verify` checks a log (target ≥ 300,000
// events/s). Writes a log of `events` (default 1,000,000) KeyUsed-sized events over 10,000
// streams into a fresh SQLite file, with a signed checkpoint every 100,000 events, closes it,
// then verifies it read-only with only the public key. Prints JSON: the write rate (which
// includes computing the chain in the writer) and the verify rate.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checkpointer } from '../src/service/forensics/checkpoints.js';
import { verifyLog } from '../src/service/forensics/verify.js';
import type { NewEvent } from '../src/store/eventStore.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const STREAMS = 10_000;
const PER_APPEND = 10;
const CONCURRENT_APPENDS = 200;
const CHECKPOINT_EVERY = 100_000;

const usage = (i: number): NewEvent => ({
  id: randomUUID(),
  type: 'KeyUsed',
  data: {
    operation: 'Encrypt',
    algorithm: 'SYMMETRIC_DEFAULT',
    keyMaterialId: 'a'.repeat(64),
    outcome: 'Success',
    encryptionContextDigest: 'b'.repeat(44),
    at: new Date(1_767_225_600_000 + i).toISOString(),
  },
  metadata: {
    occurredAt: new Date(1_767_225_600_000 + i).toISOString(),
    actor: { principalArn: 'arn:aws:iam::111122223333:user/bench', account: '111122223333', accessKeyId: 'AKIAEXAMPLE' },
    request: { requestId: randomUUID(), operation: 'Encrypt', region: 'us-east-1', sourceIp: '127.0.0.1', userAgent: 'bench' },
  },
});

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-bench-verify-'));
  const path = join(dir, 'keyledger.db');
  try {
    const opened = await openSqliteStore({ path });
    const checkpointer = new Checkpointer({ ...opened, rootKey: new Uint8Array(32).fill(1), clock: { now: () => new Date() } });
    const publicKey = await checkpointer.publicKey();
    const writeStart = performance.now();
    let written = 0;
    while (written < EVENTS) {
      const appends: Promise<unknown>[] = [];
      for (let a = 0; a < CONCURRENT_APPENDS && written < EVENTS; a++, written += PER_APPEND) {
        const events = Array.from({ length: PER_APPEND }, (_, i) => usage(written + i));
        appends.push(opened.store.append(`key-${(written / PER_APPEND) % STREAMS}`, events, 'any'));
      }
      await Promise.all(appends);
      if (written % CHECKPOINT_EVERY === 0) await checkpointer.append();
    }
    await checkpointer.append();
    const writeSeconds = (performance.now() - writeStart) / 1000;
    await opened.close();

    const readOnly = await openSqliteStore({ path, readOnly: true });
    const verifyStart = performance.now();
    const result = await verifyLog({ store: readOnly.store, publicKey });
    const verifySeconds = (performance.now() - verifyStart) / 1000;
    await readOnly.close();
    if (!result.ok) throw new Error(`the benchmark log does not verify: ${JSON.stringify(result.problem)}`);
    console.log(
      JSON.stringify(
        {
          events: result.events,
          streams: result.streams,
          checkpoints: result.checkpoints,
          fileMiB: Math.round(statSync(path).size / 2 ** 20),
          appendEventsPerSecond: Math.round(written / writeSeconds),
          verifySeconds: Number(verifySeconds.toFixed(2)),
          verifyEventsPerSecond: Math.round(result.events / verifySeconds),
        },
        null,
        2,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

await main();
