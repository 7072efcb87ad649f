// envelope.ts: the symmetric ciphertext blob. Round trips, tamper and truncation rejection,
// binding to context and material, a byte-exact golden blob, and an independent implementation of
// the documented layout with @noble/ciphers + @noble/hashes that must agree in both directions.

import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EncryptionContext } from '../../src/crypto/encryptionContext.js';
import { decryptSymmetric, encryptSymmetric, encryptSymmetricWithNonces, parseEnvelope } from '../../src/crypto/envelope.js';
import { newKeyMaterial } from '../../src/crypto/keyWrap.js';
import { arbContext, arbKeyId, arbMaterial, arbMaterialId, expectCryptoError, flipBit } from './helpers.js';

// ---- an independent implementation of the documented format, on @noble ----------------------

const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
const lp = (b: Uint8Array): Uint8Array => concatBytes(u32(b.length), b);

const nobleContext = (ctx: EncryptionContext = {}): Uint8Array => {
  const entries = Object.entries(ctx)
    .map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const)
    .sort((a, b) => Buffer.compare(a[0], b[0]));
  return concatBytes(u32(entries.length), ...entries.flatMap(([k, v]) => [lp(k), lp(v)]));
};

const nobleDataKey = (material: Uint8Array, salt: Uint8Array, keyId: Uint8Array, materialId: Uint8Array): Uint8Array =>
  hkdf(sha256, material, salt, concatBytes(lp(utf8ToBytes('keyledger/symmetric/v1')), lp(keyId), lp(materialId)), 32);

const nobleDecrypt = (blob: Uint8Array, material: Uint8Array, ctx?: EncryptionContext) => {
  if (blob[0] !== 0x4b || blob[1] !== 0x01) throw new Error('bad magic/version');
  const n = blob[2] as number;
  let at = 3;
  const take = (len: number) => blob.subarray(at, (at += len));
  const keyId = take(n);
  const materialId = take(32);
  const salt = take(32);
  const iv = take(12);
  const header = blob.subarray(0, at);
  const body = blob.subarray(at); // ciphertext ‖ tag, as noble's gcm expects
  const plaintext = gcm(nobleDataKey(material, salt, keyId, materialId), iv, concatBytes(header, nobleContext(ctx))).decrypt(body);
  return { keyId: new TextDecoder().decode(keyId), materialId: bytesToHex(materialId), plaintext };
};

const nobleEncrypt = (keyId: string, materialId: string, material: Uint8Array, salt: Uint8Array, iv: Uint8Array, pt: Uint8Array, ctx?: EncryptionContext) => {
  const id = utf8ToBytes(keyId);
  const mid = hexToBytes(materialId);
  const header = concatBytes(Uint8Array.of(0x4b, 0x01, id.length), id, mid, salt, iv);
  return concatBytes(header, gcm(nobleDataKey(material, salt, id, mid), iv, concatBytes(header, nobleContext(ctx))).encrypt(pt));
};

// ---- fixtures -------------------------------------------------------------------------------

const seq = (from: number, len: number) => Uint8Array.from({ length: len }, (_, i) => (from + i) & 0xff);
const GOLDEN = {
  keyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
  materialId: bytesToHex(seq(0xa0, 32)),
  material: seq(0x00, 32),
  salt: seq(0x40, 32),
  iv: seq(0x60, 12),
  plaintext: utf8ToBytes('Hello, keyledger!'),
  context: { tenant: 'ünïcode ✓', purpose: 'golden' } as EncryptionContext,
};
const GOLDEN_BLOB =
  '4b01' + // magic 'K', version 1
  '24' + // key id length 36
  '31323334616263642d313261622d333463642d353665662d313233343536373839306162' + // key id
  'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf' + // material id
  '404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f' + // salt
  '606162636465666768696a6b' + // iv
  '987f89efba1c6c63d6c93284efe7f6ca0a' + // ciphertext (17 bytes)
  '0c45e9b7b29478088da47a5721465659'; // tag

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const fixture = () => {
  const { material, materialId } = newKeyMaterial();
  return { keyId: KEY_ID, material, materialId };
};

// ---- tests --------------------------------------------------------------------------------------

