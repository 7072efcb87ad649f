// keyWrap.ts: round trips, binding to kekId / keyArn / materialId, tamper detection, domain
// separation, an independent unwrap with @noble/ciphers that pins the documented format, and
// crypto-shredding.

import { gcm } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateKek,
  isMaterialId,
  newKeyMaterial,
  newMaterialId,
  unwrapKek,
  unwrapMaterial,
  wrapKek,
  wrapMaterial,
} from '../../src/crypto/keyWrap.js';
import { arbMaterialId, expectCryptoError, flipBit } from './helpers.js';

const arbKey32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const arbArn = fc.oneof(
  fc.uuid().map((id) => `arn:aws:kms:eu-west-1:111122223333:key/${id}`),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
);
const arbKekId = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 });

const lp = (b: Uint8Array): Uint8Array => {
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, b.length, false);
  return concatBytes(len, b);
};

/** The documented format, unwrapped with @noble/ciphers: 0x01 ‖ iv(12) ‖ ct ‖ tag(16). */
const nobleUnwrap = (key: Uint8Array, wrapped: Uint8Array, aad: Uint8Array): Uint8Array => {
  expect(wrapped[0]).toBe(0x01);
  return gcm(key, wrapped.subarray(1, 13), aad).decrypt(wrapped.subarray(13));
};

const ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('KEK wrapping under the root key', () => {
  it('round-trips, and the format is 0x01 ‖ iv ‖ ct ‖ tag with AAD lp("keyledger/kek/v1") ‖ lp(kekId)', () =>
    fc.assert(
      fc.property(arbKey32, arbKey32, arbKekId, (root, kek, kekId) => {
        const wrapped = wrapKek(root, kek, kekId);
        expect(wrapped.length).toBe(1 + 12 + 32 + 16);
        expect(bytesToHex(unwrapKek(root, wrapped, kekId))).toBe(bytesToHex(kek));
        const aad = concatBytes(lp(utf8ToBytes('keyledger/kek/v1')), lp(utf8ToBytes(kekId)));
        expect(bytesToHex(nobleUnwrap(root, wrapped, aad))).toBe(bytesToHex(kek));
      }),
      { numRuns: 100 },
    ));

  it('uses a fresh IV each time', () => {
    const root = generateKek();
    const kek = generateKek();
    expect(bytesToHex(wrapKek(root, kek, 'k'))).not.toBe(bytesToHex(wrapKek(root, kek, 'k')));
  });

  it('fails as KeyUnavailable under a wrong root key, a wrong kekId, or any altered bit', () =>
    fc.assert(
      fc.property(arbKey32, arbKey32, arbKekId, arbKekId, fc.nat(), (root, kek, kekId, otherId, bit) => {
        const wrapped = wrapKek(root, kek, kekId);
        expectCryptoError(() => unwrapKek(flipBit(root, bit), wrapped, kekId), 'KeyUnavailable');
        expectCryptoError(() => unwrapKek(root, flipBit(wrapped, bit), kekId), 'KeyUnavailable');
        if (otherId !== kekId) expectCryptoError(() => unwrapKek(root, wrapped, otherId), 'KeyUnavailable');
      }),
      { numRuns: 150 },
    ));

  it('fails as KeyUnavailable when truncated or extended', () => {
    const root = generateKek();
    const wrapped = wrapKek(root, generateKek(), 'kek-1');
    for (let n = 0; n < wrapped.length; n++) expectCryptoError(() => unwrapKek(root, wrapped.subarray(0, n), 'kek-1'), 'KeyUnavailable');
    expectCryptoError(() => unwrapKek(root, concatBytes(wrapped, new Uint8Array(1)), 'kek-1'), 'KeyUnavailable');
  });
});

