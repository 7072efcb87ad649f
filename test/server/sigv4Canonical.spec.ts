import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalHeaderValue, canonicalQuery, canonicalRequest, canonicalUri, headersFromRaw } from '../../src/server/sigv4Canonical.js';

// The definitions as the AWS General Reference states them, built the plain way.
const referenceValue = (values: readonly string[]): string => values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',');
const referenceRequest = (method: string, path: string, query: string, raw: string[], signed: string[], payloadHash: string): string | undefined => {
  const headers = headersFromRaw(raw);
  const q = canonicalQuery(query);
  if (q === undefined) return undefined;
  const lines: string[] = [];
  for (const name of signed) {
    const values = headers.get(name);
    if (values === undefined) return undefined;
    lines.push(`${name}:${referenceValue(values)}\n`);
  }
  return [method, canonicalUri(path), q, lines.join(''), signed.join(';'), payloadHash].join('\n');
};

const spaces = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', ' \t ');
const headerValue = fc
  .array(fc.oneof(fc.string({ maxLength: 6 }), spaces, fc.constantFrom('attempt=1;', 'max=3', 'TrentService.Encrypt')), { maxLength: 6 })
  .map((parts) => parts.join(''));

/** The plain reading of rawHeaders: a Map of lowercased names to every value in arrival order. */
const referenceHeaders = (raw: readonly string[]): Map<string, string[]> => {
  const headers = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const values = headers.get(name);
    if (values) values.push(raw[i + 1] ?? '');
    else headers.set(name, [raw[i + 1] ?? '']);
  }
  return headers;
};

describe('headersFromRaw', () => {
  it('answers like a Map of lowercased names to their values in arrival order (property)', () => {
    const name = fc.oneof(fc.constantFrom('Host', 'host', 'HOST', 'X-Amz-Date', 'x-amz-date', 'User-Agent', '__proto__', 'constructor', 'İ', ''), fc.string({ maxLength: 5 }));
    fc.assert(
      // Up to 48 pairs: past 32 distinct names the list switches to a Map index.
      fc.property(fc.array(fc.tuple(name, fc.string({ maxLength: 5 })), { maxLength: 48 }), fc.boolean(), name, (pairs, odd, probe) => {
        const raw = pairs.flat();
        if (odd) raw.push('dangling');
        const headers = headersFromRaw(raw);
        const expected = referenceHeaders(raw);
        expect(new Map(headers)).toEqual(expected);
        expect([...headers.keys()]).toEqual([...expected.keys()]);
        expect(headers.size).toBe(expected.size);
        for (const n of [probe, probe.toLowerCase(), ...expected.keys()]) {
          expect(headers.get(n)).toEqual(expected.get(n));
          expect(headers.has(n)).toBe(expected.has(n));
        }
        const seen: [string, readonly string[]][] = [];
        headers.forEach((values, n) => seen.push([n, values]));
        expect(seen).toEqual([...expected.entries()]);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('canonical request pieces', () => {
  it('canonicalHeaderValue trims, collapses whitespace runs to one space and joins with commas (property)', () => {
    fc.assert(
      fc.property(fc.array(headerValue, { minLength: 1, maxLength: 3 }), (values) => {
        expect(canonicalHeaderValue(values)).toBe(referenceValue(values));
      }),
      { numRuns: 5_000 },
    );
  });

  it('canonicalRequest is the six lines of the reference, whatever the path, query and headers (property)', () => {
    const name = fc.constantFrom('host', 'x-amz-date', 'content-type', 'x-amz-target', 'absent');
    fc.assert(
      fc.property(
        fc.constantFrom('POST', 'GET'),
        fc.constantFrom('/', '', '//', '/a/./b/../c', '/keyledger/v1/keys/arn%3Aaws', '/a b/'),
        fc.constantFrom('', 'a=1', 'b=2&a=1', 'x', '%zz', '=&&='),
        fc.array(fc.tuple(name, headerValue), { maxLength: 6 }),
        fc.uniqueArray(name, { maxLength: 4 }).map((names) => names.sort()),
        (method, path, query, pairs, signed) => {
          const raw = pairs.flat();
          const headers = headersFromRaw(raw);
          expect(canonicalRequest({ method, path, query, headers, signedHeaders: signed, payloadHash: 'e3b0' })).toBe(
            referenceRequest(method, path, query, raw, signed, 'e3b0'),
          );
        },
      ),
      { numRuns: 3_000 },
    );
  });
});
