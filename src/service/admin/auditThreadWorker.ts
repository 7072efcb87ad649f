// The audit thread's body (auditThread.ts): its own read-only connection to the data file,
// answering one page request at a time with auditPage, exactly as it runs on any thread.
import { parentPort, workerData } from 'node:worker_threads';
import { isKmsError } from '../../domain/errors.js';
import { openSqliteStore } from '../../store/sqlite/sqliteStore.js';
import { auditPage } from './auditLookup.js';
import { collectYoungGeneration } from './youngGeneration.js';
import type { FromAuditThread, ToAuditThread } from './auditThread.js';

const port = parentPort;
if (port === null) throw new Error('auditThreadWorker runs as a worker thread');
const { path } = workerData as { readonly path: string };
const opened = await openSqliteStore({ path, readOnly: true });

port.on('message', (message: ToAuditThread) => {
  if (message.kind === 'close') {
    void opened.close().finally(() => port.close());
    return;
  }
  const { id, filter, page } = message;
  auditPage(opened.store, filter, page).then(
    (output) => port.postMessage({ kind: 'answer', id, output } satisfies FromAuditThread),
    (error: unknown) => {
      const failure: FromAuditThread = isKmsError(error)
        ? { kind: 'refused', id, code: error.code, message: error.message }
        : { kind: 'failed', id, message: error instanceof Error ? error.message : String(error) };
      port.postMessage(failure);
    },
  ).finally(collectYoungGeneration);
});
port.postMessage({ kind: 'ready' } satisfies FromAuditThread);
