// For `npm run bench:replay`: times queryAudit of one whole question on a thread with the
// server's audit thread's heap (AUDIT_THREAD_LIMITS, src/service/admin/auditThread.ts), emptying
// the young generation between runs as that thread does between pages.
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditFilter } from '../src/projections/auditFilter.js';
import { collectYoungGeneration } from '../src/service/admin/youngGeneration.js';
import { queryAudit } from '../src/service/auditQuery.js';
import { openSqliteStore } from '../src/store/sqlite/sqliteStore.js';

const { path, filter, runs } = workerData as { readonly path: string; readonly filter: AuditFilter; readonly runs: number };
const opened = await openSqliteStore({ path, readOnly: true });
const once = async (): Promise<{ ms: number; records: number }> => {
  const t0 = performance.now();
  const records = (await queryAudit(opened.store, filter)).length;
  const ms = performance.now() - t0;
  collectYoungGeneration();
  return { ms, records };
};
const first = await once();
await once();
const ms: number[] = [];
for (let r = 0; r < runs; r++) ms.push((await once()).ms);
ms.sort((a, b) => a - b);
parentPort?.postMessage({ firstMs: Number(first.ms.toFixed(1)), medianMs: Number(ms[Math.floor(runs / 2)]!.toFixed(1)), records: first.records });
await opened.close();
