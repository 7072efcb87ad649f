// How to start the writer thread (and the verify threads, segmentPool.ts), for both ways keyledger runs: compiled JavaScript from dist/
// (`node dist/...`), and TypeScript run directly (vitest, `tsx`). The worker module sits beside
// this one with the same extension.
//
// A .ts worker needs tsx, and on Node 20 a worker thread gets no loader hooks from its parent:
// neither the parent's `--import tsx` nor one passed in the Worker's `execArgv` takes effect
// (nodejs/node#47747, privatenumber/tsx#354; ERR_UNKNOWN_FILE_EXTENSION either way). So the
// worker starts from a tiny CommonJS bootstrap that registers tsx's ESM hooks inside the new
// thread and then imports the .ts worker. Verified under `npx tsx`, `node --import tsx`, and
// vitest's forks pool; tsx is only needed in development, never from dist/.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export type WorkerSpec =
  | { readonly kind: 'file'; readonly url: URL }
  | { readonly kind: 'eval'; readonly code: string };

export const writerWorkerSpec = (): WorkerSpec => workerSpecOf('writerWorker');

/** The module `name` beside `base` (by default, beside this one), as a worker of either kind. */
export const workerSpecOf = (name: string, base: string = import.meta.url): WorkerSpec => {
  const ext = extname(fileURLToPath(base));
  const url = new URL(`./${name}${ext}`, base);
  if (ext !== '.ts') return { kind: 'file', url };
  // Resolved here, so it works whatever the working directory of the process is.
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const code =
    `import(${JSON.stringify(tsxApi)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return { kind: 'eval', code };
};
