// Audit completeness through the real server: for a random mix of allowed, denied (disabled
// key), invalid (validation) and failing (bad signature, missing key) requests sent with the AWS
// SDK, every request has exactly one CloudTrail record with the right outcome, and no record
// holds a plaintext, a ciphertext, a data key or a secret.
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { auditTrail } from '../../src/projections/auditTrail.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { startTestServer } from './support/inProcess.js';
import { kmsClient } from './support/kms.js';
import { ADMIN } from './support/repo.js';

interface Sent {
  readonly requestId: string;
  /** undefined when the request succeeded. */
  readonly errorCode: string | undefined;
}

const send = async (call: Promise<{ $metadata: { requestId?: string } }>): Promise<Sent> => {
  try {
    const out = await call;
    return { requestId: out.$metadata.requestId!, errorCode: undefined };
  } catch (e) {
    const err = e as Error & { $metadata?: { requestId?: string } };
    return { requestId: err.$metadata!.requestId!, errorCode: err.name };
  }
};

it('gives every request exactly one record, with its outcome, and no secrets', async () => {
  const server = await startTestServer('audit-completeness');
  const kms = kmsClient(server.endpoint);
  const forged = kmsClient(server.endpoint, { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'x'.repeat(40) });
  const secrets: string[] = [ADMIN.secretAccessKey];
  const sent: Sent[] = [];
  try {
    const enabled = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const disabled = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    await kms.send(new DisableKeyCommand({ KeyId: disabled }));
    const blob = (await kms.send(new EncryptCommand({ KeyId: enabled, Plaintext: new Uint8Array([9, 9, 9]) }))).CiphertextBlob!;
    const requests: fc.Arbitrary<(c: KMSClient) => Promise<Sent>>[] = [
      fc.uint8Array({ minLength: 8, maxLength: 64 }).map((p) => (c) => {
        secrets.push(Buffer.from(p).toString('base64'));
        return send(c.send(new EncryptCommand({ KeyId: enabled, Plaintext: p })));
      }),
      fc.uint8Array({ minLength: 8, maxLength: 64 }).map((p) => (c) => send(c.send(new EncryptCommand({ KeyId: disabled, Plaintext: p })))),
      fc.constant((c: KMSClient) => send(c.send(new DecryptCommand({ CiphertextBlob: blob })))),
      fc.constant((c: KMSClient) => send(c.send(new GenerateDataKeyCommand({ KeyId: enabled, KeySpec: 'AES_256' })))),
      fc.constant((c: KMSClient) => send(c.send(new DescribeKeyCommand({ KeyId: 'alias/missing' })))),
      fc.constant((c: KMSClient) => send(c.send(new ListKeysCommand({ Limit: 5 })))),
      fc.constant((c: KMSClient) => send(c.send(new ScheduleKeyDeletionCommand({ KeyId: enabled, PendingWindowInDays: 3 })))),
      fc.constant((_: KMSClient) => send(forged.send(new ListKeysCommand({})))),
    ];
    const mix = fc.sample(fc.array(fc.oneof(...requests), { minLength: 40, maxLength: 40 }), { numRuns: 1, seed: 42 })[0]!;
    for (const request of mix) sent.push(await request(kms));
    secrets.push(Buffer.from(blob).toString('base64'));
  } finally {
    kms.destroy();
    forged.destroy();
    await server.stop({ remove: false });
  }

  const copy = await openSqliteStore({ path: join(server.dataDir, 'keyledger.db'), readOnly: true });
  const events: RecordedEvent[] = [];
  try {
    for await (const e of copy.store.readAll()) events.push(e);
  } finally {
    await copy.close();
  }
  const records = auditTrail(events).map((entry) => entry.record);
  expect(new Set(sent.map((s) => s.errorCode)).size).toBeGreaterThanOrEqual(4); // successes and several kinds of failure
  for (const s of sent) {
    const mine = records.filter((r) => r.requestID === s.requestId);
    expect(mine, s.requestId).toHaveLength(1);
    expect(mine[0]!.errorCode).toBe(s.errorCode);
  }
  const trail = JSON.stringify(records);
  for (const secret of secrets) expect(trail.includes(secret)).toBe(false);
  expect(trail).not.toContain('"wrapped"');
});
