// The real `keyledger serve` as a child process: keys, aliases, rotations, states and
// ciphertexts must survive SIGTERM (which must exit 0, having released the lock) and a
// second start on the same data directory — and that second start prints the endpoint only.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, DisableKeyCommand, EncryptCommand,
  EnableKeyRotationCommand, GenerateDataKeyCommand, type KMSClient, ListAliasesCommand, ListKeyRotationsCommand, ListKeysCommand,
  RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, expect, it } from 'vitest';
import { type Credentials, kmsClient } from './support/kms.js';
import { type KeyledgerChild, spawnKeyledger } from './support/child.js';
import { tempDir } from './support/repo.js';

const dataDir = tempDir('restart');
const children: KeyledgerChild[] = [];
afterAll(async () => {
  for (const c of children) await c.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const start = async (): Promise<{ child: KeyledgerChild; endpoint: string }> => {
  const child = spawnKeyledger(['serve', '--data-dir', dataDir, '--port', '0']);
  children.push(child);
  return { child, endpoint: await child.ready };
};

/** The admin pair from the shared-credentials file the first start wrote. */
const credentialsFromFile = (): Credentials => {
  const text = readFileSync(join(dataDir, 'credentials'), 'utf8');
  const value = (name: string) => new RegExp(`^${name} = (\\S+)$`, 'm').exec(text)?.[1] ?? '';
  return { accessKeyId: value('aws_access_key_id'), secretAccessKey: value('aws_secret_access_key') };
};

const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('utf8');

it('keeps keys, aliases, rotations and ciphertexts across SIGTERM and a restart', async () => {
  // First life.
  const first = await start();
  const credentials = credentialsFromFile();
  let kms: KMSClient = kmsClient(first.endpoint, credentials);
  const rotating = (await kms.send(new CreateKeyCommand({ Description: 'rotating' }))).KeyMetadata?.KeyId ?? '';
  const disabled = (await kms.send(new CreateKeyCommand({ Description: 'disabled' }))).KeyMetadata?.KeyId ?? '';
  const doomed = (await kms.send(new CreateKeyCommand({ Description: 'doomed' }))).KeyMetadata?.KeyId ?? '';
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: rotating }));
  const beforeRotation = await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('old material'), EncryptionContext: { v: '1' } }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: rotating }));
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: rotating }));
  const afterRotation = await kms.send(new EncryptCommand({ KeyId: rotating, Plaintext: Buffer.from('new material') }));
  const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/app', KeySpec: 'AES_256' }));
  const underDisabled = await kms.send(new EncryptCommand({ KeyId: disabled, Plaintext: Buffer.from('disabled later') }));
  await kms.send(new DisableKeyCommand({ KeyId: disabled }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed, PendingWindowInDays: 30 }));
  kms.destroy();

  const stopped = await first.child.stop('SIGTERM');
  expect(stopped.code, stopped.stderr).toBe(0);
  expect(stopped.stderr).toMatch(/keyledger stopped/);
  expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);

  // Second life: the endpoint, nothing else on stdout.
  const second = await start();
  await new Promise((r) => setTimeout(r, 100));
  expect(second.child.stdout()).toBe(`keyledger is listening on ${second.endpoint}\n`);
  kms = kmsClient(second.endpoint, credentials);
  try {
    expect((await kms.send(new ListKeysCommand({}))).Keys).toHaveLength(3);
    const old = await kms.send(new DecryptCommand({ CiphertextBlob: beforeRotation.CiphertextBlob, EncryptionContext: { v: '1' } }));
    const fresh = await kms.send(new DecryptCommand({ CiphertextBlob: afterRotation.CiphertextBlob }));
    expect(text(old.Plaintext)).toBe('old material');
    expect(text(fresh.Plaintext)).toBe('new material');
    expect(old.KeyMaterialId).not.toBe(fresh.KeyMaterialId);
    expect((await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob }))).Plaintext).toEqual(dataKey.Plaintext);
    expect((await kms.send(new ListKeyRotationsCommand({ KeyId: rotating }))).Rotations).toHaveLength(1);
    expect((await kms.send(new ListAliasesCommand({ KeyId: rotating }))).Aliases?.map((a) => a.AliasName)).toEqual(['alias/app']);
    const viaAlias = await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('still works') }));
    expect(text((await kms.send(new DecryptCommand({ CiphertextBlob: viaAlias.CiphertextBlob }))).Plaintext)).toBe('still works');
    expect((await kms.send(new DescribeKeyCommand({ KeyId: disabled }))).KeyMetadata?.KeyState).toBe('Disabled');
    expect((await kms.send(new DescribeKeyCommand({ KeyId: doomed }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: underDisabled.CiphertextBlob }))).rejects.toThrow(
      expect.objectContaining({ name: 'DisabledException' }),
    );
  } finally {
    kms.destroy();
  }
  const again = await second.child.stop('SIGINT');
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).not.toMatch(/AWS_SECRET_ACCESS_KEY|WARNING/);
});
