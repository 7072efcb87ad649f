// The audit thread's body (auditThread.ts): its own read-only connection to the data file,
// answering one page request at a time with auditPage, exactly as it runs on any thread.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { isKmsError } from '../../domain/errors.js';
import { openSqliteStore } from '../../store/sqlite/sqliteStore.js';
import { auditPage } from './auditLookup.js';
import type { FromAuditThread, ToAuditThread } from './auditThread.js';

/**
 * A collection of the young generation, done between two pages: it then holds only the last
 * page's garbage, so it is brief, and the next page starts in an empty young generation that
 * a busy key's day fits in, with no collection while it is computed (AUDIT_THREAD_LIMITS).
 * V8's gc() is reached as Jest's leak detector reaches it: the flag is set just long enough
 * to make one context that has it.
 */
const collectYoungGeneration = ((): (() => void) => {
  // V8's flags are the process's, not this thread's: a process started with --expose-gc has
  // gc here already, and turning the flag off below would take it from every context and
  // thread the process makes later.
  const own: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return () => own({ type: 'minor' });
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    setFlagsFromString('--no-expose-gc');
    return typeof gc === 'function' ? () => gc({ type: 'minor' }) : () => undefined;
  } catch {
    return () => undefined;
  }
})();

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
