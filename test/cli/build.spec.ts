// What `npm start` runs: the compiled dist/ output of `npm run build` (tsc -p
// tsconfig.build.json). The built `keyledger` answers --help, and serves — which proves the
// SQLite writer thread starts from compiled JavaScript, without tsx — then stops on SIGTERM
// with exit code 0.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type KeyledgerChild, runKeyledger, spawnKeyledger } from '../e2e/support/child.js';
import { kmsClient } from '../e2e/support/kms.js';
import { ADMIN_ENV, MAIN_JS, REPO, tempDir } from '../e2e/support/repo.js';

const dataDir = tempDir('dist');
const children: KeyledgerChild[] = [];

beforeAll(async () => {
  await promisify(execFile)('npm', ['run', 'build'], { cwd: REPO, timeout: 120_000 });
}, 150_000);
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

it('the built binary has its shebang and answers --help', async () => {
  expect(readFileSync(MAIN_JS, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  const help = await runKeyledger(['--help'], { script: MAIN_JS });
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/Usage: keyledger <command>/);
  const serveHelp = await runKeyledger(['serve', '--help'], { script: MAIN_JS });
  expect(serveHelp.code).toBe(0);
  expect(serveHelp.stdout).toMatch(/--insecure-plain-http-on-non-loopback/);
});

it('the built binary serves from compiled JavaScript and stops cleanly', async () => {
  const child = spawnKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { script: MAIN_JS, env: ADMIN_ENV });
  children.push(child);
  const kms = kmsClient(await child.ready);
  try {
    expect((await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyState).toBe('Enabled');
  } finally {
    kms.destroy();
  }
  const stopped = await child.stop('SIGTERM');
  expect(stopped.code, stopped.stderr).toBe(0);
});
