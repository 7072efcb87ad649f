// random.ts and the public surface in index.ts.

import { describe, expect, it } from 'vitest';
import * as crypto from '../../src/crypto/index.js';
import { randomBytes, randomUuid } from '../../src/crypto/random.js';
import { expectCryptoError } from './helpers.js';

describe('randomBytes', () => {
  it('returns n fresh bytes in a plain, unshared Uint8Array', () => {
    for (const n of [0, 1, 12, 32, 1024, 65_536]) {
      const b = randomBytes(n);
      expect(b).toHaveLength(n);
      expect(Object.getPrototypeOf(b)).toBe(Uint8Array.prototype);
      expect(b.buffer.byteLength).toBe(n);
    }
    expect(Buffer.from(randomBytes(32)).equals(Buffer.from(randomBytes(32)))).toBe(false);
  });

  it.each([
    [-1, '"n" expected an integer in 0..65536, got -1'],
    [1.5, '"n" expected an integer in 0..65536, got 1.5'],
    [65_537, '"n" expected an integer in 0..65536, got 65537'],
    [Number.NaN, '"n" expected an integer in 0..65536, got NaN'],
  ])('refuses %s', (n, message) => {
    expect(expectCryptoError(() => randomBytes(n), 'InvalidInput').message).toBe(message);
  });
});

describe('the public surface', () => {
  it('exports exactly these names (encryptSymmetricWithNonces stays internal)', () => {
    expect(Object.keys(crypto).sort()).toEqual(
      [
        'AES_256_KEY_BYTES',
        'CryptoError',
        'GCM_IV_BYTES',
        'GCM_TAG_BYTES',
        'INVALID_CIPHERTEXT_MESSAGE',
        'KEK_BYTES',
        'KEY_UNAVAILABLE_MESSAGE',
        'MATERIAL_ID_BYTES',
        'MAX_KEY_ID_BYTES',
        'MAX_MATERIAL_BYTES',
        'MAX_RANDOM_BYTES',
        'MAX_SYMMETRIC_PLAINTEXT_BYTES',
        'MIN_SYMMETRIC_PLAINTEXT_BYTES',
        'ROOT_KEY_BYTES',
        'ROOT_KEY_ENV',
        'SYMMETRIC_MATERIAL_BYTES',
        'assertEncryptionContext',
        'decryptSymmetric',
        'digestOfEncodedContext',
        'encodeEncryptionContext',
        'encryptSymmetric',
        'encryptionContextDigest',
        'envelopeOverhead',
        'generateKek',
        'hkdfSha256',
        'isCryptoError',
        'isMaterialId',
        'keyUnavailable',
        'loadOrCreateRootKey',
        'newKeyMaterial',
        'newMaterialId',
        'open',
        'parseEnvelope',
        'parseRootKey',
        'randomBytes',
        'seal',
        'unwrapKek',
        'unwrapMaterial',
        'wrapKek',
        'wrapMaterial',
      ].sort(),
    );
  });

  it('pins the persisted constants', () => {
    expect(crypto.INVALID_CIPHERTEXT_MESSAGE).toBe('The ciphertext is invalid');
    expect(crypto.ROOT_KEY_ENV).toBe('KEYLEDGER_ROOT_KEY');
    expect(crypto.envelopeOverhead(36)).toBe(131);
    expect(crypto.isCryptoError(new crypto.CryptoError('InvalidCiphertext', 'x'))).toBe(true);
    expect(crypto.isCryptoError(new Error('x'))).toBe(false);
  });
});

describe('randomUuid', () => {
  it('is a version 4 UUID (RFC 9562 §5.4), lowercase, fresh each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const id = randomUuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(5_000);
  });

  it('draws every random digit from the whole range', () => {
    // 4,000 ids: each of the 30 fully random positions sees all 16 digits (a miss has odds ~1e-110).
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 4_000; i++) [...randomUuid()].forEach((c, at) => digits[at]?.add(c));
    const random = [...Array(36).keys()].filter((at) => ![8, 13, 14, 18, 19, 23].includes(at));
    for (const at of random) expect(digits[at]?.size).toBe(16);
    expect([...(digits[19] ?? [])].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});
