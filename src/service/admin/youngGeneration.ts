// A collection of the young generation on demand, for a thread that does bulk reads between
// idle spells (auditThread.ts): done between two of its tasks, when the young generation holds
// only the last task's garbage, it is brief, and the next task starts in an empty young
// generation that it may fit in whole, with no collection while it runs.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * V8's gc() is reached as Jest's leak detector reaches it: the flag is set just long enough to
 * make one context that has it. Flags are the process's: a context another thread makes in
 * that instant gets gc() too (harmless: the server makes none). A no-op where that is refused.
 */
export const collectYoungGeneration = ((): (() => void) => {
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
