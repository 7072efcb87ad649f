// The key hierarchy (DESIGN.md, "The key hierarchy and the crypto boundary"):
//
//   root key (256-bit, outside the log and the vault)
//     └─ wraps one KEK per KMS key (256-bit, random; wrapped form lives in the vault)
//          └─ wraps that key's backing key material (wrapped form lives in the event log)
//
// Wrapping is AES-256-GCM (NIST SP 800-38D) with a fresh random 96-bit IV per wrap. A wrapping
// key seals one item per KMS key (a KEK) or one per rotation (material), far below the 2^32
// random-IV bound of SP 800-38D §8.3. We use GCM rather than AES-KW (SP 800-38F) because it
// binds associated data, and the associated data is what ties a wrapped blob to its place:
//
//   KEK:      AAD = lp("keyledger/kek/v1") ‖ lp(kekId)
//   material: AAD = lp("keyledger/material/v1") ‖ lp(keyArn) ‖ lp(materialId)
//
// lp(x) = u32be(len(x)) ‖ x, so fields cannot slide into each other, and the distinct labels
// separate the two domains (a wrapped KEK never unwraps as material, nor the reverse). A wrapped
// blob copied onto another key, or another material id, fails authentication.
//
// Wrapped format: version (0x01) ‖ IV (12) ‖ ciphertext (len(secret)) ‖ tag (16).
//
// Unwrap failures are CryptoError 'KeyUnavailable', not 'InvalidCiphertext': the wrapped bytes
// are our own state (vault, log), so a failure means a destroyed or wrong KEK, a wrong root key
// or corruption — a server condition, never a bad ciphertext from the caller.
//
// Crypto-shredding: once the vault destroys a key's KEK, the wrapped material in the (immutable,
// backed-up) log is AES-256-GCM ciphertext under a key that no longer exists anywhere; the root
// key alone cannot recover it.

import { AES_256_KEY_BYTES, GCM_IV_BYTES, GCM_TAG_BYTES, open, seal } from './aead.js';
import { assertBytes, assertBytesIn, assertString, bytesToHex, hexToBytes, isZeroized, lengthPrefixed, utf8 } from './bytes.js';
import { CryptoError, invalidInput, keyUnavailable } from './errors.js';
import { randomBytes } from './random.js';

export const WRAP_VERSION = 0x01;
export const KEK_BYTES = 32;
export const SYMMETRIC_MATERIAL_BYTES = 32;
/** Room for any backing key we may hold later (an RSA-4096 PKCS#8 key is ~2.4 KiB). */
export const MAX_MATERIAL_BYTES = 16_384;
export const MATERIAL_ID_BYTES = 32;

const KEK_LABEL = utf8('label', 'keyledger/kek/v1');
const MATERIAL_LABEL = utf8('label', 'keyledger/material/v1');
const WRAP_OVERHEAD = 1 + GCM_IV_BYTES + GCM_TAG_BYTES;

// --- material ids ----------------------------------------------------------------------------

const MATERIAL_ID = /^[0-9a-f]{64}$/;

/** AWS's KeyMaterialId format: 64 lowercase hex characters. */
export const isMaterialId = (s: unknown): s is string => typeof s === 'string' && MATERIAL_ID.test(s);

export const materialIdToBytes = (materialId: string): Uint8Array => {
  if (!isMaterialId(materialId)) throw invalidInput('"materialId" expected 64 lowercase hex characters');
  return hexToBytes('materialId', materialId);
};

export const materialIdFromBytes = (bytes: Uint8Array): string => {
  assertBytes('materialId', bytes, MATERIAL_ID_BYTES);
  return bytesToHex(bytes);
};

/**
 * An opaque id: 256 random bits, not derived from the material (a hash of the material would
 * be a public test of any guess of it, and would link imports of the same material).
 */
export const newMaterialId = (): string => bytesToHex(randomBytes(MATERIAL_ID_BYTES));

// --- generation --------------------------------------------------------------------------------

export const generateKek = (): Uint8Array => randomBytes(KEK_BYTES);

export interface NewKeyMaterial {
  readonly material: Uint8Array;
  readonly materialId: string;
}

/** Fresh backing key material for SYMMETRIC_DEFAULT (256-bit AES), with a fresh opaque id. */
export const newKeyMaterial = (): NewKeyMaterial => ({
  material: randomBytes(SYMMETRIC_MATERIAL_BYTES),
  materialId: newMaterialId(),
});

