// Signed checkpoints through the service: what the first and later ones list, the signature
// (checked with node:crypto, independently of noble), the audit key's life in the vault, and
// the exported public key file.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_KEY_VAULT_ID, encodeAuditPublicKey, generateAuditKey, parseAuditPublicKey } from '../../../src/crypto/auditKey.js';
import { CHECKPOINT_STREAM, NO_PREVIOUS, checkpointDigest, headsDigest, type CheckpointData } from '../../../src/service/forensics/checkpointFormat.js';
import { Keyledger } from '../../../src/service/keyledger.js';
import { MemoryEventStore, MemoryKeyVault } from '../../../src/store/memoryStore.js';
import { collect, newEvents, tempDir } from '../../store/helpers.js';
import { TestClock } from '../harness.js';

const checkpointsIn = async (store: MemoryEventStore): Promise<CheckpointData[]> =>
  (await collect(store.readStream(CHECKPOINT_STREAM))).map((e) => e.data as unknown as CheckpointData);

describe('checkpoints', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  const open = async (over: { store?: MemoryEventStore; vault?: MemoryKeyVault; rootKey?: Uint8Array; file?: string } = {}) => {
    const store = over.store ?? new MemoryEventStore();
    const vault = over.vault ?? new MemoryKeyVault();
    const rootKey = over.rootKey ?? new Uint8Array(32).fill(3);
    const clock = new TestClock();
    const kms = await Keyledger.open({ store, vault, rootKey, clock, ...(over.file === undefined ? {} : { auditPublicKeyFile: over.file }) });
    cleanups.push(() => kms.close());
    return { kms, store, vault, clock };
  };

  it('signs the heads of every stream first, then only those that moved, chained by digest', async () => {
    const { kms, store, clock } = await open();
    await store.append('a', newEvents(2), 'no_stream');
    await store.append('b', newEvents(1), 'no_stream');
    const first = await kms.appendCheckpoint();
    expect(first).toMatchObject({ appended: true, sequence: 0, position: 3, streams: 2, heads: 2 });
    await store.append('c', newEvents(1), 'no_stream');
    await store.append('a', newEvents(1), 1);
    clock.advanceMs(3_600_000);
    const second = await kms.appendCheckpoint();
    expect(second).toMatchObject({ appended: true, sequence: 1, position: 6, streams: 3, heads: 2 });

    const [c0, c1] = await checkpointsIn(store);
    const hashOf = async (stream: string) => (await collect(store.readStream(stream, { direction: 'backwards', limit: 1 })))[0]?.metadata['hash'];
    expect(c0?.heads).toEqual([['a', 1, expect.any(String)], ['b', 0, await hashOf('b')]]);
    expect(c1?.heads).toEqual([['a', 2, await hashOf('a')], ['c', 0, await hashOf('c')]]);
    expect(c0?.previous).toBe(NO_PREVIOUS);
    expect(c1?.previous).toBe(c0?.digest);
    expect(c1?.at).toBe('2026-01-01T01:00:00.000Z');
    for (const c of [c0, c1]) {
      if (c === undefined) throw new Error('two checkpoints');
      expect(headsDigest(c.heads).toString('hex')).toBe(c.headsDigest);
      const digest = checkpointDigest(c);
      expect(digest.toString('hex')).toBe(c.digest);
      const publicKey = createPublicKey(encodeAuditPublicKey(await kms.auditPublicKey()));
      expect(nodeVerify(null, digest, publicKey, Buffer.from(c.signature, 'base64'))).toBe(true);
    }
  });

  it('appends nothing when no stream moved, and leaves its own appends out of the heads', async () => {
    const { kms, store } = await open();
    const empty = await kms.appendCheckpoint(); // an empty log still gets checkpoint 0
    expect(empty).toMatchObject({ appended: true, sequence: 0, position: 0, streams: 0, heads: 0 });
    expect(await kms.appendCheckpoint()).toEqual({ ...empty, appended: false });
    await store.append('a', newEvents(1), 'no_stream');
    expect(await kms.appendCheckpoint()).toMatchObject({ appended: true, sequence: 1, streams: 1, heads: 1 });
    expect(await kms.appendCheckpoint()).toMatchObject({ appended: false, sequence: 1 });
    expect(await collect(store.readStream(CHECKPOINT_STREAM))).toHaveLength(2);
  });

  it('runs concurrent calls one after the other', async () => {
    const { kms, store } = await open();
    await store.append('a', newEvents(1), 'no_stream');
    const outcomes = await Promise.all([kms.appendCheckpoint(), kms.appendCheckpoint(), kms.appendCheckpoint()]);
    expect(outcomes.map((o) => [o.appended, o.sequence])).toEqual([[true, 0], [false, 0], [false, 0]]);
  });

  it('keeps one audit key in the vault, wrapped under the root key, across restarts', async () => {
    const first = await open();
    await first.store.append('a', newEvents(1), 'no_stream');
    await first.kms.appendCheckpoint();
    const publicKey = await first.kms.auditPublicKey();
    expect(await first.vault.get(AUDIT_KEY_VAULT_ID)).toHaveLength(61);
    const again = await open({ store: first.store, vault: first.vault });
    await first.store.append('a', newEvents(1), 0);
    expect(await again.kms.appendCheckpoint()).toMatchObject({ appended: true, sequence: 1 });
    expect(await again.kms.auditPublicKey()).toEqual(publicKey);
    const wrongRoot = await open({ store: first.store, vault: first.vault, rootKey: new Uint8Array(32).fill(4) });
    await expect(wrongRoot.kms.auditPublicKey()).rejects.toMatchObject({ name: 'CryptoError', kind: 'KeyUnavailable' });
  });

  it('settles two services creating the audit key at once on the vault: both sign with the winner', async () => {
    const vault = new MemoryKeyVault();
    const store = new MemoryEventStore();
    const [a, b] = await Promise.all([open({ store, vault }), open({ store, vault })]);
    const [ka, kb] = await Promise.all([a.kms.auditPublicKey(), b.kms.auditPublicKey()]);
    expect(ka).toEqual(kb);
  });

  it('exports the public key as PEM when it creates the key, and refuses a file naming another key', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    const file = join(temp.dir, 'audit-key.pub');
    const { kms, store, vault } = await open({ file });
    await kms.appendCheckpoint();
    const pem = readFileSync(file, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(parseAuditPublicKey(pem)).toEqual(await kms.auditPublicKey());
    expect(createPublicKey(pem).asymmetricKeyType).toBe('ed25519');

    writeFileSync(file, encodeAuditPublicKey(generateAuditKey(new Uint8Array(32).fill(9)).signer.publicKey));
    const restarted = await open({ store, vault, file });
    await expect(restarted.kms.appendCheckpoint()).rejects.toThrow(/holds audit public key .* but the vault's audit key is/);
  });
});
