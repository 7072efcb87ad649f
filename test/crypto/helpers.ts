// Shared test helpers for test/crypto.

import fc from 'fast-check';
import { expect } from 'vitest';
import { CryptoError, type CryptoErrorKind } from '../../src/crypto/errors.js';

/** Runs `f`, asserts it throws a CryptoError of `kind`, and returns the error. */
export const expectCryptoError = (f: () => unknown, kind: CryptoErrorKind): CryptoError => {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a CryptoError to be thrown').toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).kind).toBe(kind);
  return thrown as CryptoError;
};

/** A copy of `bytes` with bit `bit mod (8·len)` flipped. */
export const flipBit = (bytes: Uint8Array, bit: number): Uint8Array => {
  const out = Uint8Array.from(bytes);
  const i = bit % (out.length * 8);
  out[i >>> 3] = (out[i >>> 3] as number) ^ (1 << (i & 7));
  return out;
};

/** Encryption contexts with arbitrary (well-formed) Unicode keys and values, including empty. */
export const arbContext = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }), {
  maxKeys: 6,
});

export const arbKeyId = fc.oneof(
  fc.uuid(),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => `mrk-${Buffer.from(b).toString('hex')}`),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
);

export const arbMaterialId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

export const arbMaterial = fc.uint8Array({ minLength: 32, maxLength: 32 });
