// Verify on every core: a pool of segment threads (segmentWorker.ts), each with its own
// read-only connection, checking segments of the log in parallel. On two cores this about
// halves a verify of a million events; the main thread only stitches the summaries.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SegmentRange, SegmentSummary } from '../chainSegments.js';
import { workerSpecOf } from './workerSpec.js';

/** Checks `ranges` on up to `threads` threads; the summaries come back in the order of `ranges`. */
export const checkSegmentsInParallel = async (
  path: string,
  ranges: readonly SegmentRange[],
  onSummary?: (summary: SegmentSummary) => void,
  threads = Math.min(4, availableParallelism()),
): Promise<SegmentSummary[]> => {
  const spec = workerSpecOf('segmentWorker');
  const out: SegmentSummary[] = new Array<SegmentSummary>(ranges.length);
  let next = 0;
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = spec.kind === 'file' ? new Worker(spec.url, { workerData: { path } }) : new Worker(spec.code, { eval: true, workerData: { path } });
      let current = -1;
      const feed = (): void => {
        current = next++;
        const range = ranges[current];
        if (range === undefined) {
          worker.postMessage('close');
          return;
        }
        worker.postMessage({ range });
      };
      worker.on('message', (m: { summary?: SegmentSummary; error?: string }) => {
        if (m.summary === undefined) {
          void worker.terminate();
          reject(new Error(`a verify thread failed: ${m.error ?? 'no summary'}`));
          return;
        }
        out[current] = m.summary;
        onSummary?.(m.summary);
        feed();
      });
      worker.on('error', reject);
      worker.on('exit', () => resolve());
      feed();
    });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(threads, ranges.length)) }, run));
  return out;
};
