// Shared pieces of the benchmarks: a closed-loop load generator at a fixed concurrency that
// reports ops/s and latency percentiles, and the machine facts a figure is meaningless without.
import { cpus, totalmem } from 'node:os';

export interface Figures {
  readonly concurrency: number;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

/**
 * Runs `op` from `concurrency` callers, each starting its next call when the previous one
 * resolves, until `seconds` have passed (after a short warm-up, then `onOpen`); bounded in time
 * and count. Every latency, in ms.
 */
export const closedLoop = async (
  concurrency: number,
  seconds: number,
  op: (i: number) => Promise<unknown>,
  options: { readonly maxOps?: number; readonly onOpen?: () => void } = {},
): Promise<{ latencies: number[]; seconds: number }> => {
  const maxOps = options.maxOps ?? 2_000_000;
  const warmupEnd = performance.now() + Math.min(500, seconds * 200);
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < warmupEnd) await op(i++);
    }),
  );
  options.onOpen?.();
  const latencies: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end && latencies.length < maxOps) {
        const t0 = performance.now();
        await op(i++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000 };
};

/** ops/s and percentiles of the latencies (ms) measured over `seconds`. */
export const figuresOf = (concurrency: number, latencies: readonly number[], seconds: number): Figures => {
  const sorted = Float64Array.from(latencies).sort();
  return {
    concurrency,
    ops: sorted.length,
    seconds: round(seconds),
    opsPerSec: Math.round(sorted.length / seconds),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
  };
};

/** A closed loop at one concurrency, as figures. */
export const measure = async (concurrency: number, seconds: number, op: (i: number) => Promise<unknown>, maxOps = 2_000_000): Promise<Figures> => {
  const run = await closedLoop(concurrency, seconds, op, { maxOps });
  return figuresOf(concurrency, run.latencies, run.seconds);
};

/** Synchronous work as fast as one thread does it, for floors that have no I/O. */
export const measureSync = (seconds: number, op: () => void): { opsPerSec: number } => {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    for (let k = 0; k < 256; k++) op();
    n += 256;
  }
  return { opsPerSec: Math.round(n / ((performance.now() - start) / 1000)) };
};

export const machine = () => ({
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: round(totalmem() / 2 ** 30, 1),
  platform: `${process.platform}-${process.arch}`,
});

/**
 * verifyLog and the SQLite store from the build in dist/, as `keyledger verify` runs them: its
 * threads then start from compiled JavaScript, where run from TypeScript each would first load
 * tsx (~0.4 s of a 3 s verify that no user waits for). Build first (`npm run build`).
 */
export const compiledVerify = async (): Promise<{
  verifyLog: typeof import('../src/service/forensics/verify.js')['verifyLog'];
  openSqliteStore: typeof import('../src/store/sqlite/sqliteStore.js')['openSqliteStore'];
}> => {
  const compiled = (file: string) => import(new URL(`../dist/src/${file}`, import.meta.url).href);
  const { verifyLog } = (await compiled('service/forensics/verify.js')) as typeof import('../src/service/forensics/verify.js');
  const { openSqliteStore } = (await compiled('store/sqlite/sqliteStore.js')) as typeof import('../src/store/sqlite/sqliteStore.js');
  return { verifyLog, openSqliteStore };
};
