// The symmetric ciphertext blob: what Encrypt returns as CiphertextBlob and Decrypt accepts.
// AES-256-GCM (NIST SP 800-38D) under a per-request key derived with HKDF-SHA-256 (RFC 5869).
//
// Why per-request keys: SP 800-38D §8.3 limits random 96-bit IVs to 2^32 invocations per key
// (keeping the IV-collision probability under 2^-32). A busy key can exceed that over its
// lifetime, so — as AWS KMS describes in its cryptographic details — each Encrypt derives a
// one-time key from the backing key material and a fresh 256-bit random salt. A key then
// sees one message; the IV is still random as defence in depth.
//
// Layout, version 1 (n = len(keyId), c = len(plaintext)):
//
//   offset   size  field
//   0        1     magic 0x4B ('K')
//   1        1     version 0x01
//   2        1     n, 1..64
//   3        n     keyId, ASCII [A-Za-z0-9_-] (the KMS key id — a UUID or "mrk-…" — never the
//                  ARN, so a multi-region replica in another region decrypts the same blob)
//   3+n      32    key material id (raw bytes of the 64-hex KeyMaterialId)
//   35+n     32    HKDF salt
//   67+n     12    GCM IV
//   79+n     c     GCM ciphertext, 1..65536 bytes
//   79+n+c   16    GCM tag
//
//   header   = bytes [0, 79+n)                              (everything before the ciphertext)
//   dataKey  = HKDF-SHA-256(ikm = material, salt,
//                           info = lp("keyledger/symmetric/v1") ‖ lp(keyId) ‖ lp(materialId), 32)
//   AAD      = header ‖ canonicalEncryptionContext          (see encryptionContext.ts)
//
// The header is self-delimiting and the context encoding is prefix-free, so the AAD is an
// unambiguous function of (header, context). Binding the whole header means no field —
// version, key id, material id, salt, IV — can be altered without failing the tag.
//
// Overhead is 95 + n bytes (131 for a UUID): a 4096-byte plaintext yields 4227 bytes, under
// AWS's 6144-byte CiphertextBlob limit. AWS's per-operation plaintext limits (4096 for Encrypt,
// 1024 for data keys) are the API layer's to enforce; this layer accepts 1..65536.
//
// parseEnvelope is structural only — no crypto — so the service can read keyId and materialId
// and resolve the key first (Vault transit's habit: the ciphertext names its version, checked
// before any crypto). Every failure, structural or cryptographic, is the same
// CryptoError 'InvalidCiphertext'.

import { GCM_IV_BYTES, GCM_TAG_BYTES, hkdfSha256, open, sealInto } from './aead.js';
import { assertBytes, assertString, isZeroized, lengthPrefixed, utf8 } from './bytes.js';
import { type EncryptionContext, encodeEncryptionContext } from './encryptionContext.js';
import { invalidCiphertext, invalidInput, keyUnavailable } from './errors.js';
import { MATERIAL_ID_BYTES, SYMMETRIC_MATERIAL_BYTES, materialIdFromBytes, materialIdToBytes } from './keyWrap.js';
import { randomBytes } from './random.js';

export const ENVELOPE_MAGIC = 0x4b;
export const ENVELOPE_VERSION = 0x01;
export const SALT_BYTES = 32;
export const MAX_KEY_ID_BYTES = 64;
export const MIN_SYMMETRIC_PLAINTEXT_BYTES = 1;
export const MAX_SYMMETRIC_PLAINTEXT_BYTES = 65_536;

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HKDF_LABEL = utf8('label', 'keyledger/symmetric/v1');
const DATA_KEY_BYTES = 32;
const FIXED_OVERHEAD = 3 + MATERIAL_ID_BYTES + SALT_BYTES + GCM_IV_BYTES + GCM_TAG_BYTES;

/** Envelope overhead for a key id of `keyIdLength` bytes: 95 + n. */
export const envelopeOverhead = (keyIdLength: number): number => FIXED_OVERHEAD + keyIdLength;

