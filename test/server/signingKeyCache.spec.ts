import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSigningKeyCache, deriveSigningKey } from '../../src/server/signingKeyCache.js';

describe('deriveSigningKey', () => {
  it('matches the worked example in the AWS General Reference ("Deriving the signing key")', () => {
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam');
    expect(key.toString('hex')).toBe('f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  });
});

describe('SigningKeyCache', () => {
  const secret = fc.string({ minLength: 1, maxLength: 40 });
  const date = fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));
  const region = fc.constantFrom('us-east-1', 'eu-west-1', 'ap-south-2', 'us-gov-east-1');

  it('returns the derived key for every (secret, date, region), hit or miss', () => {
    const cache = createSigningKeyCache(8);
    fc.assert(
      fc.property(secret, date, region, (s, d, r) => {
        const expected = deriveSigningKey(s, d, r, 'kms');
        expect(cache.get(s, d, r).equals(expected)).toBe(true);
        expect(cache.get(s, d, r).equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps dates, regions and secrets apart', () => {
    const cache = createSigningKeyCache(16);
    const a = cache.get('secret', '20260101', 'us-east-1');
    expect(cache.get('secret', '20260102', 'us-east-1').equals(a)).toBe(false);
    expect(cache.get('secret', '20260101', 'us-east-2').equals(a)).toBe(false);
    expect(cache.get('secret2', '20260101', 'us-east-1').equals(a)).toBe(false);
    expect(cache.size).toBe(4);
  });

  it('stays within its bound, evicting the least recently used entry', () => {
    const cache = createSigningKeyCache(2);
    const first = cache.get('s', '20260101', 'us-east-1');
    cache.get('s', '20260102', 'us-east-1');
    expect(cache.get('s', '20260101', 'us-east-1')).toBe(first); // hit: now most recent
    cache.get('s', '20260103', 'us-east-1'); // evicts 20260102
    expect(cache.size).toBe(2);
    expect(cache.get('s', '20260101', 'us-east-1')).toBe(first);
    for (let day = 10; day < 40; day++) cache.get('s', `202601${day}`, 'us-east-1');
    expect(cache.size).toBe(2);
  });

  it('refuses a nonsensical bound', () => {
    expect(() => createSigningKeyCache(0)).toThrow(RangeError);
  });
});
