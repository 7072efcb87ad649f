// The audit key: Ed25519 (RFC 8032 §5.1, "PureEdDSA" over edwards25519) signs the checkpoints
// of the hash chain (DESIGN.md, "Tamper evidence"), the way AWS CloudTrail signs its hourly
// digest files (log file integrity validation) — so that anyone holding only the public key can
// check, offline, that a copy of the log is the one the service signed.
//
// - Key pair: @noble/curves' ed25519 (audited, constant-time); the 32-byte secret is the RFC
//   8032 §5.1.5 seed. Signing is deterministic (§5.1.6), so a checkpoint needs no randomness.
// - Verification is RFC 8032 §5.1.7 / FIPS 186-5 strict (`zip215: false`): non-canonical
//   encodings of R, A or S are refused, as OpenSSL (node:crypto) refuses them — a signature
//   that one verifier accepts and another rejects would make verify answers depend on the tool.
// - At rest the seed is wrapped under the root key like a KEK (keyWrap.ts: AES-256-GCM, fresh
//   96-bit IV, version ‖ IV ‖ ciphertext ‖ tag) but with its own domain-separation label:
//     AAD = lp("keyledger/audit-key/v1") ‖ lp(vaultId)
//   so a wrapped audit key never unwraps as a KEK or as key material, nor the reverse.
// - The public key is exported as PEM SubjectPublicKeyInfo (RFC 8410 §4, RFC 7468 §13), which
//   `openssl pkey -pubin` and node's createPublicKey read as they are.
import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { AES_256_KEY_BYTES, GCM_IV_BYTES, GCM_TAG_BYTES, open, seal } from './aead.js';
import { assertBytes, assertString, bytesToHex, isZeroized, lengthPrefixed, utf8 } from './bytes.js';
import { CryptoError, invalidInput, keyUnavailable } from './errors.js';
import { randomBytes } from './random.js';

/** Where the service keeps the wrapped audit key in the vault (no KMS key ARN starts with `$`). */
export const AUDIT_KEY_VAULT_ID = '$audit-key';
export const AUDIT_SEED_BYTES = 32;
export const AUDIT_PUBLIC_KEY_BYTES = 32;
export const AUDIT_SIGNATURE_BYTES = 64;

const WRAP_VERSION = 0x01;
const AUDIT_LABEL = utf8('label', 'keyledger/audit-key/v1');
const WRAPPED_BYTES = 1 + GCM_IV_BYTES + AUDIT_SEED_BYTES + GCM_TAG_BYTES;

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4): SEQ { SEQ { OID 1.3.101.112 }, BIT STRING }. */
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

/** A short, stable name for a public key: the first 8 bytes of its SHA-256, in hex. A label
 *  for people and logs; verification always uses the key itself. */
export const auditKeyId = (publicKey: Uint8Array): string => {
  assertBytes('publicKey', publicKey, AUDIT_PUBLIC_KEY_BYTES);
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
};

/** Holds the audit seed and signs with it; the seed never leaves this object. */
export class AuditSigner {
  readonly publicKey: Uint8Array;
  readonly keyId: string;
  readonly #seed: Uint8Array;

