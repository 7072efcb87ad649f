// encryptionContext.ts: the canonical encoding is pinned byte for byte, decodes back to the
// same context (so it is injective), ignores insertion order, and refuses what UTF-8 cannot carry.

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EncryptionContext, encodeEncryptionContext, encryptionContextDigest } from '../../src/crypto/encryptionContext.js';
import { arbContext, expectCryptoError } from './helpers.js';

const hex = (ctx?: EncryptionContext) => bytesToHex(encodeEncryptionContext(ctx));

/** An independent decoder of the documented layout; throws on any leftover or missing byte. */
const decode = (bytes: Uint8Array): Map<string, string> => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const td = new TextDecoder('utf-8', { fatal: true });
  let at = 0;
  const u32 = () => {
    const n = view.getUint32(at, false);
    at += 4;
    return n;
  };
  const str = () => {
    const n = u32();
    if (at + n > bytes.length) throw new Error('overrun');
    const s = td.decode(bytes.subarray(at, at + n));
    at += n;
    return s;
  };
  const out = new Map<string, string>();
  const count = u32();
  for (let i = 0; i < count; i++) {
    const k = str();
    if (out.has(k)) throw new Error('duplicate key');
    out.set(k, str());
  }
  if (at !== bytes.length) throw new Error('trailing bytes');
  return out;
};

// Any Unicode code point (astral included), and the printable range for denser collisions.
const arbUnicodeContext = fc.dictionary(fc.string({ unit: 'binary', maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 10 }), {
  maxKeys: 6,
});
const arbAnyContext = fc.oneof(arbContext, arbUnicodeContext);

describe('golden encodings', () => {
  it('absent and empty contexts are four zero bytes', () => {
    expect(hex(undefined)).toBe('00000000');
    expect(hex({})).toBe('00000000');
  });

  it('pins the layout: count, then (len key, key, len value, value) sorted by key bytes', () => {
    expect(hex({ b: '2', a: '1', é: 'x' })).toBe(
      '00000003' + '00000001' + '61' + '00000001' + '31' + '00000001' + '62' + '00000001' + '32' + '00000002' + 'c3a9' + '00000001' + '78',
    );
  });

  it('sorts by UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FF61 is EF BD A1 in UTF-8 and FF61 in UTF-16; U+1F600 is F0 9F 98 80 and D83D DE00.
    // UTF-16 order would put the emoji first; UTF-8 byte order puts U+FF61 first.
    expect(hex({ '\u{1F600}': '', '\uFF61': '' })).toBe('00000002' + '00000003efbda1' + '00000000' + '00000004f09f9880' + '00000000');
  });

  it('pins the digest of a context', () => {
    expect(encryptionContextDigest({ Department: 'Finance', Project: 'Alpha' })).toBe(
      bytesToHex(sha256(encodeEncryptionContext({ Project: 'Alpha', Department: 'Finance' }))),
    );
    expect(encryptionContextDigest(undefined)).toBe('df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119'); // SHA-256(00000000)
  });
});

