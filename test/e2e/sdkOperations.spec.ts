// Every operation keyledger implements, called through the real AWS SDK for JavaScript v3
// against the real wired server, succeeding — and the response members clients depend on:
// KeyId is the key ARN in crypto responses, timestamps arrive as Dates, KeyMetadata carries
// both KeySpec and the deprecated CustomerMasterKeySpec. The last test checks that the set of
// operations that succeeded here is the service's whole operation table.
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand, DescribeKeyCommand,
  DisableKeyCommand, DisableKeyRotationCommand, EnableKeyCommand, EnableKeyRotationCommand, EncryptCommand,
  GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, GenerateRandomCommand, GetKeyLastUsageCommand,
  GetKeyPolicyCommand, GetKeyRotationStatusCommand, type KMSClient, ListAliasesCommand, ListKeyPoliciesCommand,
  ListKeyRotationsCommand, ListKeysCommand, ListResourceTagsCommand, PutKeyPolicyCommand, ReEncryptCommand,
  RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, TagResourceCommand, UntagResourceCommand, UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { implementedOperations } from '../../src/service/operations/index.js';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { kmsClient } from './support/kms.js';
import { ACCOUNT, REGION } from './support/repo.js';

let server: TestServer;
let kms: KMSClient;
const succeeded = new Set<string>();
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
const arnPattern = new RegExp(`^arn:aws:kms:${REGION}:${ACCOUNT}:key/[0-9a-f-]{36}$`);

beforeAll(async () => {
  server = await startTestServer('sdk-ops');
  kms = kmsClient(server.endpoint);
  // Records the name of every command the server answered successfully.
  kms.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      succeeded.add((context.commandName ?? '').replace(/Command$/, ''));
      return result;
    },
    { step: 'initialize', name: 'recordSuccess' },
  );
});
afterAll(async () => {
  kms?.destroy();
  await server?.stop();
});

const newKey = async (description = 'e2e'): Promise<{ keyId: string; arn: string }> => {
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: description }));
  return { keyId: KeyMetadata?.KeyId ?? '', arn: KeyMetadata?.Arn ?? '' };
};