describe('material wrapping under the KEK', () => {
  it('round-trips any material size, with AAD lp("keyledger/material/v1") ‖ lp(keyArn) ‖ lp(materialId bytes)', () =>
    fc.assert(
      fc.property(arbKey32, fc.uint8Array({ minLength: 1, maxLength: 600 }), arbArn, arbMaterialId, (kek, material, keyArn, materialId) => {
        const wrapped = wrapMaterial(kek, material, { keyArn, materialId });
        expect(wrapped.length).toBe(1 + 12 + material.length + 16);
        expect(bytesToHex(unwrapMaterial(kek, wrapped, { keyArn, materialId }))).toBe(bytesToHex(material));
        const aad = concatBytes(lp(utf8ToBytes('keyledger/material/v1')), lp(utf8ToBytes(keyArn)), lp(hexToBytes(materialId)));
        expect(bytesToHex(nobleUnwrap(kek, wrapped, aad))).toBe(bytesToHex(material));
      }),
      { numRuns: 100 },
    ));

  it('fails as KeyUnavailable under a wrong KEK, keyArn or materialId, or any altered bit', () =>
    fc.assert(
      fc.property(arbKey32, arbArn, arbArn, arbMaterialId, arbMaterialId, fc.nat(), (kek, keyArn, otherArn, materialId, otherId, bit) => {
        const material = generateKek();
        const wrapped = wrapMaterial(kek, material, { keyArn, materialId });
        expectCryptoError(() => unwrapMaterial(flipBit(kek, bit), wrapped, { keyArn, materialId }), 'KeyUnavailable');
        expectCryptoError(() => unwrapMaterial(kek, flipBit(wrapped, bit), { keyArn, materialId }), 'KeyUnavailable');
        if (otherArn !== keyArn) expectCryptoError(() => unwrapMaterial(kek, wrapped, { keyArn: otherArn, materialId }), 'KeyUnavailable');
        if (otherId !== materialId) expectCryptoError(() => unwrapMaterial(kek, wrapped, { keyArn, materialId: otherId }), 'KeyUnavailable');
      }),
      { numRuns: 150 },
    ));

  it('a wrapped KEK never unwraps as material, nor material as a KEK (distinct labels)', () => {
    const key = generateKek();
    const materialId = newMaterialId();
    const wrappedKek = wrapKek(key, generateKek(), ARN);
    expectCryptoError(() => unwrapMaterial(key, wrappedKek, { keyArn: ARN, materialId }), 'KeyUnavailable');
    const wrappedMaterial = wrapMaterial(key, generateKek(), { keyArn: ARN, materialId });
    expectCryptoError(() => unwrapKek(key, wrappedMaterial, ARN), 'KeyUnavailable');
  });

  it('crypto-shredding: with the KEK destroyed, the root key and the log cannot recover the material', () => {
    const root = generateKek();
    let kek: Uint8Array | undefined = generateKek();
    const wrappedKek = wrapKek(root, kek, ARN); // in the vault
    const { material, materialId } = newKeyMaterial();
    const wrappedMaterial = wrapMaterial(kek, material, { keyArn: ARN, materialId }); // in the log
    expect(bytesToHex(unwrapMaterial(unwrapKek(root, wrappedKek, ARN), wrappedMaterial, { keyArn: ARN, materialId }))).toBe(
      bytesToHex(material),
    );
    kek.fill(0); // the vault destroys the wrapped KEK; nothing else ever held it
    kek = undefined;
    expectCryptoError(() => unwrapMaterial(root, wrappedMaterial, { keyArn: ARN, materialId }), 'KeyUnavailable');
    expectCryptoError(() => unwrapMaterial(generateKek(), wrappedMaterial, { keyArn: ARN, materialId }), 'KeyUnavailable');
    expectCryptoError(() => unwrapMaterial(new Uint8Array(32), wrappedMaterial, { keyArn: ARN, materialId }), 'KeyUnavailable');
  });
});

describe('use after zeroization fails closed', () => {
  it('refuses to wrap or unwrap under an all-zero key (one zeroed while still in use)', () => {
    const materialId = newMaterialId();
    const z = new Uint8Array(32);
    expect(expectCryptoError(() => wrapKek(z, generateKek(), ARN), 'KeyUnavailable').message).toBe('The key material is unavailable');
    expectCryptoError(() => wrapMaterial(z, generateKek(), { keyArn: ARN, materialId }), 'KeyUnavailable');
    const kek = generateKek();
    const wrapped = wrapMaterial(kek, generateKek(), { keyArn: ARN, materialId });
    kek.fill(0);
    expectCryptoError(() => unwrapMaterial(kek, wrapped, { keyArn: ARN, materialId }), 'KeyUnavailable');
  });
});

describe('generation', () => {
  it('generateKek returns distinct 32-byte keys', () => {
    const keks = Array.from({ length: 64 }, generateKek);
    for (const k of keks) expect(k.length).toBe(32);
    expect(new Set(keks.map(bytesToHex)).size).toBe(64);
  });

  it('newKeyMaterial returns 32 bytes and a 64-hex id that is not derived from the material', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const { material, materialId } = newKeyMaterial();
      expect(material.length).toBe(32);
      expect(materialId).toMatch(/^[0-9a-f]{64}$/);
      expect(isMaterialId(materialId)).toBe(true);
      expect(materialId).not.toBe(bytesToHex(material));
      expect(materialId).not.toBe(bytesToHex(sha256(material)));
      seen.add(materialId);
    }
    expect(seen.size).toBe(64);
  });

  it('isMaterialId accepts only 64 lowercase hex characters', () => {
    expect(isMaterialId('a'.repeat(64))).toBe(true);
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), `${'a'.repeat(63)}g`, '', 42]) expect(isMaterialId(bad)).toBe(false);
  });
});

describe('input checks (InvalidInput, precise messages)', () => {
  const z = (n: number) => new Uint8Array(n);
  const materialId = 'ab'.repeat(32);
  it.each([
    ['root length', () => wrapKek(z(31), z(32), 'k'), '"root" expected 32 bytes, got 31'],
    ['kek length', () => wrapKek(z(32), z(16), 'k'), '"kek" expected 32 bytes, got 16'],
    ['empty kekId', () => wrapKek(z(32), z(32), ''), '"kekId" must not be empty'],
    ['kekId type', () => unwrapKek(z(32), z(61), 7 as unknown as string), '"kekId" expected string, got number'],
    ['material kek length', () => wrapMaterial(z(33), z(32), { keyArn: ARN, materialId }), '"kek" expected 32 bytes, got 33'],
    ['empty material', () => wrapMaterial(z(32), z(0), { keyArn: ARN, materialId }), '"material" expected 1..16384 bytes, got 0'],
    ['empty keyArn', () => wrapMaterial(z(32), z(32), { keyArn: '', materialId }), '"keyArn" must not be empty'],
    ['bad materialId', () => wrapMaterial(z(32), z(32), { keyArn: ARN, materialId: 'AB'.repeat(32) }), '"materialId" expected 64 lowercase hex characters'],
    ['wrapped type', () => unwrapMaterial(z(32), 'x' as unknown as Uint8Array, { keyArn: ARN, materialId }), '"wrapped" expected Uint8Array, got string'],
  ])('%s', (_, call, message) => {
    expect(expectCryptoError(call, 'InvalidInput').message).toBe(message);
  });
});
