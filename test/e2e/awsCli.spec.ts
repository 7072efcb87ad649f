// The real AWS CLI v2 against the real wired server: blobs in from files (fileb://), blobs out
// as base64, the key, alias, rotation and deletion commands, an error, and credentials from
// the shared-credentials file the server writes on first start. The three flows are
// independent and run concurrently (each CLI call costs a Python start-up, about a second).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_REASON, aws, awsJson, hasAwsCli } from './support/awsCli.js';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { ACCOUNT, REGION } from './support/repo.js';

if (!hasAwsCli) console.warn(`\n*** ${SKIP_REASON}\n`);

interface KeyMetadata { KeyId: string; Arn: string; KeyState: string; KeySpec: string; CustomerMasterKeySpec: string }

let server: TestServer;
beforeAll(async () => {
  if (hasAwsCli) server = await startTestServer('awscli');
});
afterAll(async () => {
  await server?.stop();
});

const cli = <T>(...args: string[]) => awsJson<T>(args, { endpoint: server.endpoint });
const createKey = async (description: string) => (await cli<{ KeyMetadata: KeyMetadata }>('create-key', '--description', description)).KeyMetadata;

describe.skipIf(!hasAwsCli).concurrent(hasAwsCli ? 'the AWS CLI v2 (/usr/bin/aws)' : SKIP_REASON, () => {
  it('create-key, encrypt from fileb://, decrypt from fileb://, list-keys, describe-key', async () => {
    const key = await createKey('cli crypto');
    expect(key).toMatchObject({ KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT' });
    expect(key.Arn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${key.KeyId}`);

    const plaintext = Buffer.from([0x00, 0xff, 0x10, 0x80, ...Buffer.from(' binary plaintext\n')]);
    const ptFile = join(server.dataDir, 'pt.bin');
    writeFileSync(ptFile, plaintext);
    const enc = await cli<{ CiphertextBlob: string; KeyId: string; EncryptionAlgorithm: string }>(
      'encrypt', '--key-id', key.KeyId, '--plaintext', `fileb://${ptFile}`, '--encryption-context', 'purpose=cli,tenant=7',
    );
    expect(enc).toMatchObject({ KeyId: key.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const ctFile = join(server.dataDir, 'ct.bin');
    writeFileSync(ctFile, Buffer.from(enc.CiphertextBlob, 'base64'));

    const text = await aws(
      ['decrypt', '--ciphertext-blob', `fileb://${ctFile}`, '--encryption-context', 'purpose=cli,tenant=7', '--query', 'Plaintext', '--output', 'text'],
      { endpoint: server.endpoint },
    );
    expect(text.code, text.stderr).toBe(0);
    expect(Buffer.from(text.stdout.trim(), 'base64')).toEqual(plaintext);

    const wrongContext = await aws(['decrypt', '--ciphertext-blob', `fileb://${ctFile}`], { endpoint: server.endpoint });
    expect(wrongContext.code).not.toBe(0);
    expect(wrongContext.stderr).toContain('InvalidCiphertextException');

    const { Keys } = await cli<{ Keys: { KeyId: string; KeyArn: string }[] }>('list-keys');
    expect(Keys).toContainEqual({ KeyId: key.KeyId, KeyArn: key.Arn });
    expect((await cli<{ KeyMetadata: KeyMetadata }>('describe-key', '--key-id', key.Arn)).KeyMetadata.KeyId).toBe(key.KeyId);
  });

  it('create-alias, list-aliases, update-alias, delete-alias — and a NotFoundException', async () => {
    const first = await createKey('cli alias 1');
    const second = await createKey('cli alias 2');
    await cli('create-alias', '--alias-name', 'alias/cli-app', '--target-key-id', first.KeyId);
    const listed = await cli<{ Aliases: { AliasName: string; TargetKeyId: string }[] }>('list-aliases', '--key-id', first.KeyId);
    expect(listed.Aliases).toEqual([expect.objectContaining({ AliasName: 'alias/cli-app', TargetKeyId: first.KeyId })]);
    await cli('update-alias', '--alias-name', 'alias/cli-app', '--target-key-id', second.KeyId);
    expect((await cli<{ KeyMetadata: KeyMetadata }>('describe-key', '--key-id', 'alias/cli-app')).KeyMetadata.KeyId).toBe(second.KeyId);
    await cli('delete-alias', '--alias-name', 'alias/cli-app');
    const gone = await aws(['describe-key', '--key-id', 'alias/cli-app'], { endpoint: server.endpoint });
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/NotFoundException/);
  });

  it('enable-key-rotation, get-key-rotation-status, rotate-key-on-demand, list-key-rotations, schedule/cancel-key-deletion', async () => {
    const key = await createKey('cli rotation');
    await cli('enable-key-rotation', '--key-id', key.KeyId);
    const status = await cli<{ KeyRotationEnabled: boolean }>('get-key-rotation-status', '--key-id', key.KeyId);
    expect(status.KeyRotationEnabled).toBe(true);
    const rotated = await cli<{ KeyId: string }>('rotate-key-on-demand', '--key-id', key.KeyId);
    expect([key.KeyId, key.Arn]).toContain(rotated.KeyId);
    const { Rotations } = await cli<{ Rotations: { RotationType: string }[] }>('list-key-rotations', '--key-id', key.KeyId);
    expect(Rotations.map((r) => r.RotationType)).toEqual(['ON_DEMAND']);

    const scheduled = await cli<{ KeyState: string; PendingWindowInDays: number; KeyId: string }>(
      'schedule-key-deletion', '--key-id', key.KeyId, '--pending-window-in-days', '7',
    );
    expect(scheduled).toMatchObject({ KeyState: 'PendingDeletion', PendingWindowInDays: 7, KeyId: key.Arn });
    expect((await cli<{ KeyId: string }>('cancel-key-deletion', '--key-id', key.KeyId)).KeyId).toBe(key.Arn);
    expect((await cli<{ KeyMetadata: KeyMetadata }>('describe-key', '--key-id', key.KeyId)).KeyMetadata.KeyState).toBe('Disabled');
  });

  it('takes credentials from the shared-credentials file the server wrote (profile keyledger)', async () => {
    const credentials = join(server.dataDir, 'credentials');
    expect(readFileSync(credentials, 'utf8')).toContain('[keyledger]');
    const r = await aws(['list-keys', '--profile', 'keyledger'], {
      endpoint: server.endpoint,
      env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SHARED_CREDENTIALS_FILE: credentials },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('Keys');
  });
});
