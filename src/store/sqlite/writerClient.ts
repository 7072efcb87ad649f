// The main thread's side of the writer thread: starts it, sends it requests, and turns its
// replies back into results and typed errors. Failure is loud: if the worker dies or reports
// a fatal error, every request in flight and every later one is rejected with
// StoreUnavailableError — a store failure is never a silent success.
import { Worker } from 'node:worker_threads';
import { HASH_BYTES } from '../chain.js';
import { StoreUnavailableError, type AppendResult, type RecordedEvent } from '../eventStore.js';
import {
  fromWireError,
  toWire,
  type AppendOutcome,
  type FromWriter,
  type WireEvent,
  type WireRequest,
  type WriteReply,
  type WriteRequest,
  type WriterOptions,
  type WriterStats,
} from './protocol.js';
import { writerWorkerSpec } from './workerSpec.js';

/** Omit applied to each member of a union, so the members stay distinguishable. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request before it is numbered. */
type Submission = DistributiveOmit<WriteRequest, 'seq'>;

interface Pending {
  /** What was sent, for an append: a `linked` reply carries only what the writer added. */
  readonly request: Submission;
  resolve(result: AppendResult | undefined): void;
  reject(error: Error): void;
}

export interface WriterHooks {
  decode(event: WireEvent): RecordedEvent;
  /** Freshly committed events, in position order, before their appenders hear back. */
  committed(events: readonly RecordedEvent[]): void;
  failed(error: StoreUnavailableError): void;
}

const emptyStats: WriterStats = { transactions: 0, appends: 0, events: 0, conflicts: 0, vaultWrites: 0, largestBatch: 0, heldCommits: 0 };

