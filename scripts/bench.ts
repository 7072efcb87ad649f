// `npm run bench`: the service in-process on the embedded SQLite store, with every usage event
// durably appended (WAL, synchronous=FULL) before a result is released. Prints JSON:
// Encrypt, Decrypt and GenerateDataKey ops/s and p50/p99 at concurrency 1, 16 and 64; and in
// the same run the floors it is judged against — bare node:crypto AES-256-GCM of the same
// size with no store, and the one-fsync-per-event append rate.
// Targets (issue "event-sourced core"): durable Encrypt at concurrency 64 ≥ 0.5 × the crypto
// floor, and ≥ 3 × the one-fsync-per-event rate.
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyledger } from '../src/service/keyledger.js';
import type { RequestContext } from '../src/service/shapes.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';
import { machine, measure, measureSync } from './benchLib.js';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const PLAINTEXT_BYTES = 256;
const CONCURRENCY = [1, 16, 64];

const context = (): RequestContext => ({
  requestId: randomUUID(),
  account: '111122223333',
  region: 'us-east-1',
  principalArn: 'arn:aws:iam::111122223333:user/bench',
});

const cryptoFloor = () => {
  const key = randomBytes(32);
  const plaintext = randomBytes(PLAINTEXT_BYTES);
  return measureSync(SECONDS, () => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
    cipher.update(plaintext);
    cipher.final();
    cipher.getAuthTag();
  });
};

/** One event per append, one append at a time: one transaction, one fsync, per event. */
const fsyncPerEvent = async (dir: string) => {
  const opened = await openSqliteStore({ path: join(dir, 'fsync.db') });
  let revision = -1;
  const figures = await measure(1, SECONDS, async () => {
    const result = await opened.store.append(
      'bench-stream',
      [{ id: randomUUID(), type: 'BenchEvent', data: { n: revision + 1 }, metadata: {} }],
      revision < 0 ? 'no_stream' : revision,
    );
    revision = result.nextExpectedRevision;
  });
  await opened.close();
  return figures;
};

const main = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-bench-'));
  try {
    const opened = await openSqliteStore({ path: join(dir, 'keyledger.db') });
    const kms = await Keyledger.open({ store: opened.store, vault: opened.vault, rootKey: new Uint8Array(randomBytes(32)) });
    const { KeyMetadata } = await kms.execute('CreateKey', {}, context());
    const plaintext = new Uint8Array(randomBytes(PLAINTEXT_BYTES));
    const samples = await Promise.all(
      Array.from({ length: 256 }, () => kms.execute('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext }, context())),
    );
    const operations = {
      Encrypt: () => kms.execute('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext }, context()),
      Decrypt: (i: number) => kms.execute('Decrypt', { CiphertextBlob: samples[i % samples.length]!.CiphertextBlob }, context()),
      GenerateDataKey: () => kms.execute('GenerateDataKey', { KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' }, context()),
    };
    const results: Record<string, unknown[]> = {};
    for (const [name, op] of Object.entries(operations)) {
      results[name] = [];
      for (const c of CONCURRENCY) {
        results[name]!.push(await measure(c, SECONDS, op));
      }
    }
    const stats = opened.stats();
    kms.close();
    await opened.close();
    const floor = cryptoFloor();
    const fsync = await fsyncPerEvent(dir);
    const encrypt64 = (results['Encrypt']!.at(-1) as { opsPerSec: number }).opsPerSec;
    console.log(
      JSON.stringify(
        {
          benchmark: 'service in-process, SQLite store, durable usage events',
          machine: machine(),
          plaintextBytes: PLAINTEXT_BYTES,
          secondsPerFigure: SECONDS,
          results,
          floors: { bareAes256GcmOpsPerSec: floor.opsPerSec, oneFsyncPerEvent: fsync },
          writer: stats,
          targets: {
            encrypt64VsCryptoFloor: Number((encrypt64 / floor.opsPerSec).toFixed(3)),
            encrypt64VsCryptoFloorTarget: 0.5,
            encrypt64VsFsyncPerEvent: Number((encrypt64 / fsync.opsPerSec).toFixed(2)),
            encrypt64VsFsyncPerEventTarget: 3,
          },
          rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
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
