// auditKey.ts: RFC 8032 §7.1 known answers, cross-checks against node:crypto's Ed25519 (OpenSSL)
// in both directions, strict verification, the wrapped form (round trip, binding, tampering,
// domain separation from KEKs) and the PEM export.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { gcm } from '@noble/ciphers/aes.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_KEY_VAULT_ID,
  AuditSigner,
  auditKeyId,
  encodeAuditPublicKey,
  generateAuditKey,
  parseAuditPublicKey,
  unwrapAuditKey,
  verifyAuditSignature,
} from '../../src/crypto/auditKey.js';
import { unwrapKek, wrapKek } from '../../src/crypto/keyWrap.js';
import { expectCryptoError, flipBit } from './helpers.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const root = (): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/** RFC 8032 §7.1, TEST 1–3. */
const rfc8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

const nodePublicKey = (raw: Uint8Array) => createPublicKey(encodeAuditPublicKey(raw));

/** A node:crypto private key from a raw seed (PKCS#8 for Ed25519, RFC 8410 §7). */
const nodePrivateKey = (seed: Uint8Array) =>
  createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });

describe('audit key: Ed25519', () => {
  it.each(rfc8032.map((v, i) => [i + 1, v] as const))('matches RFC 8032 §7.1 TEST %i', (_, v) => {
    const signer = new AuditSigner(hex(v.secret));
    expect(Buffer.from(signer.publicKey).toString('hex')).toBe(v.public);
    const signature = signer.sign(hex(v.message));
    expect(Buffer.from(signature).toString('hex')).toBe(v.signature);
    expect(verifyAuditSignature(signer.publicKey, hex(v.message), signature)).toBe(true);
    expect(nodeVerify(null, hex(v.message), nodePublicKey(signer.publicKey), signature)).toBe(true);
  });

  it('agrees with node:crypto both ways: our signatures verify there, theirs verify here (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, message) => {
        const signer = new AuditSigner(seed);
        const ours = signer.sign(message);
        expect(nodeVerify(null, message, nodePublicKey(signer.publicKey), ours)).toBe(true);
        const theirs = nodeSign(null, message, nodePrivateKey(seed));
        expect(Buffer.from(theirs)).toEqual(Buffer.from(ours)); // deterministic (RFC 8032 §5.1.6)
        expect(verifyAuditSignature(signer.publicKey, message, theirs)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('rejects any bit flip in the message or the signature (property)', () => {
    const signer = new AuditSigner(hex(rfc8032[2]?.secret ?? ''));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.nat(), (message, m, s) => {
        const signature = signer.sign(message);
        expect(verifyAuditSignature(signer.publicKey, flipBit(message, m), signature)).toBe(false);
        expect(verifyAuditSignature(signer.publicKey, message, flipBit(signature, s))).toBe(false);
      }),
    );
  });

  it('verifies strictly: a non-canonical S (S + L) is refused, as OpenSSL refuses it', () => {
    const v = rfc8032[0];
    const signature = hex(v?.signature ?? '');
    // L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1), little-endian S.
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt(`0x${Buffer.from(signature.subarray(32)).reverse().toString('hex')}`) + L;
    const malleated = Uint8Array.from(signature);
    malleated.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse(), 32);
    expect(verifyAuditSignature(hex(v?.public ?? ''), new Uint8Array(), malleated)).toBe(false);
    expect(nodeVerify(null, new Uint8Array(), nodePublicKey(hex(v?.public ?? '')), malleated)).toBe(false);
  });

  it('answers false, not an exception, for a signature of the wrong length or a key off the curve', () => {
    const signer = new AuditSigner(hex(rfc8032[0]?.secret ?? ''));
    expect(verifyAuditSignature(signer.publicKey, Uint8Array.of(1), new Uint8Array(63))).toBe(false);
    expect(verifyAuditSignature(new Uint8Array(32).fill(0xff), Uint8Array.of(1), signer.sign(Uint8Array.of(1)))).toBe(false);
  });

  it('refuses to sign after destroy', () => {
    const signer = new AuditSigner(hex(rfc8032[0]?.secret ?? ''));
    signer.destroy();
    expectCryptoError(() => signer.sign(Uint8Array.of(1)), 'KeyUnavailable');
  });
});