export class WriterClient {
  private readonly pending = new Map<number, Pending>();
  private outbox: WireRequest[] = [];
  private nextSeq = 1;
  private accepting = true;
  private stopping = false;
  private failure: StoreUnavailableError | undefined;
  private latest = emptyStats;
  private readonly whenIdle: (() => void)[] = [];
  private readonly whenClosed: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly hooks: WriterHooks,
  ) {
    let closed: () => void = () => undefined;
    this.whenClosed = new Promise((resolve) => (closed = resolve));
    worker.on('message', (message: FromWriter) => {
      if (message.kind === 'settled') this.settle(message.replies, message.stats);
      else if (message.kind === 'fatal') this.fail(`the SQLite writer failed: ${message.message}`);
      else if (message.kind === 'closed') closed();
    });
    worker.on('error', (error) => this.fail(`the SQLite writer crashed: ${error.message}`));
    worker.on('exit', (code) => {
      if (!this.stopping) this.fail(`the SQLite writer exited (code ${code})`);
      closed();
    });
    worker.unref();
  }

  /** Starts the writer thread; resolves once it has opened (and migrated) the database. */
  static start(options: WriterOptions, hooks: WriterHooks): Promise<WriterClient> {
    let worker: Worker;
    try {
      const spec = writerWorkerSpec();
      worker =
        spec.kind === 'file'
          ? new Worker(spec.url, { workerData: options })
          : new Worker(spec.code, { eval: true, workerData: options });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return Promise.reject(new StoreUnavailableError(`could not start the SQLite writer thread: ${why}`));
    }
    return new Promise((resolve, reject) => {
      // Remove only our own listeners: Worker keeps internal ones (port ref-counting) that
      // removeAllListeners() would break.
      const detach = (): void => {
        worker.off('error', onError).off('exit', onExit).off('message', onMessage);
      };
      const refuse = (why: string): void => {
        detach();
        void worker.terminate();
        reject(new StoreUnavailableError(`could not open the SQLite store at ${options.path}: ${why}`));
      };
      const onError = (error: Error): void => refuse(error.message);
      const onExit = (code: number): void => refuse(`the writer exited (code ${code})`);
      const onMessage = (message: FromWriter): void => {
        if (message.kind !== 'ready') return refuse(`unexpected first message '${message.kind}'`);
        detach();
        const client = new WriterClient(worker, hooks);
        client.latest = message.stats;
        resolve(client);
      };
      worker.on('error', onError).on('exit', onExit).on('message', onMessage);
    });
  }

  stats(): WriterStats {
    return this.latest;
  }

  submit(request: Submission): Promise<AppendResult | undefined> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (!this.accepting) return Promise.reject(new StoreUnavailableError('the SQLite store is closed'));
    const seq = this.nextSeq++;
    // Requests made in the same turn of the event loop travel in one message (a server reads
    // several requests in one turn, each in a callback of its own); the writer batches them
    // further.
    if (this.outbox.length === 0) setImmediate(() => this.flushOutbox());
    this.outbox.push(toWire({ ...request, seq }));
    if (this.pending.size === 0) this.worker.ref(); // keep the process alive until it is answered
    return new Promise((resolve, reject) => this.pending.set(seq, { request, resolve, reject }));
  }

  /** Refuses new requests and resolves when every accepted one is answered. */
  drain(): Promise<void> {
    this.accepting = false;
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenIdle.push(resolve));
  }

  /** Closes the writer's connection (which checkpoints the WAL) and ends the thread. */
  async shutdown(): Promise<void> {
    await this.drain();
    this.stopping = true;
    if (this.failure === undefined) {
      this.worker.ref();
      this.worker.postMessage({ kind: 'close' });
      await this.whenClosed;
    }
    this.failure ??= new StoreUnavailableError('the SQLite store is closed');
    await this.worker.terminate();
  }

  private flushOutbox(): void {
    if (this.outbox.length === 0 || this.failure !== undefined) return;
    this.worker.postMessage({ kind: 'requests', requests: this.outbox });
    this.outbox = [];
  }

  private settle(replies: readonly WriteReply[], stats: WriterStats): void {
    this.latest = stats;
    const fresh: RecordedEvent[] = [];
    const answers: (() => void)[] = [];
    let mismatch: string | undefined;
    for (const reply of replies) {
      const pending = this.pending.get(reply.seq);
      this.pending.delete(reply.seq);
      if (pending === undefined) continue;
      if (!reply.ok) {
        const error = fromWireError(reply.error);
        answers.push(() => pending.reject(error));
        continue;
      }
      let result: AppendResult | undefined;
      try {
        result = reply.append === undefined ? undefined : this.decode(reply.append, pending.request);
      } catch (error) {
        // An answer that does not fit its request: nothing more from this writer is trusted.
        mismatch = `the SQLite writer's answer did not match its request: ${error instanceof Error ? error.message : String(error)}`;
        const failure = new StoreUnavailableError(mismatch);
        answers.push(() => pending.reject(failure));
        continue;
      }
      if (result !== undefined && (reply.append?.kind === 'linked' || reply.append?.fresh === true)) for (const event of result.events) fresh.push(event);
      answers.push(() => pending.resolve(result));
    }
    if (fresh.length > 0) this.hooks.committed(fresh);
    for (const answer of answers) answer();
    if (mismatch !== undefined) this.fail(mismatch);
    this.afterSettling();
  }

  private decode(outcome: AppendOutcome, request: Submission): AppendResult {
    const { nextExpectedRevision, position } = outcome;
    if (outcome.kind === 'stored') return { nextExpectedRevision, position, events: outcome.events.map((event) => this.hooks.decode(event)) };
    if (request.op !== 'append') throw new Error(`the SQLite writer answered a ${request.op} with events`);
    const { stream, events } = request;
    const { prev, hashes } = outcome;
    const n = events.length;
    if (hashes.length !== n * 2 * HASH_BYTES) throw new Error('the SQLite writer answered an append with the wrong number of links');
    return {
      nextExpectedRevision,
      position,
      events: events.map((e, i) =>
        this.hooks.decode({
          position: position - (n - 1) + i,
          stream,
          revision: nextExpectedRevision - (n - 1) + i,
          id: e.id,
          type: e.type,
          data: e.data,
          metadata: e.metadata,
          prev: i === 0 ? prev : hashes.slice((i - 1) * 2 * HASH_BYTES, i * 2 * HASH_BYTES),
          hash: hashes.slice(i * 2 * HASH_BYTES, (i + 1) * 2 * HASH_BYTES),
        }),
      ),
    };
  }

  private fail(message: string): void {
    if (this.failure !== undefined) return;
    this.failure = new StoreUnavailableError(message);
    this.outbox = [];
    for (const pending of this.pending.values()) pending.reject(this.failure);
    this.pending.clear();
    this.hooks.failed(this.failure);
    this.afterSettling();
    void this.worker.terminate();
  }

  private afterSettling(): void {
    if (this.pending.size > 0) return;
    this.worker.unref();
    for (const resolve of this.whenIdle.splice(0)) resolve();
  }
}
