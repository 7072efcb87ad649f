// The admin API's audit lookups on a thread of their own. Most pages take a few ms
// (queryAuditPage reads from where the previous one ended), but some questions read a lot — a
// filter few records pass, over a busy day or over no window at all — and on the server's main
// thread that would block the event loop that answers KMS requests. The thread has its own read-only connection (WAL: it reads every committed write, as
// the main thread does) and its own heap, whose young generation is sized for bulk reads: a
// busy key's whole day allocates ~50 MB, nearly all of it short-lived, and with V8's default
// young generation it was copied and promoted by four or five scavenges (a fifth of the query's
// time, or more). The KMS thread keeps the default: its pauses set request latency.
//
// Started on the first lookup, stopped after a spell of idleness (its memory is given back) and
// at close. Pages are computed one at a time, in order of asking. A refusal (a stale NextToken)
// comes back as the same KMS error. A page that outgrows its deadline or the thread's heap is
// refused with LimitExceededException, and the thread replaced; any other failure, or the
// thread's exit, fails the lookups in flight with an internal error, and the next lookup starts
// a new thread.
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { type KmsExceptionName, kmsError } from '../../domain/errors.js';
import type { AuditFilter } from '../../projections/auditFilter.js';
import { workerSpecOf } from '../../store/sqlite/workerSpec.js';
import type { AdminOutput, PageInput } from './adminShapes.js';
import type { AuditPages } from './auditLookup.js';

export type ToAuditThread =
  | { readonly kind: 'page'; readonly id: number; readonly filter: AuditFilter; readonly page: PageInput }
  | { readonly kind: 'close' };

export type FromAuditThread =
  | { readonly kind: 'ready' }
  | { readonly kind: 'answer'; readonly id: number; readonly output: AdminOutput<'LookupAuditEvents'> }
  | { readonly kind: 'refused'; readonly id: number; readonly code: KmsExceptionName; readonly message: string }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

/**
 * The thread's heap: a young generation of up to 192 MB (semi-spaces of 64 MB), which the
 * thread empties between pages (auditThreadWorker.ts), so that a busy key's day (~50 MB
 * allocated) is computed with no collection at all rather than across four or five scavenges.
 * Measured on the million-event log (docs/benchmarks.md): the hot key's day 72 - 74 ms median
 * on this thread against 117 - 124 ms on the benchmark's main thread, in the same runs.
 */
export const AUDIT_THREAD_LIMITS: ResourceLimits = Object.freeze({ maxYoungGenerationSizeMb: 192, maxOldGenerationSizeMb: 1024 });

export interface AuditThreadOptions {
  /** How long an idle thread is kept before it is stopped, giving its memory back (default 5 minutes). */
  readonly idleMs?: number;
  /** How long a page may take before the thread is stopped and the page refused (default 30 s). */
  readonly deadlineMs?: number;
  /** The thread's heap (default AUDIT_THREAD_LIMITS). */
  readonly resourceLimits?: ResourceLimits;
}

/** Lookups waiting on the thread at most; more are refused until some are answered. */
const MAX_PENDING = 8;

/**
 * What a page that outgrew the thread is told: a question that reads too much of the log for
 * one page — no key or alias, and a wide window or none — runs out of time or memory.
 */
const tooMuch = (what: string): Error =>
  kmsError('LimitExceededException', `The audit lookup ${what}; narrow it with key, alias, since or until`);

interface Pending {
  readonly resolve: (output: AdminOutput<'LookupAuditEvents'>) => void;
  readonly reject: (error: Error) => void;
}

interface Running {
  readonly worker: Worker;
  /** Settles once the thread has opened the file; rejects if it never does. */
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  /** Why the thread is gone, once it is. */
  failure: Error | undefined;
}

export class AuditThread implements AuditPages {
  private running: Running | undefined;
  private nextId = 0;
  private idle: NodeJS.Timeout | undefined;
  private closed = false;
  /** Stops begun and not yet done (an idle stop may be under way when close is called). */
  private readonly stopping = new Set<Promise<void>>();

  private readonly idleMs: number;
  private readonly deadlineMs: number;
  private readonly resourceLimits: ResourceLimits;

  /** `path`: the data file, as the server's store opened it. */
  constructor(
    private readonly path: string,
    options: AuditThreadOptions = {},
  ) {
    this.idleMs = options.idleMs ?? 5 * 60_000;
    this.deadlineMs = options.deadlineMs ?? 30_000;
    this.resourceLimits = options.resourceLimits ?? AUDIT_THREAD_LIMITS;
  }

