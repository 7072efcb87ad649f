// Where the service keeps its audit key: the private half wrapped under the root key in the
// vault (under AUDIT_KEY_VAULT_ID, beside the per-key KEKs), the public half exported to a file
// — `<data dir>/audit-key.pub` by the CLI's choice — that is all `keyledger verify` needs.
//
// The key is created on first use. Two creators racing (two service instances on one vault) are
// settled by the vault itself: `put` never replaces an entry, so the loser reads the winner's.
// The exported file is never overwritten with another key: a file that names a different key
// than the vault's means the file or the vault was swapped, and checkpoints signed now would not
// verify against what the operator distributed — that is an error to surface, not to paper over.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  AUDIT_KEY_VAULT_ID,
  type AuditSigner,
  auditKeyId,
  encodeAuditPublicKey,
  generateAuditKey,
  parseAuditPublicKey,
  unwrapAuditKey,
} from '../../crypto/auditKey.js';
import { VaultConflictError, type KeyVault } from '../../store/eventStore.js';

export interface AuditKeyOptions {
  readonly vault: KeyVault;
  readonly rootKey: Uint8Array;
  /** Where to export the public key (PEM SubjectPublicKeyInfo); not exported when absent. */
  readonly publicKeyFile?: string | undefined;
}

/** The audit key from the vault, created (and its public key exported) if there is none yet. */
export const loadOrCreateAuditKey = async (options: AuditKeyOptions): Promise<AuditSigner> => {
  const { vault, rootKey, publicKeyFile } = options;
  const signer = await loadOrCreate(vault, rootKey);
  if (publicKeyFile !== undefined) {
    try {
      exportPublicKey(publicKeyFile, signer.publicKey);
    } catch (error) {
      signer.destroy();
      throw error;
    }
  }
  return signer;
};

const loadOrCreate = async (vault: KeyVault, rootKey: Uint8Array): Promise<AuditSigner> => {
  const stored = await vault.get(AUDIT_KEY_VAULT_ID);
  if (stored !== undefined) return unwrapAuditKey(rootKey, stored);
  const fresh = generateAuditKey(rootKey);
  try {
    await vault.put(AUDIT_KEY_VAULT_ID, fresh.wrapped);
    return fresh.signer;
  } catch (error) {
    fresh.signer.destroy();
    if (!(error instanceof VaultConflictError)) throw error;
    const winner = await vault.get(AUDIT_KEY_VAULT_ID);
    if (winner === undefined) throw error;
    return unwrapAuditKey(rootKey, winner);
  }
};

/** Writes the PEM if the file is missing (temp file + rename: never a half-written key);
 *  checks it names the same key if it exists. */
export const exportPublicKey = (file: string, publicKey: Uint8Array): void => {
  if (existsSync(file)) {
    const existing = parseAuditPublicKey(readFileSync(file, 'utf8'));
    if (Buffer.compare(existing, publicKey) !== 0) {
      throw new Error(
        `${file} holds audit public key ${auditKeyId(existing)}, but the vault's audit key is ${auditKeyId(publicKey)}; ` +
          'checkpoints would not verify against the file. Restore the matching file or vault.',
      );
    }
    return;
  }
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, encodeAuditPublicKey(publicKey), { mode: 0o644, flag: 'wx' });
  renameSync(temp, file);
};
