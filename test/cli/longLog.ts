// A data directory whose log is long enough for what only long logs show: a progress bar that
// moves (every 1024 events) and output larger than a pipe's buffer. Written by the real service
// on SQLite, then closed, as a stopped server leaves it.
import { join } from 'node:path';
import { Keyledger } from '../../src/service/keyledger.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { tempDir } from '../e2e/support/repo.js';
import { caller, TestClock } from '../service/harness.js';

/** One key, `encrypts` Encrypt requests on it, and a signed checkpoint. */
export const buildLongLog = async (name: string, encrypts = 1500): Promise<string> => {
  const dir = tempDir(name);
  const opened = await openSqliteStore({ path: join(dir, 'keyledger.db') });
  const kms = await Keyledger.open({ ...opened, rootKey: new Uint8Array(32).fill(3), clock: new TestClock(), auditPublicKeyFile: join(dir, 'audit-key.pub') });
  const { KeyMetadata } = await kms.execute('CreateKey', {}, caller());
  const plaintext = new TextEncoder().encode('long log');
  // Concurrent, so that the writer groups them: many durable requests in few commits.
  for (let sent = 0; sent < encrypts; sent += 100) {
    const batch = Math.min(100, encrypts - sent);
    await Promise.all(Array.from({ length: batch }, () => kms.execute('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext }, caller())));
  }
  await kms.appendCheckpoint();
  kms.close();
  await opened.close();
  return dir;
};
