// The first start of the real binary in an empty directory, with no flags: ./data, the root
// key and an admin key are created, and what is printed is enough to make the first call —
// the "Try it" line is run as printed (with /usr/bin/aws for `aws`). Also: an admin key from
// the environment is used and never printed, and a store whose root key went missing is
// refused rather than given a new, useless one.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPrincipals } from '../../src/server/principals.js';
import { AWS_CLI, SKIP_REASON, awsEnv, hasAwsCli } from '../e2e/support/awsCli.js';
import { type KeyledgerChild, runKeyledger, spawnKeyledger } from '../e2e/support/child.js';
import { ADMIN, ADMIN_ENV, tempDir } from '../e2e/support/repo.js';

const dirs: string[] = [];
const children: KeyledgerChild[] = [];
const fresh = (name: string): string => {
  const dir = tempDir(name);
  dirs.push(dir);
  return dir;
};
const serve = (args: string[], options: Parameters<typeof spawnKeyledger>[1]): KeyledgerChild => {
  const child = spawnKeyledger(['serve', '--port', '0', ...args], options);
  children.push(child);
  return child;
};
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe.concurrent('first start', () => {
  it('creates ./data, the root key and an admin key, prints them once, and the printed command works', async () => {
    const cwd = fresh('first');
    const child = serve([], { cwd });
    const endpoint = await child.ready;
    await new Promise((r) => setTimeout(r, 100));
    const out = child.stdout();
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(out).toContain('WARNING: a new root key was generated');
    expect(out).toContain('./data/root.key');
    expect(out).toContain('KEYLEDGER_ROOT_KEY');
    const id = /AWS_ACCESS_KEY_ID=(AKIA[A-Z2-7]{16})/.exec(out)?.[1];
    const secret = /AWS_SECRET_ACCESS_KEY=(\S{40})/.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(secret).toBeDefined();
    const tryLine = `AWS_SHARED_CREDENTIALS_FILE=./data/credentials aws kms create-key --endpoint-url ${endpoint} --region us-east-1 --profile keyledger`;
    expect(out).toContain(tryLine);

    const data = join(cwd, 'data');
    expect(mode(data)).toBe('700');
    expect(mode(join(data, 'root.key'))).toBe('600');
    expect(mode(join(data, 'credentials'))).toBe('600');
    expect(mode(join(data, 'principals.json'))).toBe('600');
    expect(readFileSync(join(data, 'credentials'), 'utf8')).toContain(`[keyledger]\naws_access_key_id = ${id ?? '?'}\naws_secret_access_key = ${secret ?? '?'}\n`);
    const [admin] = await loadPrincipals(data);
    expect(admin).toMatchObject({ accessKeyId: id, account: '111122223333', principalArn: 'arn:aws:iam::111122223333:root', roles: ['admin'] });
    // Logs go to stderr and never carry the secret.
    expect(child.stderr()).toMatch(/info keyledger started/);
    expect(child.stderr()).not.toContain(secret);

    if (!hasAwsCli) {
      console.warn(`\n*** ${SKIP_REASON} (the printed 'Try it' line was not run)\n`);
    } else {
      // Exactly the printed line, with Debian's CLI v2 standing in for whatever `aws` is first on PATH.
      const run = promisify(execFile)('sh', ['-c', tryLine.replace(' aws kms ', ` ${AWS_CLI} kms `)], {
        cwd,
        env: awsEnv({ AWS_SHARED_CREDENTIALS_FILE: '' }),
      });
      const { stdout } = await run.catch((e: { stderr?: string }) => {
        throw new Error(`the printed 'Try it' line failed: ${e.stderr ?? String(e)}`);
      });
      expect(JSON.parse(stdout)).toMatchObject({ KeyMetadata: { KeyState: 'Enabled', AWSAccountId: '111122223333' } });
    }
    const stopped = await child.stop();
    expect(stopped.code).toBe(0);
  });

  it('takes the admin key from the environment and never prints its secret', async () => {
    const dataDir = join(fresh('envadmin'), 'data');
    const child = serve(['--data-dir', dataDir, '--account', '444455556666'], { env: ADMIN_ENV });
    await child.ready;
    await new Promise((r) => setTimeout(r, 100));
    expect(child.stdout()).toContain(`AWS_ACCESS_KEY_ID=${ADMIN.accessKeyId}`);
    expect(child.stdout()).toContain('<from KEYLEDGER_ADMIN_SECRET_ACCESS_KEY, not shown>');
    expect(child.stdout() + child.stderr()).not.toContain(ADMIN.secretAccessKey);
    expect(await loadPrincipals(dataDir)).toEqual([expect.objectContaining({ accessKeyId: ADMIN.accessKeyId, account: '444455556666', roles: ['admin'] })]);
    expect((await child.stop()).code).toBe(0);

    // The same pair again is a later start; a different secret for the same id is refused.
    const again = serve(['--data-dir', dataDir], { env: ADMIN_ENV });
    const endpoint = await again.ready;
    await new Promise((r) => setTimeout(r, 100));
    expect(again.stdout()).toBe(`keyledger is listening on ${endpoint}\n`);
    expect((await again.stop()).code).toBe(0);
    const clash = await runKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], {
      env: { ...ADMIN_ENV, KEYLEDGER_ADMIN_SECRET_ACCESS_KEY: 'another-secret-another-secret-0000000000' },
    });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('already exists with a different secret');
    expect(clash.stderr).not.toContain('another-secret');
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
  });

  it('uses KEYLEDGER_ROOT_KEY without writing a root key file, and refuses a store whose root key is gone', async () => {
    const dataDir = join(fresh('rootkey'), 'data');
    const rootKey = Buffer.alloc(32, 7).toString('base64');
    const withEnv = serve(['--data-dir', dataDir], { env: { KEYLEDGER_ROOT_KEY: rootKey } });
    await withEnv.ready;
    await new Promise((r) => setTimeout(r, 100));
    expect(withEnv.stdout()).not.toContain('WARNING');
    expect(existsSync(join(dataDir, 'root.key'))).toBe(false);
    expect((await withEnv.stop()).code).toBe(0);

    const missing = await runKeyledger(['serve', '--data-dir', dataDir, '--port', '0']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/holds a key store but no root key/);
    expect(existsSync(join(dataDir, 'root.key'))).toBe(false);

    const bad = await runKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { env: { KEYLEDGER_ROOT_KEY: 'not-base64' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/KEYLEDGER_ROOT_KEY/);
    expect(bad.stderr).not.toContain('not-base64');
    unlinkSync(join(dataDir, 'keyledger.db'));
  });

  it('serves plain HTTP on 0.0.0.0 only with the loud flag, and warns about it in the log', async () => {
    const dataDir = join(fresh('insecure'), 'data');
    const child = serve(['--data-dir', dataDir, '--host', '0.0.0.0', '--insecure-plain-http-on-non-loopback'], { env: ADMIN_ENV });
    const endpoint = await child.ready;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // clients cannot dial 0.0.0.0
    await new Promise((r) => setTimeout(r, 100));
    expect(child.stderr()).toMatch(/ warn PLAIN HTTP ON A NON-LOOPBACK ADDRESS .* host=0\.0\.0\.0/);
    expect((await child.stop()).code).toBe(0);
  });
});