describe('the encoding is canonical and injective', () => {
  it('{"ab":"c"} and {"a":"bc"} differ (the emulators\' collision)', () => {
    expect(hex({ ab: 'c' })).not.toBe(hex({ a: 'bc' }));
    expect(hex({ a: 'b', c: 'd' })).not.toBe(hex({ a: 'bcd' }));
    expect(hex({ '': 'ab' })).not.toBe(hex({ ab: '' }));
  });

  it('decodes back to the same context (hence distinct contexts never encode alike)', () =>
    fc.assert(
      fc.property(arbAnyContext, (ctx) => {
        expect(decode(encodeEncryptionContext(ctx))).toStrictEqual(new Map(Object.entries(ctx)));
      }),
      { numRuns: 300 },
    ));

  it('any re-split of the same characters between key and value encodes differently', () =>
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.nat(), fc.nat(), (s, i, j) => {
        const cps = [...s];
        const a = i % (cps.length + 1);
        const b = j % (cps.length + 1);
        const left = { [cps.slice(0, a).join('')]: cps.slice(a).join('') };
        const right = { [cps.slice(0, b).join('')]: cps.slice(b).join('') };
        expect(hex(left) === hex(right)).toBe(a === b);
      }),
      { numRuns: 200 },
    ));

  it('swapping a key and its value changes the encoding unless they are equal', () =>
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (k, v) => {
        expect(hex({ [k]: v }) === hex({ [v]: k })).toBe(k === v);
      }),
      { numRuns: 200 },
    ));

  it('two random contexts encode alike exactly when they are equal', () =>
    fc.assert(
      fc.property(arbAnyContext, arbAnyContext, (x, y) => {
        const same = Object.keys(x).length === Object.keys(y).length && Object.entries(x).every(([k, v]) => Object.hasOwn(y, k) && y[k] === v);
        expect(hex(x) === hex(y)).toBe(same);
        expect(encryptionContextDigest(x) === encryptionContextDigest(y)).toBe(same);
      }),
      { numRuns: 300 },
    ));

  it('is independent of insertion order', () =>
    fc.assert(
      fc.property(arbAnyContext, fc.nat(), (ctx, seed) => {
        const entries = Object.entries(ctx);
        const shuffled = entries
          .map((e, i) => [((i + 1) * 2654435761 + seed) % 4294967296, e] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, e]) => e);
        const reversed = Object.fromEntries([...entries].reverse());
        expect(hex(Object.fromEntries(shuffled))).toBe(hex(ctx));
        expect(hex(reversed)).toBe(hex(ctx));
      }),
      { numRuns: 200 },
    ));

  it('accepts null-prototype objects', () => {
    const ctx = Object.assign(Object.create(null) as Record<string, string>, { k: 'v' });
    expect(hex(ctx)).toBe(hex({ k: 'v' }));
  });

  it('handles keys like __proto__ as ordinary keys (JSON.parse makes them own properties)', () => {
    const ctx = JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, string>;
    expect(decode(encodeEncryptionContext(ctx))).toStrictEqual(new Map([['__proto__', 'x'], ['constructor', 'y']]));
    expect(hex(ctx)).not.toBe(hex({}));
  });
});

describe('input checks', () => {
  it.each([
    ['a lone high surrogate key', { '\uD800': 'x' }],
    ['a lone low surrogate value', { k: 'a\uDC00b' }],
    ['a reversed surrogate pair', { k: '\uDE00\uD83D' }],
  ])('refuses %s (TextEncoder would turn it into U+FFFD)', (_, ctx) => {
    const e = expectCryptoError(() => encodeEncryptionContext(ctx), 'InvalidInput');
    expect(e.message).toBe('"context" contains an unpaired UTF-16 surrogate');
  });

  it.each([
    ['a number value', { k: 1 }, '"context" values must be strings, got number'],
    ['null', null, '"context" expected an object of string values, got null'],
    ['an array', ['a'], '"context" expected an object of string values, got array'],
    ['a string', 'k=v', '"context" expected an object of string values, got string'],
    ['a symbol key', { [Symbol('s')]: 'v' }, '"context" must not have symbol keys'],
    ['a Map (would otherwise encode as the empty context)', new Map([['k', 'v']]), '"context" expected a plain object, got Map'],
  ])('refuses %s without echoing it', (_, ctx, message) => {
    const e = expectCryptoError(() => encodeEncryptionContext(ctx as unknown as EncryptionContext), 'InvalidInput');
    expect(e.message).toBe(message);
  });
});

describe('digestOfEncodedContext', () => {
  it('equals encryptionContextDigest over the same context', async () => {
    const { digestOfEncodedContext, encodeEncryptionContext, encryptionContextDigest } = await import('../../src/crypto/index.js');
    const ctx = { tenant: 't1', 'ab': 'c' };
    expect(digestOfEncodedContext(encodeEncryptionContext(ctx))).toBe(encryptionContextDigest(ctx));
  });
});
