// Every error the service documents, provoked through the real AWS SDK against the real wired
// server: the SDK must surface AWS's exception name (and the modeled class, where the KMS
// model has one, so that `instanceof NotFoundException` works in client code), HTTP 400, a
// request id, and a message.
import {
  AlreadyExistsException, CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand,
  DisableKeyCommand, DisabledException, DryRunOperationException, EnableKeyCommand, EncryptCommand, GenerateDataKeyCommand,
  GenerateRandomCommand, IncorrectKeyException, InvalidCiphertextException, InvalidMarkerException, type KMSClient,
  KMSInvalidStateException, KMSServiceException, LimitExceededException, ListKeysCommand, MalformedPolicyDocumentException,
  NotFoundException, PutKeyPolicyCommand, ScheduleKeyDeletionCommand, SignCommand, TagException, TagResourceCommand,
  UnsupportedOperationException,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { kmsClient, sdkError } from './support/kms.js';
import { REGION } from './support/repo.js';

let server: TestServer;
let kms: KMSClient;
const keys = { enabled: '', other: '', disabled: '', pending: '' };
let ciphertext: Uint8Array;
const context = { purpose: 'errors' };

beforeAll(async () => {
  server = await startTestServer('sdk-errors');
  kms = kmsClient(server.endpoint);
  const create = async () => (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
  keys.enabled = await create();
  keys.other = await create();
  keys.disabled = await create();
  keys.pending = await create();
  await kms.send(new DisableKeyCommand({ KeyId: keys.disabled }));
  await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keys.pending, PendingWindowInDays: 7 }));
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: keys.enabled }));
  const enc = await kms.send(new EncryptCommand({ KeyId: keys.enabled, Plaintext: new Uint8Array([1, 2, 3]), EncryptionContext: context }));
  ciphertext = enc.CiphertextBlob ?? new Uint8Array();
});
afterAll(async () => {
  kms?.destroy();
  await server?.stop();
});

type Modeled = abstract new (...args: never[]) => KMSServiceException;

interface Case {
  readonly title: string;
  readonly name: string;
  readonly modeled?: Modeled;
  readonly message?: RegExp;
  readonly call: () => Promise<unknown>;
}

const flipped = (blob: Uint8Array): Uint8Array => {
  const copy = Uint8Array.from(blob);
  const at = Math.floor(copy.length / 2);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
};

