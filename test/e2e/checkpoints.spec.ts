// The running server signs checkpoints of its log: at start (exporting the audit public key),
// on its interval, and at clean shutdown — so a stopped server's data directory verifies
// offline, with only the public key, to its very last event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import { parseAuditPublicKey } from '../../src/crypto/auditKey.js';
import { verifyLog } from '../../src/service/forensics/verify.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { kmsClient } from './support/kms.js';
import { startTestServer } from './support/inProcess.js';

it('leaves a data directory whose whole log verifies against the exported public key', async () => {
  const server = await startTestServer('checkpoints');
  const kms = kmsClient(server.endpoint);
  try {
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'covered' }));
    await kms.send(new EncryptCommand({ KeyId: KeyMetadata!.KeyId, Plaintext: new Uint8Array([1, 2, 3]) }));
  } finally {
    kms.destroy();
  }
  await server.stop({ remove: false });

  const publicKey = parseAuditPublicKey(readFileSync(join(server.dataDir, 'audit-key.pub'), 'utf8'));
  const copy = await openSqliteStore({ path: join(server.dataDir, 'keyledger.db'), readOnly: true });
  try {
    const result = await verifyLog({ store: copy.store, publicKey });
    expect(result).toMatchObject({ ok: true, uncovered: 0 });
    expect(result.ok && result.checkpoints).toBeGreaterThanOrEqual(2);
  } finally {
    await copy.close();
  }
});
