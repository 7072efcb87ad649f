// A verify thread (segmentPool.ts): checks the segments of the log it is sent, on its own
// read-only connection (segmentReader.ts), and answers each with its summary (chainSegments.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { SegmentRange } from '../chainSegments.js';
import { openSegmentReader } from './segmentReader.js';

const port = parentPort;
const path: unknown = (workerData as { path?: unknown } | null)?.path;
if (port === null || typeof path !== 'string') throw new Error('segmentWorker started without a database path');

const reader = openSegmentReader(path);

port.on('message', (message: { readonly range: SegmentRange } | 'close') => {
  if (message === 'close') {
    reader.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ summary: reader.check(message.range) });
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
