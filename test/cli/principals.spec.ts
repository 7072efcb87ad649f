// `keyledger principals add|list|remove` from the real binary: the secret is printed once (by
// add) and never by list, exit codes say what happened, and a running server accepts a new
// key and refuses a removed one without a restart.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { type KeyledgerChild, runKeyledger, spawnKeyledger } from '../e2e/support/child.js';
import { type Credentials, kmsClient, sdkError } from '../e2e/support/kms.js';
import { ADMIN_ENV, tempDir } from '../e2e/support/repo.js';

const root = tempDir('principals');
const children: KeyledgerChild[] = [];
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Added { accessKeyId: string; secretAccessKey: string; principalArn: string; account: string; roles?: string[] }

const keyledger = async (dataDir: string, ...args: string[]) => runKeyledger(['principals', ...args, '--data-dir', dataDir]);

describe('principals', () => {
  it('add, list, remove: the secret is shown once, list never shows one', async () => {
    const dataDir = join(root, 'roundtrip');
    const text = await keyledger(dataDir, 'add', '--role', 'admin');
    expect(text.code, text.stderr).toBe(0);
    const id = /AWS_ACCESS_KEY_ID=(\S+)/.exec(text.stdout)?.[1] ?? '';
    const secret = /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(text.stdout)?.[1] ?? '';
    expect(secret).toHaveLength(40);
    expect(text.stdout).toContain('shown only this once');

    const json = await keyledger(dataDir, 'add', '--json', '--account', '444455556666', '--principal-arn', 'arn:aws:iam::444455556666:user/ci', '--role', 'auditor');
    expect(json.code, json.stderr).toBe(0);
    const added = JSON.parse(json.stdout) as Added;
    expect(added).toMatchObject({ account: '444455556666', principalArn: 'arn:aws:iam::444455556666:user/ci', roles: ['auditor'] });

    const listed = await keyledger(dataDir, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ACCESS KEY ID +ACCOUNT +PRINCIPAL +ROLES +CREATED$/m);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain(added.accessKeyId);
    const listedJson = await keyledger(dataDir, 'list', '--json');
    const summaries = JSON.parse(listedJson.stdout) as Record<string, unknown>[];
    expect(summaries.map((p) => p['accessKeyId'])).toEqual([id, added.accessKeyId]);
    for (const output of [listed.stdout, listedJson.stdout, listed.stderr, listedJson.stderr]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(added.secretAccessKey);
      expect(output).not.toMatch(/secret/i);
    }

    const removed = await keyledger(dataDir, 'remove', id);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`Removed access key ${id}.\n`);
    const again = await keyledger(dataDir, 'remove', id);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain(`no access key ${id}`);
    expect(readFileSync(join(dataDir, 'principals.json'), 'utf8')).not.toContain(id);
  });

  it('refuses a duplicate access key id and a principal ARN of another account (exit 2)', async () => {
    const dataDir = join(root, 'invalid');
    expect((await keyledger(dataDir, 'add', '--access-key-id', 'AKIADUPLICATEDUPLICATE')).code).toBe(0);
    const duplicate = await keyledger(dataDir, 'add', '--access-key-id', 'AKIADUPLICATEDUPLICATE');
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('already exists');
    const foreign = await keyledger(dataDir, 'add', '--principal-arn', 'arn:aws:iam::444455556666:root');
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain('must be an IAM ARN in account 111122223333');
  });

  it('a running server accepts an added key and refuses a removed one, without a restart', async () => {
    const dataDir = join(root, 'live');
    const server = spawnKeyledger(['serve', '--data-dir', dataDir, '--port', '0'], { env: ADMIN_ENV });
    children.push(server);
    const endpoint = await server.ready;

    const added = JSON.parse((await keyledger(dataDir, 'add', '--json')).stdout) as Added;
    const credentials: Credentials = { accessKeyId: added.accessKeyId, secretAccessKey: added.secretAccessKey };
    const kms = kmsClient(endpoint, credentials);
    try {
      await eventually(async () => expect((await kms.send(new ListKeysCommand({}))).Keys).toEqual([]));
      expect((await keyledger(dataDir, 'remove', added.accessKeyId)).code).toBe(0);
      await eventually(async () => expect((await sdkError(kms.send(new ListKeysCommand({})))).name).toBe('UnrecognizedClientException'));
    } finally {
      kms.destroy();
    }
    expect(server.stderr()).toMatch(/access keys reloaded count=2/);
    expect((await server.stop()).code).toBe(0);
  });
});

/** Retries `check` for up to 5 s: the server notices the file change asynchronously. */
const eventually = async (check: () => Promise<void>): Promise<void> => {
  const deadline = Date.now() + 5_000;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};
