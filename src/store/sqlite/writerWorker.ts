// The SQLite writer thread. It owns the only write connection, so better-sqlite3's synchronous
// fsync (synchronous=FULL) blocks this thread, never the main event loop.
//
// Batching falls out of the event loop: while a transaction commits, this thread is blocked
// and the main thread's requests pile up in the message port. When the commit returns, the
// poll phase delivers all of them into `queue`, and only then does the `setImmediate` flush
// run — so everything that arrived during one commit goes into the next one. While others are
// writing, a commit may also wait a moment for more (commitWindow.ts): the thread sleeps, then
// takes what arrived straight from the port.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { holdsCommit, keepsHolding, WINDOW_SLICE_MS } from './commitWindow.js';
import { openWriteConnection } from './schema.js';
import { BatchWriter } from './writer.js';
import { fromWire, type FromWriter, type ToWriter, type WriteRequest, type WriterOptions } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('writerWorker must run as a worker thread');

const post = (message: FromWriter): void => port.postMessage(message);

const isOptions = (value: unknown): value is WriterOptions =>
  typeof value === 'object' &&
  value !== null &&
  'path' in value &&
  typeof value.path === 'string' &&
  'maxBatch' in value &&
  typeof value.maxBatch === 'number' &&
  'commitWindowMs' in value &&
  typeof value.commitWindowMs === 'number';

const start = (): void => {
  if (!isOptions(workerData)) throw new Error('writerWorker started without WriterOptions');
  const { path, maxBatch, commitWindowMs } = workerData;
  const db = openWriteConnection(path);
  const writer = new BatchWriter(db);
  const queue: WriteRequest[] = [];
  /** Requests in the last transaction, and when it ended: the commit window's gate. */
  let previousRequests = 0;
  let previousEnded = -Infinity;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let scheduled = false;
  let closing = false;
  let failed = false;

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  const queuedEvents = (): number => {
    let events = 0;
    for (const request of queue) events += request.op === 'append' ? request.events.length : 1;
    return events;
  };

  /** Sleeps in slices, taking what arrived from the port after each, until the window is over or the batch needs no more. */
  const hold = (): void => {
    writer.held();
    const deadline = performance.now() + commitWindowMs;
    for (;;) {
      const left = deadline - performance.now();
      if (!keepsHolding(left, closing, queue.length, maxBatch, queuedEvents())) return;
      Atomics.wait(sleeper, 0, 0, Math.min(WINDOW_SLICE_MS, left));
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) receive(m.message as ToWriter);
    }
  };

  const flush = (): void => {
    scheduled = false;
    if (!failed && !closing && queue.length > 0 && holdsCommit(commitWindowMs, previousRequests, performance.now() - previousEnded, queuedEvents())) {
      hold();
    }
    if (!failed && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      previousRequests = batch.length;
      const { replies, fatal } = writer.commit(batch);
      previousEnded = performance.now();
      post({ kind: 'settled', replies, stats: writer.stats() });
      if (fatal !== undefined) {
        // Fail stop: after an I/O error the state on disk is unknown, and SQLite's own advice
        // is to reopen. The main thread fails everything in flight and everything after.
        failed = true;
        queue.length = 0;
        post({ kind: 'fatal', message: fatal instanceof Error ? fatal.message : String(fatal) });
      }
    }
    if (failed) queue.length = 0; // the main thread has already failed these
    if (queue.length > 0) return schedule();
    if (closing && db.open) {
      // The last connection to close checkpoints the WAL into the database and removes it.
      // (Once: a close that arrived during a commit window leaves one more flush scheduled.)
      db.close();
      post({ kind: 'closed' });
      port.removeAllListeners('message');
    }
  };

  const receive = (message: ToWriter): void => {
    // A loop, not push(...requests): one message can carry more requests than a call can
    // take arguments.
    if (message.kind === 'requests') for (const request of message.requests) queue.push(fromWire(request));
    else closing = true;
    schedule();
  };
  port.on('message', receive);
  post({ kind: 'ready', stats: writer.stats() });
};

start();