describe('keys', () => {
  it('CreateKey answers the metadata clients read, with both spec members and Date timestamps', async () => {
    const before = Date.now() - 2_000;
    const { KeyMetadata: m } = await kms.send(new CreateKeyCommand({ Description: 'first', Tags: [{ TagKey: 'team', TagValue: 'e2e' }] }));
    expect(m).toMatchObject({
      AWSAccountId: ACCOUNT, Description: 'first', Enabled: true, KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS', KeySpec: 'SYMMETRIC_DEFAULT', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', MultiRegion: false,
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    });
    expect(m?.Arn).toMatch(arnPattern);
    expect(m?.Arn?.endsWith(`key/${m.KeyId ?? '?'}`)).toBe(true);
    expect(m?.CreationDate).toBeInstanceOf(Date);
    expect(m?.CreationDate?.getTime()).toBeGreaterThan(before);
  });

  it('DescribeKey finds a key by id, ARN, alias name and alias ARN; UpdateKeyDescription changes it', async () => {
    const { keyId, arn } = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/describe-me', TargetKeyId: keyId }));
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: arn, Description: 'renamed' }));
    for (const ref of [keyId, arn, 'alias/describe-me', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/describe-me`]) {
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: ref }));
      expect(KeyMetadata?.Arn).toBe(arn);
      expect(KeyMetadata?.Description).toBe('renamed');
    }
  });

  it('DisableKey and EnableKey move the key state', async () => {
    const { keyId } = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    await kms.send(new EnableKeyCommand({ KeyId: keyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata).toMatchObject({ KeyState: 'Enabled', Enabled: true });
  });

  it('ScheduleKeyDeletion answers the ARN, a Date and the window; CancelKeyDeletion leaves the key Disabled', async () => {
    const { keyId, arn } = await newKey();
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect(scheduled).toMatchObject({ KeyId: arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(scheduled.DeletionDate).toBeInstanceOf(Date);
    expect(scheduled.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
    expect(described?.DeletionDate).toBeInstanceOf(Date);
    expect((await kms.send(new CancelKeyDeletionCommand({ KeyId: keyId }))).KeyId).toBe(arn);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState).toBe('Disabled');
  });

  it('ListKeys lists keys as id and ARN', async () => {
    const { keyId, arn } = await newKey();
    const { Keys, Truncated } = await kms.send(new ListKeysCommand({ Limit: 1000 }));
    expect(Truncated).toBe(false);
    expect(Keys).toContainEqual({ KeyId: keyId, KeyArn: arn });
  });

  it('tags: TagResource, ListResourceTags, UntagResource', async () => {
    const { keyId } = await newKey();
    await kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }] }));
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([{ TagKey: 'a', TagValue: '1' }, { TagKey: 'b', TagValue: '2' }]);
    await kms.send(new UntagResourceCommand({ KeyId: keyId, TagKeys: ['a'] }));
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: keyId }))).Tags).toEqual([{ TagKey: 'b', TagValue: '2' }]);
  });

  it('policies: GetKeyPolicy (the default one), PutKeyPolicy, ListKeyPolicies', async () => {
    const { keyId } = await newKey();
    const got = await kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
    expect(got.PolicyName).toBe('default');
    expect(JSON.parse(got.Policy ?? '')).toHaveProperty('Statement');
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'e2e', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }] });
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policy }));
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: keyId }))).Policy).toBe(policy);
    expect((await kms.send(new ListKeyPoliciesCommand({ KeyId: keyId }))).PolicyNames).toEqual(['default']);
  });
});

describe('rotation', () => {
  it('EnableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations, DisableKeyRotation', async () => {
    const { keyId, arn } = await newKey();
    const old = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: bytes('before rotation') }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    expect(status).toMatchObject({ KeyRotationEnabled: true, KeyId: arn, RotationPeriodInDays: 90 });
    expect(status.NextRotationDate).toBeInstanceOf(Date);
    // AWS's examples answer these two with the key id, not the ARN: either identifies the key.
    expect([keyId, arn]).toContain((await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))).KeyId);
    const { Rotations, Truncated } = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId }));
    expect(Truncated).toBe(false);
    expect(Rotations).toHaveLength(1);
    expect(Rotations?.[0]).toMatchObject({ RotationType: 'ON_DEMAND' });
    expect([keyId, arn]).toContain(Rotations?.[0]?.KeyId);
    expect(Rotations?.[0]?.RotationDate).toBeInstanceOf(Date);
    // Old ciphertexts still decrypt; new ones use the new material.
    const fresh = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: bytes('after rotation') }));
    const oldPlain = await kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob }));
    const newPlain = await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }));
    expect(text(oldPlain.Plaintext)).toBe('before rotation');
    expect(text(newPlain.Plaintext)).toBe('after rotation');
    expect(newPlain.KeyMaterialId).not.toBe(oldPlain.KeyMaterialId);
    await kms.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    expect((await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(false);
  });
});

describe('cryptography', () => {
  it('Encrypt and Decrypt: KeyId is the key ARN, the algorithm is named, the context is bound', async () => {
    const { arn } = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/crypto', TargetKeyId: arn }));
    const context = { purpose: 'e2e', tenant: '42' };
    const enc = await kms.send(new EncryptCommand({ KeyId: 'alias/crypto', Plaintext: bytes('hello kms'), EncryptionContext: context }));
    expect(enc).toMatchObject({ KeyId: arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(enc.CiphertextBlob).toBeInstanceOf(Uint8Array);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context }));
    expect(dec).toMatchObject({ KeyId: arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(text(dec.Plaintext)).toBe('hello kms');
    const withKey = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: context, KeyId: 'alias/crypto' }));
    expect(text(withKey.Plaintext)).toBe('hello kms');
  });

  it('ReEncrypt moves a ciphertext to another key without showing the plaintext', async () => {
    const source = await newKey();
    const destination = await newKey();
    const enc = await kms.send(new EncryptCommand({ KeyId: source.keyId, Plaintext: bytes('moving'), EncryptionContext: { a: '1' } }));
    const re = await kms.send(new ReEncryptCommand({
      CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { a: '1' }, DestinationKeyId: destination.keyId, DestinationEncryptionContext: { b: '2' },
    }));
    expect(re).toMatchObject({ SourceKeyId: source.arn, KeyId: destination.arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { b: '2' } }));
    expect(dec.KeyId).toBe(destination.arn);
    expect(text(dec.Plaintext)).toBe('moving');
  });

  it('GenerateDataKey, GenerateDataKeyWithoutPlaintext and GenerateRandom', async () => {
    const { keyId, arn } = await newKey();
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    expect(dk.KeyId).toBe(arn);
    expect(dk.Plaintext).toHaveLength(32);
    expect((await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }))).Plaintext).toEqual(dk.Plaintext);
    expect((await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }))).Plaintext).toHaveLength(64);
    const wp = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_128' }));
    expect(wp.KeyId).toBe(arn);
    expect(wp).not.toHaveProperty('Plaintext');
    expect((await kms.send(new DecryptCommand({ CiphertextBlob: wp.CiphertextBlob }))).Plaintext).toHaveLength(16);
    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 24 }));
    expect(random.Plaintext).toHaveLength(24);
  });

  it('GetKeyLastUsage reports the last cryptographic use with Dates', async () => {
    const { keyId, arn } = await newKey();
    await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: bytes('x') }));
    const usage = await kms.send(new GetKeyLastUsageCommand({ KeyId: keyId }));
    expect(usage.KeyId).toBe(arn);
    expect(usage.KeyLastUsage?.Operation).toBe('Encrypt');
    expect(usage.KeyLastUsage?.Timestamp).toBeInstanceOf(Date);
    expect(usage.TrackingStartDate).toBeInstanceOf(Date);
    expect(usage.KeyCreationDate).toBeInstanceOf(Date);
  });
});

describe('aliases', () => {
  it('CreateAlias, ListAliases, UpdateAlias, DeleteAlias', async () => {
    const first = await newKey();
    const second = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: first.keyId }));
    const listed = (await kms.send(new ListAliasesCommand({ KeyId: first.keyId }))).Aliases ?? [];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ AliasName: 'alias/moving', AliasArn: `arn:aws:kms:${REGION}:${ACCOUNT}:alias/moving`, TargetKeyId: first.keyId });
    expect(listed[0]?.CreationDate).toBeInstanceOf(Date);
    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/moving', TargetKeyId: second.arn }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/moving' }))).KeyMetadata?.Arn).toBe(second.arn);
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/moving' }));
    const all = (await kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    expect(all.map((a) => a.AliasName)).not.toContain('alias/moving');
  });
});

it('every implemented operation succeeded through the SDK', () => {
  expect([...succeeded].sort()).toEqual(expect.arrayContaining([...implementedOperations].sort()));
  expect(implementedOperations).toHaveLength(30);
});
