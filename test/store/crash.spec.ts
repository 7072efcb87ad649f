// Durability and atomicity under a crash: a child process appends under load and is killed
// with SIGKILL; after reopening, every acknowledged event is there, every stream is contiguous
// from revision 0, no append is torn, and the store goes on accepting appends.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { collect, freshStream, newEvent, tempDir } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/appendUnderLoad.ts', import.meta.url));

/** Runs the load generator until it has acknowledged `atLeast` events, then SIGKILLs it. */
const appendUntilKilled = (path: string, atLeast: number): Promise<Set<string>> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), fixture, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Set<string>();
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('ack ')) acked.add(line.slice(4));
      if (acked.size >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve(acked) : reject(new Error(`load generator exited (${code}): ${stderr}`)),
    );
  });

const checkIntegrity = (events: readonly RecordedEvent[]): void => {
  const byStream = new Map<string, number[]>();
  const byBatch = new Map<string, RecordedEvent[]>();
  for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event.revision]);
  for (const [stream, revisions] of byStream) {
    expect(revisions, stream).toEqual(revisions.map((_, i) => i));
  }
  // (The checker's own appends after each reopen carry no batch.)
  for (const event of events.filter((e) => e.type === 'LoadApplied')) {
    const batch = String(event.metadata['batch']);
    byBatch.set(batch, [...(byBatch.get(batch) ?? []), event]);
  }
  for (const [batch, members] of byBatch) {
    expect(members.length, `append ${batch} is torn`).toBe(members[0]?.metadata['size']);
    expect(members.map((e) => e.metadata['index'])).toEqual(members.map((_, i) => i));
    expect(members.map((e) => e.revision - (members[0]?.revision ?? 0))).toEqual(members.map((_, i) => i));
  }
};

describe('SQLite store: crash (SIGKILL) under load', () => {
  const temp = tempDir();
  afterEach(() => temp.remove());

  it('keeps every acknowledged append, whole, through two crashes', async () => {
    const path = join(temp.dir, 'keyledger.db');
    const acknowledged = new Set<string>();
    for (let round = 0; round < 2; round++) {
      for (const id of await appendUntilKilled(path, 400)) acknowledged.add(id);
      const { store, close } = await openSqliteStore({ path });
      try {
        const events = await collect(store.readAll());
        const stored = new Set(events.map((e) => e.id));
        expect([...acknowledged].filter((id) => !stored.has(id))).toEqual([]);
        checkIntegrity(events);
        const after = await store.append(freshStream(), [newEvent()], 'no_stream');
        expect(after.position).toBeGreaterThan(events.at(-1)?.position ?? 0);
      } finally {
        await close();
      }
    }
  });
});
