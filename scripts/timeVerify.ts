// Times verifyLog alone, from the build as `keyledger verify` runs it, on a log kept by
// `npm run bench:replay`: npm run build && BENCH_REPLAY_DIR=<dir> npx tsx scripts/timeVerify.ts [runs]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compiledVerify } from './benchLib.js';

const dir = process.env['BENCH_REPLAY_DIR'];
if (dir === undefined) throw new Error('set BENCH_REPLAY_DIR to a log kept by `npm run bench:replay`');
const runs = Number(process.argv[2] ?? 2);
const facts = JSON.parse(readFileSync(join(dir, 'bench-replay.json'), 'utf8')) as { publicKey: string };
const publicKey = Uint8Array.from(Buffer.from(facts.publicKey, 'hex'));
const { verifyLog, openSqliteStore } = await compiledVerify();
const { store, close } = await openSqliteStore({ path: join(dir, 'keyledger.db'), readOnly: true });
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await verifyLog({ store, publicKey, ...(process.env['SEGMENT_EVENTS'] === undefined ? {} : { parallel: { segmentEvents: Number(process.env['SEGMENT_EVENTS']) } }) });
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  if (!result.ok) throw new Error(JSON.stringify(result.problem));
  console.log(`verify: ${result.events} events in ${s.toFixed(2)} s = ${Math.round(result.events / s)} events/s; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s (${((cpu.user + cpu.system) / result.events).toFixed(2)} µs/event, all threads; system ${(cpu.system / 1e6).toFixed(2)} s)`);
}
await close();
