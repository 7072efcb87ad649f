// Crypto-shredding (DESIGN.md): once a key's waiting period ends, its KEK is destroyed and
// KeyDeleted appended. Someone holding a copy of the SQLite files AND the root key cannot
// recover the key's material or decrypt its ciphertexts; the key's history still reads.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptSymmetric, isCryptoError, parseEnvelope, unwrapKek, unwrapMaterial } from '../../src/crypto/index.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { errorOf, openHarness, TestClock } from './harness.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'keyledger-shred-'));
  dirs.push(d);
  return d;
};

/** A copy of the database as a backup tool would take it: the file and its WAL, if any. */
const copyDatabase = (from: string, to: string) => {
  for (const suffix of ['', '-wal']) if (existsSync(from + suffix)) copyFileSync(from + suffix, to + suffix);
};

describe('crypto-shredding', () => {
  it('leaves a copy of the log plus the root key unable to recover a deleted key, with its history intact', async () => {
    const dir = tempDir();
    const path = join(dir, 'keyledger.db');
    const opened = await openSqliteStore({ path });
    const clock = new TestClock();
    const h = await openHarness({ store: opened.store, vault: opened.vault, clock });
    const { KeyMetadata } = await h.call('CreateKey', { Description: 'to be shredded' });
    const { KeyMetadata: survivor } = await h.call('CreateKey', { Description: 'survivor' });
    const secret = new TextEncoder().encode('the secret payload');
    const { CiphertextBlob } = await h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: secret });
    const wrappedKekBefore = await opened.vault.get(KeyMetadata.Arn);
    expect(wrappedKekBefore).toBeDefined();

    await h.call('ScheduleKeyDeletion', { KeyId: KeyMetadata.KeyId, PendingWindowInDays: 7 });
    clock.advanceDays(7);
    const run = await h.kms.runScheduler();
    expect(run.deleted).toEqual([KeyMetadata.Arn]);
    expect(await errorOf(h.call('Decrypt', { CiphertextBlob }))).toBe('NotFoundException');
    h.kms.close();
    await opened.close();

    // The attacker's copy: database files and the root key.
    const copy = join(tempDir(), 'stolen.db');
    copyDatabase(path, copy);
    const raw = Buffer.concat([copy, `${copy}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(raw.indexOf(Buffer.from(wrappedKekBefore!))).toBe(-1);

    const stolen = await openSqliteStore({ path: copy });
    try {
      expect(await stolen.vault.get(KeyMetadata.Arn)).toBeUndefined();
      expect(await stolen.vault.get(survivor.Arn)).toBeDefined();
      const history: { type: string; data: Record<string, unknown> }[] = [];
      for await (const e of stolen.store.readStream(`key-${KeyMetadata.Arn}`)) history.push({ type: e.type, data: e.data });
      expect(history.map((e) => e.type)).toEqual(['KeyCreated', 'KeyUsed', 'KeyDeletionScheduled', 'KeyDeleted']);

      // The wrapped material is still in the log, and useless: its KEK is gone, and no other
      // KEK in the vault, unwrapped with the real root key, opens it.
      const material = history[0]!.data['material'] as { keyMaterialId: string; wrapped: string };
      const survivorKek = unwrapKek(h.rootKey, (await stolen.vault.get(survivor.Arn))!, survivor.Arn);
      const attempt = () =>
        unwrapMaterial(survivorKek, Buffer.from(material.wrapped, 'base64'), { keyArn: KeyMetadata.Arn, materialId: material.keyMaterialId });
      expect(attempt).toThrow();
      try {
        attempt();
      } catch (e) {
        expect(isCryptoError(e)).toBe(true);
      }
      expect(parseEnvelope(CiphertextBlob).keyId).toBe(KeyMetadata.KeyId);
      expect(() => decryptSymmetric({ blob: CiphertextBlob, material: survivorKek })).toThrow();
    } finally {
      await stolen.close();
    }
  });
});