describe('golden blob (any change to the format must fail here)', () => {
  const { salt, iv, ...input } = GOLDEN;
  it('encryptSymmetricWithNonces produces the pinned bytes', () => {
    expect(bytesToHex(encryptSymmetricWithNonces(input, { salt, iv }))).toBe(GOLDEN_BLOB);
  });
  it('the independent @noble implementation produces the same pinned bytes', () => {
    expect(bytesToHex(nobleEncrypt(input.keyId, input.materialId, input.material, salt, iv, input.plaintext, input.context))).toBe(GOLDEN_BLOB);
  });
  it('decryptSymmetric and parseEnvelope read the pinned bytes', () => {
    const blob = hexToBytes(GOLDEN_BLOB);
    expect(decryptSymmetric({ blob, material: input.material, context: { purpose: 'golden', tenant: 'ünïcode ✓' } })).toEqual(input.plaintext);
    const env = parseEnvelope(blob);
    expect(env.keyId).toBe(input.keyId);
    expect(env.materialId).toBe(input.materialId);
    expect(env.version).toBe(1);
    expect(bytesToHex(env.salt)).toBe(bytesToHex(salt));
    expect(bytesToHex(env.iv)).toBe(bytesToHex(iv));
    expect(env.header.length).toBe(79 + 36);
    expect(env.ciphertext.length).toBe(input.plaintext.length);
    expect(env.tag.length).toBe(16);
  });
});

describe('round trips', () => {
  it('decrypt(encrypt(x, ctx), ctx) = x for 1..4096-byte plaintexts and Unicode contexts', () =>
    fc.assert(
      fc.property(arbKeyId, arbMaterialId, arbMaterial, fc.uint8Array({ minLength: 1, maxLength: 4096 }), arbContext, (keyId, materialId, material, plaintext, context) => {
        const blob = encryptSymmetric({ keyId, materialId, material, plaintext, context });
        expect(blob.length).toBe(95 + keyId.length + plaintext.length);
        expect(blob.length).toBeLessThanOrEqual(6144);
        expect(decryptSymmetric({ blob, material, context })).toEqual(plaintext);
        const env = parseEnvelope(blob);
        expect([env.keyId, env.materialId]).toEqual([keyId, materialId]);
      }),
      { numRuns: 200 },
    ));

  it('the independent @noble implementation decrypts what encryptSymmetric produces', () =>
    fc.assert(
      fc.property(arbKeyId, arbMaterialId, arbMaterial, fc.uint8Array({ minLength: 1, maxLength: 300 }), arbContext, (keyId, materialId, material, plaintext, context) => {
        const blob = encryptSymmetric({ keyId, materialId, material, plaintext, context });
        expect(nobleDecrypt(blob, material, context)).toEqual({ keyId, materialId, plaintext });
      }),
      { numRuns: 150 },
    ));

  it('decryptSymmetric decrypts what the independent @noble implementation produces', () =>
    fc.assert(
      fc.property(arbKeyId, arbMaterialId, arbMaterial, fc.uint8Array({ minLength: 1, maxLength: 300 }), arbContext, (keyId, materialId, material, plaintext, context) => {
        const blob = nobleEncrypt(keyId, materialId, material, seq(1, 32), seq(2, 12), plaintext, context);
        expect(decryptSymmetric({ blob, material, context })).toEqual(plaintext);
      }),
      { numRuns: 100 },
    ));

  it('an absent context equals the empty context', () => {
    const f = fixture();
    const plaintext = utf8ToBytes('x');
    expect(decryptSymmetric({ blob: encryptSymmetric({ ...f, plaintext }), material: f.material, context: {} })).toEqual(plaintext);
    expect(decryptSymmetric({ blob: encryptSymmetric({ ...f, plaintext, context: {} }), material: f.material })).toEqual(plaintext);
  });

  it('encrypting twice gives different blobs (fresh salt and IV) and leaves inputs untouched', () => {
    const f = fixture();
    const materialBefore = bytesToHex(f.material);
    const plaintext = seq(7, 64);
    const a = encryptSymmetric({ ...f, plaintext });
    const b = encryptSymmetric({ ...f, plaintext });
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
    expect(bytesToHex(parseEnvelope(a).salt)).not.toBe(bytesToHex(parseEnvelope(b).salt));
    expect(bytesToHex(f.material)).toBe(materialBefore);
    expect(plaintext).toEqual(seq(7, 64));
  });

  it('accepts the size limits: 1 and 65536 bytes; 4096 bytes fit AWS\'s 6144-byte blob', () => {
    const f = fixture();
    for (const n of [1, 4096, 65_536]) {
      const plaintext = seq(n, n);
      const blob = encryptSymmetric({ ...f, plaintext });
      expect(decryptSymmetric({ blob, material: f.material })).toEqual(plaintext);
      if (n === 4096) expect(blob.length).toBe(4096 + 95 + 36);
    }
  });
});

