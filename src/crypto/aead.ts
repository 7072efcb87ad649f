// AES-256-GCM (NIST SP 800-38D) and HKDF-SHA-256 (RFC 5869) over node:crypto (OpenSSL, with
// AES-NI / PCLMULQDQ on the hot path). Cross-checked in test/crypto against @noble/ciphers and
// @noble/hashes, and against the GCM spec's and RFC 5869's known-answer vectors.
//
// Only the profile keyledger needs is exposed, on purpose:
// - 256-bit keys only.
// - 96-bit IVs only: SP 800-38D §5.2.1.1 recommends 96-bit IVs "to promote interoperability,
//   efficiency, and simplicity of design"; other lengths go through GHASH (§7.1 step 2) and the
//   random-IV bound of §8.3 is stated for 96-bit IVs.
// - 128-bit tags only: §5.2.1.2 allows truncation to 32..128 bits; OpenSSL would accept a
//   short tag at decryption unless told otherwise, which lets a forger choose the tag length
//   (Ferguson, "Authentication weaknesses in GCM", 2005). We pin authTagLength: 16.

import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';
import { assertBytes, assertBytesIn, assertInteger, toUint8Array } from './bytes.js';
import { invalidCiphertext, invalidInput } from './errors.js';

export const AES_256_KEY_BYTES = 32;
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

/**
 * SP 800-38D §5.2.1.1: len(P) ≤ 2^39 − 256 bits. Far beyond anything we encrypt; the bound we
 * actually enforce is a sanity limit on a single in-memory message.
 */
export const MAX_AEAD_PLAINTEXT_BYTES = 1 << 24;

/** node:crypto's HKDF refuses `info` longer than 1024 bytes; checked here for a clearer message. */
export const MAX_HKDF_INFO_BYTES = 1024;

/** RFC 5869 §2.3: L ≤ 255·HashLen. */
export const MAX_HKDF_SHA256_LENGTH = 255 * 32;

export interface Sealed {
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

/**
 * GCM-AE_K(IV, P, A) → (C, T) (SP 800-38D §7.1). The caller owns IV uniqueness: under one key
 * an IV must never repeat (§8), or both confidentiality and authenticity are lost.
 */
export const seal = (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed => {
  assertBytes('key', key, AES_256_KEY_BYTES);
  assertBytes('iv', iv, GCM_IV_BYTES);
  assertBytesIn('plaintext', plaintext, 0, MAX_AEAD_PLAINTEXT_BYTES);
  assertBytes('aad', aad);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final(); // always empty for GCM (a stream mode), kept for correctness
  const ciphertext = new Uint8Array(head.length + tail.length);
  ciphertext.set(head, 0);
  ciphertext.set(tail, head.length);
  return { ciphertext, tag: toUint8Array(cipher.getAuthTag()) };
};

/**
 * `seal` writing C ‖ T into `out` at `offset` instead of returning new arrays: the envelope
 * allocates its blob once and the ciphertext lands in it (Encrypt's hot path). `out` must have
 * room for len(P) + 16 bytes from `offset`.
 */
export const sealInto = (key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, aad: Uint8Array, out: Uint8Array, offset: number): void => {
  assertBytes('key', key, AES_256_KEY_BYTES);
  assertBytes('iv', iv, GCM_IV_BYTES);
  assertBytesIn('plaintext', plaintext, 0, MAX_AEAD_PLAINTEXT_BYTES);
  assertBytes('aad', aad);
  assertBytes('out', out);
  if (!Number.isSafeInteger(offset) || offset < 0 || out.length - offset < plaintext.length + GCM_TAG_BYTES) {
    throw invalidInput(`"out" has no room for ${plaintext.length + GCM_TAG_BYTES} bytes at ${offset}`);
  }
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  out.set(head, offset);
  const tail = cipher.final(); // always empty for GCM (a stream mode), kept for correctness
  out.set(tail, offset + head.length);
  out.set(cipher.getAuthTag(), offset + head.length + tail.length);
};

/**
 * GCM-AD_K(IV, C, A, T) → P or FAIL (SP 800-38D §7.2). FAIL becomes CryptoError
 * 'InvalidCiphertext' with no detail. A tag of the wrong length is the ciphertext's fault (it
 * comes from parsed, untrusted bytes), so it fails the same way rather than as InvalidInput.
 * No plaintext is released before the tag verifies: OpenSSL's update() output is held back,
 * and zeroed if final() rejects the tag.
 */
export const open = (
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad: Uint8Array,
): Uint8Array => {
  assertBytes('key', key, AES_256_KEY_BYTES);
  assertBytes('iv', iv, GCM_IV_BYTES);
  assertBytesIn('ciphertext', ciphertext, 0, MAX_AEAD_PLAINTEXT_BYTES);
  assertBytes('tag', tag);
  assertBytes('aad', aad);
  if (tag.length !== GCM_TAG_BYTES) throw invalidCiphertext();
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(tag);
  decipher.setAAD(aad);
  const head = decipher.update(ciphertext);
  try {
    decipher.final(); // verifies the tag in constant time (CRYPTO_memcmp)
  } catch {
    head.fill(0);
    throw invalidCiphertext();
  }
  const plaintext = toUint8Array(head);
  head.fill(0);
  return plaintext;
};

/**
 * HKDF-SHA-256 (RFC 5869 §2.2 extract, §2.3 expand). Returns a fresh Uint8Array the caller may
 * (and, for keys, should) zero after use. An empty salt means HashLen zero bytes (§2.2).
 */
export const hkdfSha256 = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array => {
  assertBytes('ikm', ikm);
  assertBytes('salt', salt);
  assertBytesIn('info', info, 0, MAX_HKDF_INFO_BYTES);
  assertInteger('length', length, 1, MAX_HKDF_SHA256_LENGTH);
  // Two createHmac calls per block rather than hkdfSync, which builds KeyObjects on every call
  // and costs twice as much on the Encrypt hot path; the RFC 5869 vectors and the noble
  // cross-check pin the result.
  const prk = createHmac('sha256', salt.length === 0 ? ZERO_SALT : salt).update(ikm).digest(); // §2.2 extract
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let block = 1, offset = 0; offset < length; block++) {
    // §2.3 expand: T(i) = HMAC-Hash(PRK, T(i-1) | info | i)
    previous = createHmac('sha256', prk).update(previous).update(info).update(Uint8Array.of(block)).digest();
    out.set(previous.subarray(0, Math.min(previous.length, length - offset)), offset);
    offset += previous.length;
  }
  prk.fill(0);
  previous.fill(0);
  return out;
};

const ZERO_SALT = new Uint8Array(32);
