// One server per data directory: a second `keyledger serve` on a directory in use is refused
// with exit code 3 and a message naming the holder; a lock left by a process that is gone is
// taken over; and the lock is released on a clean stop.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startServe } from '../../src/cli/serve.js';
import { type KeyledgerChild, runKeyledger, spawnKeyledger } from '../e2e/support/child.js';
import { startTestServer } from '../e2e/support/inProcess.js';
import { ADMIN_ENV, tempDir } from '../e2e/support/repo.js';

const root = tempDir('lock');
const children: KeyledgerChild[] = [];
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

it('refuses a second server on a data directory in use (exit 3), and starts once it is free', async () => {
  const dataDir = join(root, 'conflict');
  const first = spawnKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { env: ADMIN_ENV });
  children.push(first);
  await first.ready;
  const pid = first.process.pid ?? -1;
  expect(readFileSync(join(dataDir, 'LOCK'), 'utf8')).toBe(`${pid}\n`);

  const second = await runKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { env: ADMIN_ENV });
  expect(second.code).toBe(3);
  expect(second.stderr).toContain(`data directory ${dataDir} is in use by another keyledger server (pid ${pid})`);
  expect(second.stdout).toBe('');

  expect((await first.stop()).code).toBe(0);
  expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
  const third = spawnKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { env: ADMIN_ENV });
  children.push(third);
  await third.ready;
  expect((await third.stop()).code).toBe(0);
});

it('takes over a lock whose process is gone', async () => {
  const dataDir = join(root, 'stale');
  mkdirSync(dataDir, { recursive: true });
  const gone = spawnSync(process.execPath, ['-e', '0']).pid; // exited by now
  writeFileSync(join(dataDir, 'LOCK'), `${gone}\n`);
  const server = spawnKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { env: ADMIN_ENV });
  children.push(server);
  await server.ready;
  expect(readFileSync(join(dataDir, 'LOCK'), 'utf8')).toBe(`${server.process.pid ?? -1}\n`);
  expect((await server.stop()).code).toBe(0);
});

it('refuses a second in-process start on the same directory, and releases the lock when a start fails', async () => {
  const server = await startTestServer('lock-inprocess');
  try {
    await expect(startServe({ dataDir: server.dataDir, host: '127.0.0.1', port: 0, account: '111122223333', schedulerIntervalSeconds: 60, checkpointIntervalSeconds: 3600 })).rejects.toMatchObject({
      exitCode: 3,
    });
    // A start that fails after taking the lock (port in use) must give the lock back.
    const busy = join(root, 'busy');
    await expect(
      startServe(
        { dataDir: busy, host: '127.0.0.1', port: server.running.port, account: '111122223333', schedulerIntervalSeconds: 60, checkpointIntervalSeconds: 3600 },
        { env: ADMIN_ENV, out: () => undefined },
      ),
    ).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining('already in use') });
    expect(existsSync(join(busy, 'LOCK'))).toBe(false);
  } finally {
    await server.stop();
  }
});