describe('every failure is InvalidCiphertext, with one message', () => {
  const f = fixture();
  const context = { purpose: 'test', 'ü': 'é' };
  const blob = encryptSymmetric({ ...f, plaintext: seq(0, 20), context });

  it('every single-bit flip anywhere in a blob (exhaustive)', () => {
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const e = expectCryptoError(() => decryptSymmetric({ blob: flipBit(blob, bit), material: f.material, context }), 'InvalidCiphertext');
      expect(e.message).toBe('The ciphertext is invalid');
    }
  });

  it('any single-bit flip in random blobs (property)', () =>
    fc.assert(
      fc.property(arbKeyId, arbMaterial, fc.uint8Array({ minLength: 1, maxLength: 512 }), arbContext, fc.nat(), (keyId, material, plaintext, ctx, bit) => {
        const b = encryptSymmetric({ keyId, materialId: f.materialId, material, plaintext, context: ctx });
        expectCryptoError(() => decryptSymmetric({ blob: flipBit(b, bit), material, context: ctx }), 'InvalidCiphertext');
      }),
      { numRuns: 300 },
    ));

  it('every truncation, and any appended bytes', () => {
    for (let n = 0; n < blob.length; n++)
      expectCryptoError(() => decryptSymmetric({ blob: blob.subarray(0, n), material: f.material, context }), 'InvalidCiphertext');
    for (const extra of [1, 16, 100])
      expectCryptoError(() => decryptSymmetric({ blob: concatBytes(blob, new Uint8Array(extra)), material: f.material, context }), 'InvalidCiphertext');
  });

  it('a wrong context or wrong material', () =>
    fc.assert(
      fc.property(arbContext, arbContext, arbMaterial, (ctx, other, wrongMaterial) => {
        const b = encryptSymmetric({ ...f, plaintext: seq(3, 10), context: ctx });
        if (bytesToHex(nobleContext(ctx)) !== bytesToHex(nobleContext(other)))
          expectCryptoError(() => decryptSymmetric({ blob: b, material: f.material, context: other }), 'InvalidCiphertext');
        expectCryptoError(() => decryptSymmetric({ blob: b, material: wrongMaterial, context: ctx }), 'InvalidCiphertext');
      }),
      { numRuns: 200 },
    ));

  it('the emulators\' context collision does not decrypt: {"ab":"c"} vs {"a":"bc"}', () => {
    const b = encryptSymmetric({ ...f, plaintext: seq(3, 10), context: { ab: 'c' } });
    expectCryptoError(() => decryptSymmetric({ blob: b, material: f.material, context: { a: 'bc' } }), 'InvalidCiphertext');
    expectCryptoError(() => decryptSymmetric({ blob: b, material: f.material, context: { c: 'ab' } }), 'InvalidCiphertext');
    expectCryptoError(() => decryptSymmetric({ blob: b, material: f.material }), 'InvalidCiphertext');
  });

  it('a blob re-labelled with another key id or material id (header rewritten consistently)', () => {
    const other = { ...f, keyId: 'mrk-0123456789abcdef0123456789abcdef', materialId: 'ff'.repeat(32) };
    const env = parseEnvelope(blob);
    const relabelled = concatBytes(
      Uint8Array.of(0x4b, 0x01, other.keyId.length),
      utf8ToBytes(other.keyId),
      hexToBytes(other.materialId),
      env.salt,
      env.iv,
      env.ciphertext,
      env.tag,
    );
    expect(parseEnvelope(relabelled).keyId).toBe(other.keyId);
    expectCryptoError(() => decryptSymmetric({ blob: relabelled, material: f.material, context }), 'InvalidCiphertext');
  });

  it('random bytes, and structurally malformed headers, fail parseEnvelope', () => {
    const header = (n: number, id: Uint8Array) => concatBytes(Uint8Array.of(0x4b, 0x01, n), id, new Uint8Array(32 + 32 + 12 + 1 + 16));
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      Uint8Array.of(0x4b),
      Uint8Array.of(0x4b, 0x01),
      concatBytes(Uint8Array.of(0x4a), blob.subarray(1)), // magic
      concatBytes(Uint8Array.of(0x4b, 0x02), blob.subarray(2)), // version
      header(0, new Uint8Array(0)), // empty key id
      header(65, new Uint8Array(65).fill(0x61)), // key id too long
      header(3, utf8ToBytes('a:b')), // not in [A-Za-z0-9_-]: no ARNs
      header(2, Uint8Array.of(0xc3, 0xa9)), // non-ASCII
      concatBytes(blob.subarray(0, 3 + 36 + 32 + 32 + 12), new Uint8Array(16)), // empty ciphertext
      concatBytes(blob.subarray(0, 3 + 36 + 32 + 32 + 12), new Uint8Array(65_537 + 16)), // ciphertext too long
    ];
    for (const c of cases) expectCryptoError(() => parseEnvelope(c), 'InvalidCiphertext');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (junk) => {
        expectCryptoError(() => decryptSymmetric({ blob: junk, material: f.material }), 'InvalidCiphertext');
      }),
      { numRuns: 200 },
    );
  });
});