  async page(filter: AuditFilter, page: PageInput): Promise<AdminOutput<'LookupAuditEvents'>> {
    if (this.closed) throw new Error('the audit thread is closed');
    const running = (this.running ??= this.start());
    clearTimeout(this.idle);
    this.idle = undefined;
    await running.ready;
    try {
      return await new Promise<AdminOutput<'LookupAuditEvents'>>((resolve, reject) => {
        if (running.failure !== undefined) throw running.failure;
        if (running.pending.size >= MAX_PENDING) throw kmsError('LimitExceededException', 'Too many audit lookups are in flight; try again shortly');
        const id = this.nextId++;
        const deadline = setTimeout(() => {
          // The page refused, the thread stopped (the others in flight fail with it), and the next lookup starts a new one.
          const late = running.pending.get(id);
          if (late === undefined) return;
          running.pending.delete(id);
          late.reject(tooMuch(`took longer than ${this.deadlineMs} ms`));
          // No later lookup is sent to it: the next one starts a new thread.
          if (this.running === running) this.running = undefined;
          void running.worker.terminate();
        }, this.deadlineMs);
        deadline.unref();
        const settle = <T>(f: (value: T) => void) => (value: T): void => {
          clearTimeout(deadline);
          f(value);
        };
        running.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
        // Alive while a lookup waits on it, as any I/O keeps the process alive; not when idle.
        running.worker.ref();
        running.worker.postMessage({ kind: 'page', id, filter, page } satisfies ToAuditThread);
      });
    } finally {
      this.idleAfter(running);
    }
  }

  /** Stops the thread, failing any lookup still in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    // A thread an idle stop began to stop is gone too once close resolves (its connection closed).
    await Promise.all(this.stopping);
  }

  private start(): Running {
    const spec = workerSpecOf('auditThreadWorker', import.meta.url);
    const options = { workerData: { path: this.path }, resourceLimits: this.resourceLimits };
    const worker = spec.kind === 'file' ? new Worker(spec.url, options) : new Worker(spec.code, { ...options, eval: true });
    const pending = new Map<number, Pending>();
    let markReady: () => void = () => undefined;
    let markFailed: (error: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    // Heard by whoever awaits it; unhandled only when nobody does.
    ready.catch(() => undefined);
    const running: Running = { worker, ready, pending, failure: undefined };
    const fail = (why: string | Error): void => {
      const error = (running.failure ??= typeof why === 'string' ? new Error(why) : why);
      markFailed(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
      if (this.running === running) this.running = undefined;
    };
    worker.on('message', (message: FromAuditThread) => {
      if (message.kind === 'ready') {
        markReady();
        return;
      }
      const p = pending.get(message.id);
      if (p === undefined) return;
      pending.delete(message.id);
      if (pending.size === 0) worker.unref();
      if (message.kind === 'answer') p.resolve(message.output);
      else if (message.kind === 'refused') p.reject(kmsError(message.code, message.message));
      else p.reject(new Error(`the audit thread failed: ${message.message}`));
    });
    worker.on('error', (error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_WORKER_OUT_OF_MEMORY') fail(tooMuch('needed more memory than the audit thread may hold'));
      else fail(`the audit thread crashed: ${error instanceof Error ? error.message : String(error)}`);
    });
    worker.on('exit', (code) => fail(`the audit thread exited (code ${code})`));
    return running;
  }

  private idleAfter(running: Running): void {
    if (this.running !== running || running.pending.size > 0 || this.closed) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.stop(), this.idleMs);
    this.idle.unref();
  }

  private stop(): Promise<void> {
    clearTimeout(this.idle);
    this.idle = undefined;
    const running = this.running;
    if (running === undefined) return Promise.resolve();
    this.running = undefined;
    const done = this.stopThread(running);
    this.stopping.add(done);
    void done.finally(() => this.stopping.delete(done));
    return done;
  }

  private async stopThread(running: Running): Promise<void> {
    const exited = new Promise<void>((resolve) => running.worker.once('exit', () => resolve()));
    running.worker.postMessage({ kind: 'close' } satisfies ToAuditThread);
    // A thread busy with a long page is not waited for.
    const timer = setTimeout(() => void running.worker.terminate(), 2000);
    await exited;
    clearTimeout(timer);
    for (const p of running.pending.values()) p.reject(new Error('the audit thread was stopped'));
    running.pending.clear();
  }
}