const cases: Case[] = [
  { title: 'a key that does not exist', name: 'NotFoundException', modeled: NotFoundException, message: /does not exist/,
    call: () => kms.send(new DescribeKeyCommand({ KeyId: '00000000-0000-4000-8000-000000000000' })) },
  { title: 'an alias that does not exist', name: 'NotFoundException', modeled: NotFoundException, message: /alias\/missing/,
    call: () => kms.send(new EncryptCommand({ KeyId: 'alias/missing', Plaintext: new Uint8Array([1]) })) },
  { title: 'Encrypt under a disabled key', name: 'DisabledException', modeled: DisabledException,
    call: () => kms.send(new EncryptCommand({ KeyId: keys.disabled, Plaintext: new Uint8Array([1]) })) },
  { title: 'Encrypt under a key pending deletion', name: 'KMSInvalidStateException', modeled: KMSInvalidStateException, message: /pending deletion/i,
    call: () => kms.send(new EncryptCommand({ KeyId: keys.pending, Plaintext: new Uint8Array([1]) })) },
  { title: 'EnableKey on a key pending deletion', name: 'KMSInvalidStateException', modeled: KMSInvalidStateException,
    call: () => kms.send(new EnableKeyCommand({ KeyId: keys.pending })) },
  { title: 'Decrypt of a ciphertext with one bit flipped', name: 'InvalidCiphertextException', modeled: InvalidCiphertextException,
    call: () => kms.send(new DecryptCommand({ CiphertextBlob: flipped(ciphertext), EncryptionContext: context })) },
  { title: 'Decrypt with the wrong encryption context', name: 'InvalidCiphertextException', modeled: InvalidCiphertextException,
    call: () => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: { purpose: 'other' } })) },
  { title: 'Decrypt naming another key', name: 'IncorrectKeyException', modeled: IncorrectKeyException,
    call: () => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: context, KeyId: keys.other })) },
  { title: 'CreateAlias with a name in use', name: 'AlreadyExistsException', modeled: AlreadyExistsException, message: /alias\/taken/,
    call: () => kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: keys.other })) },
  { title: 'GenerateDataKey with both KeySpec and NumberOfBytes', name: 'ValidationException', message: /either number of bytes or key spec/,
    call: () => kms.send(new GenerateDataKeyCommand({ KeyId: keys.enabled, KeySpec: 'AES_256', NumberOfBytes: 32 })) },
  { title: 'GenerateRandom over the 1024-byte limit', name: 'ValidationException', message: /numberOfBytes.*less than or equal to 1024/,
    call: () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })) },
  { title: 'ScheduleKeyDeletion with a 3-day window', name: 'ValidationException',
    call: () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: keys.other, PendingWindowInDays: 3 })) },
  { title: 'Encrypt with DryRun', name: 'DryRunOperationException', modeled: DryRunOperationException,
    call: () => kms.send(new EncryptCommand({ KeyId: keys.enabled, Plaintext: new Uint8Array([1]), DryRun: true })) },
  { title: 'a key policy over the 32 KB quota', name: 'LimitExceededException', modeled: LimitExceededException, message: /exceeds the maximum size/,
    call: () => kms.send(new PutKeyPolicyCommand({ KeyId: keys.other, PolicyName: 'default', Policy: JSON.stringify({ Statement: [], pad: 'x'.repeat(40_000) }) })) },
  { title: 'a malformed key policy', name: 'MalformedPolicyDocumentException', modeled: MalformedPolicyDocumentException,
    call: () => kms.send(new PutKeyPolicyCommand({ KeyId: keys.other, PolicyName: 'default', Policy: 'not json' })) },
  { title: 'a marker keyledger never issued', name: 'InvalidMarkerException', modeled: InvalidMarkerException,
    call: () => kms.send(new ListKeysCommand({ Marker: 'bm90LWEtbWFya2Vy' })) },
  { title: 'a reserved aws: tag', name: 'TagException', modeled: TagException,
    call: () => kms.send(new TagResourceCommand({ KeyId: keys.other, Tags: [{ TagKey: 'aws:owner', TagValue: 'x' }] })) },
  { title: 'a key ARN of another account', name: 'AccessDeniedException',
    call: () => kms.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:${REGION}:444455556666:key/${keys.other}` })) },
  { title: 'a custom key store', name: 'UnsupportedOperationException', modeled: UnsupportedOperationException,
    call: () => kms.send(new CreateKeyCommand({ CustomKeyStoreId: 'cks-1234567890abcdef0' })) },
  { title: 'an AWS operation keyledger does not implement', name: 'UnknownOperationException',
    call: () => kms.send(new SignCommand({ KeyId: keys.enabled, Message: new Uint8Array([1]), SigningAlgorithm: 'ECDSA_SHA_256' })) },
];

describe('errors surface in the AWS SDK with AWS names', () => {
  it.each(cases)('$title → $name', async ({ name, modeled, message, call }) => {
    const error = await sdkError(call());
    expect(error.name).toBe(name);
    expect(error.status).toBe(400);
    expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message.length).toBeGreaterThan(0);
    if (message) expect(error.message).toMatch(message);
    if (modeled) await expect(call()).rejects.toBeInstanceOf(modeled);
  });

  // AWS answers writes to alias/aws/… with NotAuthorizedException and an empty message (the
  // service reproduces that); the SDK still names the error, and gives it a message of its own.
  it('CreateAlias under the reserved alias/aws/ prefix → NotAuthorizedException', async () => {
    const error = await sdkError(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/mine', TargetKeyId: keys.enabled })));
    expect(error.name).toBe('NotAuthorizedException');
    expect(error.status).toBe(400);
    expect(error.message.length).toBeGreaterThan(0);
  });
});
