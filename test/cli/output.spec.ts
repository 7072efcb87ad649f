// The binary's output survives the pipe it is written into: a reader slower than keyledger
// still gets every line (Node writes to pipes asynchronously, so exiting early would drop the
// rest), and a reader that goes away early ends keyledger quietly, exit 0.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import { cleanEnv } from '../e2e/support/child.js';
import { keyledgerFromSource } from '../e2e/support/repo.js';
import { buildLongLog } from './longLog.js';

let dir: string;
let expected: string;
beforeAll(async () => {
  dir = await buildLongLog('output');
  const out: string[] = [];
  await auditCommand(['--jsonl', '--data-dir', dir], { env: {}, out: (text) => void out.push(text) });
  expected = out.join('');
});

const start = () => spawn(process.execPath, keyledgerFromSource('audit', '--jsonl', '--data-dir', dir), { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });

it('a slow reader still gets the whole export, more than a pipe holds', async () => {
  expect(expected.length).toBeGreaterThan(1 << 20);
  const child = start();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  // Not reading yet: until keyledger has exited (which it must not, with output still pending)
  // or for a while.
  await Promise.race([exited, sleep(5000)]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(code, stderr).toBe(0);
  expect(stdout.length).toBe(expected.length);
  expect(stdout === expected).toBe(true);
});

it('a reader that stops early ends keyledger quietly, exit 0', async () => {
  const child = start();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