// --- wrap / unwrap -----------------------------------------------------------------------------

// An all-zero wrapping key is one used after fill(0): fail closed (see isZeroized).
const wrap = (wrappingKey: Uint8Array, secret: Uint8Array, aad: Uint8Array): Uint8Array => {
  if (isZeroized(wrappingKey)) throw keyUnavailable();
  const iv = randomBytes(GCM_IV_BYTES);
  const { ciphertext, tag } = seal(wrappingKey, iv, secret, aad);
  const out = new Uint8Array(WRAP_OVERHEAD + ciphertext.length);
  out[0] = WRAP_VERSION;
  out.set(iv, 1);
  out.set(ciphertext, 1 + GCM_IV_BYTES);
  out.set(tag, 1 + GCM_IV_BYTES + ciphertext.length);
  return out;
};

const unwrap = (wrappingKey: Uint8Array, wrapped: Uint8Array, aad: Uint8Array, secretBytes: { min: number; max: number }): Uint8Array => {
  if (isZeroized(wrappingKey)) throw keyUnavailable();
  const n = wrapped.length - WRAP_OVERHEAD;
  if (n < secretBytes.min || n > secretBytes.max || wrapped[0] !== WRAP_VERSION) throw keyUnavailable();
  const iv = wrapped.subarray(1, 1 + GCM_IV_BYTES);
  const ciphertext = wrapped.subarray(1 + GCM_IV_BYTES, 1 + GCM_IV_BYTES + n);
  const tag = wrapped.subarray(1 + GCM_IV_BYTES + n);
  try {
    return open(wrappingKey, iv, ciphertext, tag, aad);
  } catch (e) {
    if (e instanceof CryptoError && e.kind === 'InvalidCiphertext') throw keyUnavailable();
    throw e;
  }
};

const kekAad = (kekId: string): Uint8Array => {
  assertString('kekId', kekId);
  if (kekId.length === 0) throw invalidInput('"kekId" must not be empty');
  return lengthPrefixed(KEK_LABEL, utf8('kekId', kekId));
};

const materialAad = (binding: MaterialBinding): Uint8Array => {
  if (typeof binding !== 'object' || binding === null) throw invalidInput('"binding" expected { keyArn, materialId }');
  assertString('keyArn', binding.keyArn);
  if (binding.keyArn.length === 0) throw invalidInput('"keyArn" must not be empty');
  return lengthPrefixed(MATERIAL_LABEL, utf8('keyArn', binding.keyArn), materialIdToBytes(binding.materialId));
};

/** Wraps a KEK under the root key, bound to `kekId` (the vault's id for it). 61 bytes out. */
export const wrapKek = (root: Uint8Array, kek: Uint8Array, kekId: string): Uint8Array => {
  assertBytes('root', root, AES_256_KEY_BYTES);
  assertBytes('kek', kek, KEK_BYTES);
  return wrap(root, kek, kekAad(kekId));
};

/** Inverse of wrapKek. Wrong root, wrong kekId or any tampering → CryptoError 'KeyUnavailable'. */
export const unwrapKek = (root: Uint8Array, wrapped: Uint8Array, kekId: string): Uint8Array => {
  assertBytes('root', root, AES_256_KEY_BYTES);
  assertBytes('wrapped', wrapped);
  return unwrap(root, wrapped, kekAad(kekId), { min: KEK_BYTES, max: KEK_BYTES });
};

/** Where a piece of material belongs: its KMS key's ARN and its KeyMaterialId. */
export interface MaterialBinding {
  readonly keyArn: string;
  readonly materialId: string;
}

/** Wraps backing key material under its key's KEK, bound to the key ARN and material id. */
export const wrapMaterial = (kek: Uint8Array, material: Uint8Array, binding: MaterialBinding): Uint8Array => {
  assertBytes('kek', kek, KEK_BYTES);
  assertBytesIn('material', material, 1, MAX_MATERIAL_BYTES);
  return wrap(kek, material, materialAad(binding));
};

/** Inverse of wrapMaterial. Wrong KEK, ARN, material id or any tampering → 'KeyUnavailable'. */
export const unwrapMaterial = (kek: Uint8Array, wrapped: Uint8Array, binding: MaterialBinding): Uint8Array => {
  assertBytes('kek', kek, KEK_BYTES);
  assertBytes('wrapped', wrapped);
  return unwrap(kek, wrapped, materialAad(binding), { min: 1, max: MAX_MATERIAL_BYTES });
};