export interface ParsedEnvelope {
  readonly version: 1;
  readonly keyId: string;
  readonly materialId: string;
  /** The following are views into the blob passed to parseEnvelope, not copies. */
  readonly header: Uint8Array;
  readonly salt: Uint8Array;
  readonly iv: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

export interface EncryptSymmetricInput {
  readonly keyId: string;
  readonly materialId: string;
  readonly material: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly context?: EncryptionContext | undefined;
}

export interface DecryptSymmetricInput {
  readonly blob: Uint8Array;
  readonly material: Uint8Array;
  readonly context?: EncryptionContext | undefined;
}

/** Salt and IV for encryptSymmetricWithNonces. Production code gets them from encryptSymmetric. */
export interface EnvelopeNonces {
  readonly salt: Uint8Array;
  readonly iv: Uint8Array;
}

const isKeyId = (s: string): boolean => KEY_ID.test(s);

/** What a (keyId, materialId) pair contributes to an envelope: its bytes and the HKDF info. */
interface Binding {
  readonly keyIdBytes: Uint8Array;
  readonly materialIdBytes: Uint8Array;
  readonly info: Uint8Array;
}

// Encoding and checking the same two ids and building the same info on every Encrypt was a
// tenth of the service's crypto time; a key is used many times with one material. Nothing
// here is secret (the ids are in every envelope), and the arrays are only ever read.
const MAX_BINDINGS = 1024;
const bindings = new Map<string, Binding>();

/** The checked binding of `keyId` and `materialId`; throws InvalidInput if either is malformed. */
const bindingOf = (keyId: string, materialId: string): Binding => {
  // A key id never contains '/', so the pair maps to one cache id.
  const id = typeof keyId === 'string' && typeof materialId === 'string' ? `${keyId}/${materialId}` : undefined;
  const cached = id === undefined ? undefined : bindings.get(id);
  if (cached !== undefined) return cached;
  assertString('keyId', keyId);
  if (!isKeyId(keyId)) throw invalidInput(`"keyId" expected 1..${MAX_KEY_ID_BYTES} characters of [A-Za-z0-9_-]`);
  const materialIdBytes = materialIdToBytes(materialId);
  const keyIdBytes = utf8('keyId', keyId);
  const binding = { keyIdBytes, materialIdBytes, info: lengthPrefixed(HKDF_LABEL, keyIdBytes, materialIdBytes) };
  if (bindings.size >= MAX_BINDINGS) bindings.clear();
  // Both ids passed their checks, so both are strings and `id` was made.
  bindings.set(id as string, binding);
  return binding;
};

const deriveDataKey = (material: Uint8Array, salt: Uint8Array, binding: Binding): Uint8Array =>
  hkdfSha256(material, salt, binding.info, DATA_KEY_BYTES);

/** Encrypts `plaintext` under `material` into a version-1 envelope with fresh salt and IV. */
export const encryptSymmetric = (input: EncryptSymmetricInput): Uint8Array => {
  // One draw for both; salt and IV are disjoint views of it.
  const nonces = randomBytes(SALT_BYTES + GCM_IV_BYTES);
  return encryptSymmetricWithNonces(input, { salt: nonces.subarray(0, SALT_BYTES), iv: nonces.subarray(SALT_BYTES) });
};

/**
 * encryptSymmetric with caller-chosen salt and IV, for golden-vector tests ONLY. Production code
 * must call encryptSymmetric: reusing a (material, salt) pair with the same IV reuses a GCM key
 * and nonce, which reveals the XOR of the plaintexts and lets the GHASH key be recovered (SP 800-38D
 * §8; Joux, "Authentication failures in NIST version of GCM", 2006).
 * Not re-exported from index.ts.
 */
export const encryptSymmetricWithNonces = (input: EncryptSymmetricInput, nonces: EnvelopeNonces): Uint8Array => {
  if (typeof input !== 'object' || input === null) throw invalidInput('"input" expected an object');
  const { keyId, materialId, material, plaintext, context } = input;
  const binding = bindingOf(keyId, materialId);
  const { keyIdBytes, materialIdBytes } = binding;
  assertBytes('material', material, SYMMETRIC_MATERIAL_BYTES);
  assertBytes('plaintext', plaintext);
  if (plaintext.length < MIN_SYMMETRIC_PLAINTEXT_BYTES || plaintext.length > MAX_SYMMETRIC_PLAINTEXT_BYTES)
    throw invalidInput(`"plaintext" expected ${MIN_SYMMETRIC_PLAINTEXT_BYTES}..${MAX_SYMMETRIC_PLAINTEXT_BYTES} bytes, got ${plaintext.length}`);
  assertBytes('salt', nonces.salt, SALT_BYTES);
  assertBytes('iv', nonces.iv, GCM_IV_BYTES);
  const contextBytes = encodeEncryptionContext(context);
  // All-zero material is material used after it was zeroed, never a real key: refuse rather
  // than emit a ciphertext anyone could decrypt (see isZeroized in bytes.ts).
  if (isZeroized(material)) throw keyUnavailable();

  const n = keyIdBytes.length;
  const headerLength = 3 + n + MATERIAL_ID_BYTES + SALT_BYTES + GCM_IV_BYTES;
  // The AAD is header ‖ context; the blob is header ‖ ciphertext ‖ tag, written in place.
  const aad = new Uint8Array(headerLength + contextBytes.length);
  aad[0] = ENVELOPE_MAGIC;
  aad[1] = ENVELOPE_VERSION;
  aad[2] = n;
  aad.set(keyIdBytes, 3);
  aad.set(materialIdBytes, 3 + n);
  aad.set(nonces.salt, 3 + n + MATERIAL_ID_BYTES);
  aad.set(nonces.iv, 3 + n + MATERIAL_ID_BYTES + SALT_BYTES);
  aad.set(contextBytes, headerLength);

  const dataKey = deriveDataKey(material, nonces.salt, binding);
  try {
    const blob = new Uint8Array(headerLength + plaintext.length + GCM_TAG_BYTES);
    blob.set(aad.subarray(0, headerLength), 0);
    sealInto(dataKey, nonces.iv, plaintext, aad, blob, headerLength);
    return blob;
  } finally {
    dataKey.fill(0);
  }
};

/**
 * Structural parse of a version-1 envelope; no cryptography. The ids it returns are
 * unauthenticated until decryptSymmetric succeeds — use them to find the key, never to decide
 * that the ciphertext is genuine. Any malformed blob → CryptoError 'InvalidCiphertext'.
 */
export const parseEnvelope = (blob: Uint8Array): ParsedEnvelope => {
  assertBytes('blob', blob);
  if (blob.length < 3 || blob[0] !== ENVELOPE_MAGIC || blob[1] !== ENVELOPE_VERSION) throw invalidCiphertext();
  const n = blob[2] as number;
  if (n < 1 || n > MAX_KEY_ID_BYTES) throw invalidCiphertext();
  const headerLength = 3 + n + MATERIAL_ID_BYTES + SALT_BYTES + GCM_IV_BYTES;
  const c = blob.length - headerLength - GCM_TAG_BYTES;
  if (c < MIN_SYMMETRIC_PLAINTEXT_BYTES || c > MAX_SYMMETRIC_PLAINTEXT_BYTES) throw invalidCiphertext();
  // ASCII check on raw bytes before decoding, so no decoder ever sees or repairs invalid bytes.
  let keyId = '';
  for (let i = 3; i < 3 + n; i++) keyId += String.fromCharCode(blob[i] as number);
  if (!isKeyId(keyId)) throw invalidCiphertext();
  let offset = 3 + n;
  const materialIdBytes = blob.subarray(offset, (offset += MATERIAL_ID_BYTES));
  const salt = blob.subarray(offset, (offset += SALT_BYTES));
  const iv = blob.subarray(offset, (offset += GCM_IV_BYTES));
  const ciphertext = blob.subarray(offset, (offset += c));
  const tag = blob.subarray(offset);
  return {
    version: 1,
    keyId,
    materialId: materialIdFromBytes(materialIdBytes),
    header: blob.subarray(0, headerLength),
    salt,
    iv,
    ciphertext,
    tag,
  };
};

/**
 * Decrypts a version-1 envelope with the backing key material it names (the caller resolves
 * keyId and materialId with parseEnvelope first). Wrong material, wrong context, a blob for
 * another key, or any altered byte → CryptoError 'InvalidCiphertext', with no detail.
 * All-zero (already zeroed) material → 'KeyUnavailable': that is our fault, not the caller's.
 */
export const decryptSymmetric = (input: DecryptSymmetricInput): Uint8Array => {
  if (typeof input !== 'object' || input === null) throw invalidInput('"input" expected an object');
  const { blob, material, context } = input;
  assertBytes('material', material, SYMMETRIC_MATERIAL_BYTES);
  const contextBytes = encodeEncryptionContext(context);
  const env = parseEnvelope(blob);
  if (isZeroized(material)) throw keyUnavailable();
  // parseEnvelope checked both ids, and its hex of the material id is the header's bytes.
  const dataKey = deriveDataKey(material, env.salt, bindingOf(env.keyId, env.materialId));
  try {
    const aad = new Uint8Array(env.header.length + contextBytes.length);
    aad.set(env.header, 0);
    aad.set(contextBytes, env.header.length);
    return open(dataKey, env.iv, env.ciphertext, env.tag, aad);
  } finally {
    dataKey.fill(0);
  }
};