describe('audit key: wrapped under the root key', () => {
  it('round-trips, and the unwrapped signer signs as the original', () => {
    const { signer, wrapped } = generateAuditKey(root());
    expect(wrapped).toHaveLength(61);
    const again = unwrapAuditKey(root(), wrapped);
    expect(again.publicKey).toEqual(signer.publicKey);
    expect(again.sign(Uint8Array.of(7))).toEqual(signer.sign(Uint8Array.of(7)));
  });

  it('pins the format: version ‖ IV ‖ AES-256-GCM(seed) ‖ tag, AAD lp(label) ‖ lp(vault id)', () => {
    const { signer, wrapped } = generateAuditKey(root());
    const lp = (s: string): Buffer => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(Buffer.byteLength(s));
      return Buffer.concat([length, Buffer.from(s)]);
    };
    const aad = Buffer.concat([lp('keyledger/audit-key/v1'), lp(AUDIT_KEY_VAULT_ID)]);
    expect(wrapped[0]).toBe(1);
    const seed = gcm(root(), wrapped.subarray(1, 13), aad).decrypt(wrapped.subarray(13));
    expect(new AuditSigner(seed).publicKey).toEqual(signer.publicKey);
  });

  it('fails as KeyUnavailable under another root key, another vault id, or any bit flip', () => {
    const { wrapped } = generateAuditKey(root());
    const other = root().map((b) => b ^ 1);
    expectCryptoError(() => unwrapAuditKey(other, wrapped), 'KeyUnavailable');
    expectCryptoError(() => unwrapAuditKey(root(), wrapped, '$other'), 'KeyUnavailable');
    for (let bit = 0; bit < wrapped.length * 8; bit += 37) {
      expectCryptoError(() => unwrapAuditKey(root(), flipBit(wrapped, bit)), 'KeyUnavailable');
    }
    expectCryptoError(() => unwrapAuditKey(root(), wrapped.subarray(1)), 'KeyUnavailable');
  });

  it('is domain-separated from KEKs: neither unwraps as the other under the same id', () => {
    const { wrapped } = generateAuditKey(root());
    expectCryptoError(() => unwrapKek(root(), wrapped, AUDIT_KEY_VAULT_ID), 'KeyUnavailable');
    const kek = wrapKek(root(), new Uint8Array(32).fill(9), AUDIT_KEY_VAULT_ID);
    expectCryptoError(() => unwrapAuditKey(root(), kek), 'KeyUnavailable');
  });
});

describe('audit key: public key export', () => {
  it('writes PEM SubjectPublicKeyInfo that node:crypto (OpenSSL) reads as the same Ed25519 key', () => {
    const { signer } = generateAuditKey(root());
    const pem = encodeAuditPublicKey(signer.publicKey);
    const key = createPublicKey(pem);
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(Buffer.from(key.export({ format: 'jwk' }).x ?? '', 'base64url')).toEqual(Buffer.from(signer.publicKey));
    expect(parseAuditPublicKey(pem)).toEqual(signer.publicKey);
    expect(parseAuditPublicKey(Buffer.from(signer.publicKey).toString('base64'))).toEqual(signer.publicKey);
  });

  it('reads the PEM node:crypto writes', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
    expect(parseAuditPublicKey(publicKey.export({ format: 'pem', type: 'spki' }).toString())).toEqual(new Uint8Array(raw));
  });

  it('refuses what is not an Ed25519 public key', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const text of [ecPem, 'not base64!', Buffer.alloc(31).toString('base64'), '']) {
      expectCryptoError(() => parseAuditPublicKey(text), 'InvalidInput');
    }
  });

  it('names a key by the first 8 bytes of its SHA-256', () => {
    const raw = hex(rfc8032[0]?.public ?? '');
    expect(auditKeyId(raw)).toMatch(/^[0-9a-f]{16}$/);
    expect(auditKeyId(raw)).not.toBe(auditKeyId(hex(rfc8032[1]?.public ?? '')));
  });
});
