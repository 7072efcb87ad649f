// A verify thread (segmentPool.ts): checks the segments of the log it is sent, on its own
// read-only connection, and answers each with its summary (chainSegments.ts). It reads rows as
// arrays, page after page in one statement: nothing else runs on this thread, so holding one
// read open for a segment costs no one a wait (WAL readers never block the writer).
import { parentPort, workerData } from 'node:worker_threads';
import { SegmentChecker, type SegmentRange, type SegmentSummary } from '../chainSegments.js';
import { openReadConnection } from './schema.js';

type Row = [number, string, number, string, string, string, string, string, string];

const port = parentPort;
const path: unknown = (workerData as { path?: unknown } | null)?.path;
if (port === null || typeof path !== 'string') throw new Error('segmentWorker started without a database path');

const db = openReadConnection(path);
const rows = db
  .prepare<[number, number], Row>(
    `SELECT position, stream, revision, id, type, data, metadata, lower(hex(prev)), lower(hex(hash))
       FROM events WHERE position > ? AND position <= ? ORDER BY position`,
  )
  .raw(true);

const check = (range: SegmentRange): SegmentSummary => {
  const checker = new SegmentChecker(range);
  for (const [position, stream, revision, id, type, data, metadata, prev, hash] of rows.iterate(range.after, range.through)) {
    if (!checker.add(position, stream, revision, id, type, data, metadata, prev, hash)) break;
  }
  return checker.summary();
};

port.on('message', (message: { readonly range: SegmentRange } | 'close') => {
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ summary: check(message.range) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