describe('use after zeroization fails closed', () => {
  it('refuses all-zero material (a key zeroed while still in use) as KeyUnavailable', () => {
    const f = fixture();
    const blob = encryptSymmetric({ ...f, plaintext: seq(0, 8) });
    f.material.fill(0);
    expectCryptoError(() => encryptSymmetric({ ...f, plaintext: seq(0, 8) }), 'KeyUnavailable');
    expectCryptoError(() => decryptSymmetric({ blob, material: f.material }), 'KeyUnavailable');
    // A malformed blob is still the caller's InvalidCiphertext, whatever the material.
    expectCryptoError(() => decryptSymmetric({ blob: blob.subarray(1), material: f.material }), 'InvalidCiphertext');
  });
});

describe('input checks (InvalidInput, precise messages)', () => {
  const f = fixture();
  const plaintext = seq(0, 4);
  it.each([
    ['keyId: an ARN is refused', () => encryptSymmetric({ ...f, keyId: `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`, plaintext }), '"keyId" expected 1..64 characters of [A-Za-z0-9_-]'],
    ['keyId: empty', () => encryptSymmetric({ ...f, keyId: '', plaintext }), '"keyId" expected 1..64 characters of [A-Za-z0-9_-]'],
    ['keyId: 65 characters', () => encryptSymmetric({ ...f, keyId: 'a'.repeat(65), plaintext }), '"keyId" expected 1..64 characters of [A-Za-z0-9_-]'],
    ['materialId', () => encryptSymmetric({ ...f, materialId: 'xyz', plaintext }), '"materialId" expected 64 lowercase hex characters'],
    ['material length', () => encryptSymmetric({ ...f, material: new Uint8Array(31), plaintext }), '"material" expected 32 bytes, got 31'],
    ['empty plaintext', () => encryptSymmetric({ ...f, plaintext: new Uint8Array(0) }), '"plaintext" expected 1..65536 bytes, got 0'],
    ['plaintext too long', () => encryptSymmetric({ ...f, plaintext: new Uint8Array(65_537) }), '"plaintext" expected 1..65536 bytes, got 65537'],
    ['salt length', () => encryptSymmetricWithNonces({ ...f, plaintext }, { salt: new Uint8Array(16), iv: new Uint8Array(12) }), '"salt" expected 32 bytes, got 16'],
    ['iv length', () => encryptSymmetricWithNonces({ ...f, plaintext }, { salt: new Uint8Array(32), iv: new Uint8Array(16) }), '"iv" expected 12 bytes, got 16'],
    ['decrypt material length', () => decryptSymmetric({ blob: new Uint8Array(200), material: new Uint8Array(16) }), '"material" expected 32 bytes, got 16'],
    ['decrypt blob type', () => decryptSymmetric({ blob: 'AQID' as unknown as Uint8Array, material: f.material }), '"blob" expected Uint8Array, got string'],
  ])('%s', (_, call, message) => {
    expect(expectCryptoError(call, 'InvalidInput').message).toBe(message);
  });
});
