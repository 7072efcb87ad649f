// aead.ts: known-answer vectors (McGrew & Viega, "The Galois/Counter Mode of Operation",
// test cases 13–16, the AES-256 ones; RFC 5869 Appendix A.1–A.3), cross-checks against the
// independent @noble implementations, and input checks.

import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hkdfSha256, open, seal, sealInto } from '../../src/crypto/aead.js';
import { CryptoError } from '../../src/crypto/errors.js';
import { expectCryptoError, flipBit } from './helpers.js';

const h = hexToBytes;
const K0 = '00'.repeat(32);
const KF = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P64 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C64 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
const A20 = 'feedfacedeadbeeffeedfacedeadbeefabaddad2';

// McGrew & Viega, GCM spec (revised 2005), Appendix B. Cases 17 and 18 use 64- and 480-bit
// IVs, which aead.ts deliberately refuses (SP 800-38D §5.2.1.1); see the input-check tests.
const gcmVectors = [
  { name: 'Test Case 13', key: K0, iv: '00'.repeat(12), pt: '', aad: '', ct: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  {
    name: 'Test Case 14',
    key: K0,
    iv: '00'.repeat(12),
    pt: '00'.repeat(16),
    aad: '',
    ct: 'cea7403d4d606b6e074ec5d3baf39d18',
    tag: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  { name: 'Test Case 15', key: KF, iv: 'cafebabefacedbaddecaf888', pt: P64, aad: '', ct: C64, tag: 'b094dac5d93471bdec1a502270e3cc6c' },
  {
    name: 'Test Case 16 (60-byte plaintext, AAD)',
    key: KF,
    iv: 'cafebabefacedbaddecaf888',
    pt: P64.slice(0, 120),
    aad: A20,
    ct: C64.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
] as const;

// RFC 5869, Appendix A.1–A.3 (SHA-256).
const range = (from: number, to: number): string =>
  Array.from({ length: to - from + 1 }, (_, i) => (from + i).toString(16).padStart(2, '0')).join('');
const hkdfVectors = [
  {
    name: 'A.1 basic',
    ikm: '0b'.repeat(22),
    salt: '000102030405060708090a0b0c',
    info: 'f0f1f2f3f4f5f6f7f8f9',
    length: 42,
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: 'A.2 longer inputs and outputs',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
      '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
      'cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: 'A.3 zero-length salt and info',
    ikm: '0b'.repeat(22),
    salt: '',
    info: '',
    length: 42,
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
] as const;

const arbKey = fc.uint8Array({ minLength: 32, maxLength: 32 });
const arbIv = fc.uint8Array({ minLength: 12, maxLength: 12 });
const arbBytes = (maxLength: number) => fc.uint8Array({ maxLength });

describe('AES-256-GCM known answers (GCM spec, AES-256 cases)', () => {
  for (const v of gcmVectors) {
    it(`${v.name}: seal`, () => {
      const { ciphertext, tag } = seal(h(v.key), h(v.iv), h(v.pt), h(v.aad));
      expect(bytesToHex(ciphertext)).toBe(v.ct);
      expect(bytesToHex(tag)).toBe(v.tag);
    });
    it(`${v.name}: open`, () => {
      expect(bytesToHex(open(h(v.key), h(v.iv), h(v.ct), h(v.tag), h(v.aad)))).toBe(v.pt);
    });
    it(`${v.name}: the vector agrees with @noble/ciphers (transcription check)`, () => {
      expect(bytesToHex(gcm(h(v.key), h(v.iv), h(v.aad)).encrypt(h(v.pt)))).toBe(v.ct + v.tag);
    });
  }
});

describe('HKDF-SHA-256 known answers (RFC 5869 Appendix A)', () => {
  for (const v of hkdfVectors) {
    it(v.name, () => {
      expect(bytesToHex(hkdfSha256(h(v.ikm), h(v.salt), h(v.info), v.length))).toBe(v.okm);
      expect(bytesToHex(hkdf(sha256, h(v.ikm), h(v.salt), h(v.info), v.length))).toBe(v.okm);
    });
  }
});

describe('cross-checks against @noble', () => {
  it('seal equals @noble/ciphers gcm, and open inverts both', () =>
    fc.assert(
      fc.property(arbKey, arbIv, arbBytes(600), arbBytes(100), (key, iv, pt, aad) => {
        const { ciphertext, tag } = seal(key, iv, pt, aad);
        expect(bytesToHex(concatBytes(ciphertext, tag))).toBe(bytesToHex(gcm(key, iv, aad).encrypt(pt)));
        expect(bytesToHex(open(key, iv, ciphertext, tag, aad))).toBe(bytesToHex(pt));
      }),
      { numRuns: 200 },
    ));

  it('sealInto writes exactly @noble/ciphers gcm output at its offset, and nothing else', () =>
    fc.assert(
      fc.property(arbKey, arbIv, arbBytes(600), arbBytes(100), fc.nat(40), fc.nat(40), (key, iv, pt, aad, before, after) => {
        const out = new Uint8Array(before + pt.length + 16 + after).fill(0xa5);
        sealInto(key, iv, pt, aad, out, before);
        const expected = concatBytes(new Uint8Array(before).fill(0xa5), gcm(key, iv, aad).encrypt(pt), new Uint8Array(after).fill(0xa5));
        expect(bytesToHex(out)).toBe(bytesToHex(expected));
      }),
      { numRuns: 200 },
    ));

  it('sealInto refuses an output without room', () => {
    expectCryptoError(() => sealInto(new Uint8Array(32), new Uint8Array(12), new Uint8Array(10), new Uint8Array(0), new Uint8Array(30), 5), 'InvalidInput');
  });

  it('hkdfSha256 equals @noble/hashes hkdf', () =>
    fc.assert(
      fc.property(arbBytes(80), arbBytes(80), arbBytes(200), fc.integer({ min: 1, max: 255 * 32 }), (ikm, salt, info, len) => {
        expect(bytesToHex(hkdfSha256(ikm, salt, info, len))).toBe(bytesToHex(hkdf(sha256, ikm, salt, info, len)));
      }),
      { numRuns: 150 },
    ));

  it('returns plain, unshared Uint8Arrays', () => {
    const { ciphertext, tag } = seal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(5), new Uint8Array(0));
    for (const out of [ciphertext, tag, open(new Uint8Array(32), new Uint8Array(12), ciphertext, tag, new Uint8Array(0))]) {
      expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
      expect(out.byteOffset).toBe(0);
      expect(out.buffer.byteLength).toBe(out.length);
    }
  });
});

describe('authentication failures are InvalidCiphertext, without detail', () => {
  it('any bit flip in ciphertext, tag or AAD, or a different key or IV, fails', () =>
    fc.assert(
      fc.property(arbKey, arbIv, fc.uint8Array({ minLength: 1, maxLength: 200 }), arbBytes(50), fc.nat(), (key, iv, pt, aad, r) => {
        const { ciphertext, tag } = seal(key, iv, pt, aad);
        const where = r % 5;
        const bit = r >>> 3;
        const attempt = (): Uint8Array =>
          where === 0
            ? open(key, iv, flipBit(ciphertext, bit), tag, aad)
            : where === 1
              ? open(key, iv, ciphertext, flipBit(tag, bit), aad)
              : where === 2
                ? open(key, iv, ciphertext, tag, aad.length > 0 ? flipBit(aad, bit) : new Uint8Array([0]))
                : where === 3
                  ? open(flipBit(key, bit), iv, ciphertext, tag, aad)
                  : open(key, flipBit(iv, bit), ciphertext, tag, aad);
        expectCryptoError(attempt, 'InvalidCiphertext');
      }),
      { numRuns: 300 },
    ));

  it('refuses truncated tags instead of verifying a prefix (Ferguson 2005)', () => {
    const key = new Uint8Array(32);
    const iv = new Uint8Array(12);
    const { ciphertext, tag } = seal(key, iv, new Uint8Array(16), new Uint8Array(0));
    for (const n of [0, 4, 8, 12, 15]) expectCryptoError(() => open(key, iv, ciphertext, tag.subarray(0, n), new Uint8Array(0)), 'InvalidCiphertext');
    expectCryptoError(() => open(key, iv, ciphertext, concatBytes(tag, new Uint8Array(1)), new Uint8Array(0)), 'InvalidCiphertext');
  });

  it('the message names no check', () => {
    const { ciphertext, tag } = seal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(3), new Uint8Array(0));
    const e = expectCryptoError(() => open(new Uint8Array(32), new Uint8Array(12), ciphertext, flipBit(tag, 0), new Uint8Array(0)), 'InvalidCiphertext');
    expect(e.message).toBe('The ciphertext is invalid');
  });
});

describe('input checks (InvalidInput, precise messages)', () => {
  const z = (n: number) => new Uint8Array(n);
  it.each([
    ['key', () => seal(z(31), z(12), z(1), z(0)), '"key" expected 32 bytes, got 31'],
    ['key (AES-128 size)', () => seal(z(16), z(12), z(1), z(0)), '"key" expected 32 bytes, got 16'],
    ['iv (GCM spec case 17, 64-bit)', () => seal(z(32), z(8), z(1), z(0)), '"iv" expected 12 bytes, got 8'],
    ['iv (GCM spec case 18, 480-bit)', () => seal(z(32), z(60), z(1), z(0)), '"iv" expected 12 bytes, got 60'],
    ['open key', () => open(z(33), z(12), z(1), z(16), z(0)), '"key" expected 32 bytes, got 33'],
    ['plaintext type', () => seal(z(32), z(12), 'hello' as unknown as Uint8Array, z(0)), '"plaintext" expected Uint8Array, got string'],
    ['aad type', () => seal(z(32), z(12), z(1), [1, 2] as unknown as Uint8Array), '"aad" expected Uint8Array, got array'],
    ['hkdf length 0', () => hkdfSha256(z(32), z(32), z(0), 0), '"length" expected an integer in 1..8160, got 0'],
    ['hkdf length too long', () => hkdfSha256(z(32), z(32), z(0), 8161), '"length" expected an integer in 1..8160, got 8161'],
    ['hkdf info too long', () => hkdfSha256(z(32), z(32), z(1025), 32), '"info" expected 0..1024 bytes, got 1025'],
  ])('%s', (_, call, message) => {
    const e = expectCryptoError(call, 'InvalidInput');
    expect(e.message).toBe(message);
  });

  it('CryptoError is an Error', () => {
    expect(expectCryptoError(() => seal(z(1), z(12), z(1), z(0)), 'InvalidInput')).toBeInstanceOf(Error);
    expect(new CryptoError('KeyUnavailable', 'x').name).toBe('CryptoError');
  });
});