  constructor(seed: Uint8Array) {
    assertBytes('seed', seed, AUDIT_SEED_BYTES);
    this.#seed = Uint8Array.from(seed);
    this.publicKey = ed25519.getPublicKey(this.#seed);
    this.keyId = auditKeyId(this.publicKey);
  }

  /** Ed25519 signature (RFC 8032 §5.1.6) of `message`: 64 bytes. */
  sign(message: Uint8Array): Uint8Array {
    assertBytes('message', message);
    if (isZeroized(this.#seed)) throw keyUnavailable(); // used after destroy()
    return ed25519.sign(message, this.#seed);
  }

  /** Zeroes the seed; later signing fails with KeyUnavailable. */
  destroy(): void {
    this.#seed.fill(0);
  }
}

const aad = (vaultId: string): Uint8Array => {
  assertString('vaultId', vaultId);
  if (vaultId.length === 0) throw invalidInput('"vaultId" must not be empty');
  return lengthPrefixed(AUDIT_LABEL, utf8('vaultId', vaultId));
};

/** A fresh audit key pair: the signer, and its seed wrapped under the root key for the vault. */
export const generateAuditKey = (root: Uint8Array, vaultId: string = AUDIT_KEY_VAULT_ID): { signer: AuditSigner; wrapped: Uint8Array } => {
  assertBytes('root', root, AES_256_KEY_BYTES);
  const seed = randomBytes(AUDIT_SEED_BYTES);
  try {
    const iv = randomBytes(GCM_IV_BYTES);
    const { ciphertext, tag } = seal(root, iv, seed, aad(vaultId));
    const wrapped = new Uint8Array(WRAPPED_BYTES);
    wrapped[0] = WRAP_VERSION;
    wrapped.set(iv, 1);
    wrapped.set(ciphertext, 1 + GCM_IV_BYTES);
    wrapped.set(tag, 1 + GCM_IV_BYTES + AUDIT_SEED_BYTES);
    return { signer: new AuditSigner(seed), wrapped };
  } finally {
    seed.fill(0);
  }
};

/** Inverse of the wrapping in generateAuditKey. Wrong root key, wrong vault id or any
 *  tampering → CryptoError 'KeyUnavailable' (our own state failed, not a caller's input). */
export const unwrapAuditKey = (root: Uint8Array, wrapped: Uint8Array, vaultId: string = AUDIT_KEY_VAULT_ID): AuditSigner => {
  assertBytes('root', root, AES_256_KEY_BYTES);
  assertBytes('wrapped', wrapped);
  if (wrapped.length !== WRAPPED_BYTES || wrapped[0] !== WRAP_VERSION) throw keyUnavailable();
  let seed: Uint8Array;
  try {
    seed = open(
      root,
      wrapped.subarray(1, 1 + GCM_IV_BYTES),
      wrapped.subarray(1 + GCM_IV_BYTES, 1 + GCM_IV_BYTES + AUDIT_SEED_BYTES),
      wrapped.subarray(1 + GCM_IV_BYTES + AUDIT_SEED_BYTES),
      aad(vaultId),
    );
  } catch (e) {
    if (e instanceof CryptoError && e.kind === 'InvalidCiphertext') throw keyUnavailable();
    throw e;
  }
  try {
    return new AuditSigner(seed);
  } finally {
    seed.fill(0);
  }
};

/** RFC 8032 §5.1.7 verification, strict (no ZIP-215 leniency). False for anything malformed. */
export const verifyAuditSignature = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
  assertBytes('publicKey', publicKey, AUDIT_PUBLIC_KEY_BYTES);
  assertBytes('message', message);
  assertBytes('signature', signature);
  if (signature.length !== AUDIT_SIGNATURE_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false; // e.g. a public key that is not a point: no signature verifies under it
  }
};

/** PEM SubjectPublicKeyInfo of the raw 32-byte key (RFC 8410 §4; RFC 7468 §13). */
export const encodeAuditPublicKey = (publicKey: Uint8Array): string => {
  assertBytes('publicKey', publicKey, AUDIT_PUBLIC_KEY_BYTES);
  const der = Buffer.concat([SPKI_PREFIX, publicKey]);
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
};

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PEM = /^-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n?-----END PUBLIC KEY-----\s*$/;

/**
 * The raw 32-byte public key from what `encodeAuditPublicKey` writes (PEM SPKI) or from the
 * standard base64 of the raw key. Anything else — another algorithm's SPKI included — is an
 * InvalidInput error: verify must not run against a key it misread.
 */
export const parseAuditPublicKey = (text: string): Uint8Array => {
  assertString('text', text);
  const trimmed = text.trim();
  const pem = PEM.exec(trimmed);
  const base64 = pem === null ? trimmed : (pem[1] ?? '').replace(/\s+/g, '');
  if (!STRICT_BASE64.test(base64)) throw invalidInput('audit public key: expected PEM SubjectPublicKeyInfo or base64 of 32 bytes');
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  if (pem === null) {
    if (bytes.length !== AUDIT_PUBLIC_KEY_BYTES) throw invalidInput(`audit public key: expected 32 bytes, got ${bytes.length}`);
    return bytes;
  }
  const prefix = bytes.subarray(0, SPKI_PREFIX.length);
  if (bytes.length !== SPKI_PREFIX.length + AUDIT_PUBLIC_KEY_BYTES || bytesToHex(prefix) !== bytesToHex(SPKI_PREFIX)) {
    throw invalidInput('audit public key: the PEM is not an Ed25519 SubjectPublicKeyInfo (RFC 8410)');
  }
  return bytes.slice(SPKI_PREFIX.length);
};
