import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAuthorization } from '../../src/server/authorizationHeader.js';
import { fail, ok, wireError } from '../../src/server/wireError.js';

/** The straightforward parser (AWS's tokenization, step by step) that the fast one must agree with. */
const reference = (header: string, hasDateHeader: boolean) => {
  const incomplete = (message: string) => fail(wireError('IncompleteSignatureException', message));
  const tokens = header.split(/[\s,]+/).filter((t) => t.length > 0);
  const [algorithm = '', ...rest] = tokens;
  const params = new Map<string, string>();
  for (const token of rest) {
    const eq = token.indexOf('=');
    if (eq < 0) return incomplete(`'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);
    const key = token.slice(0, eq);
    if (params.has(key)) return incomplete(`'${key}' appears more than once in Authorization header: '${header}'.`);
    params.set(key, token.slice(eq + 1));
  }
  const problems = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !params.get(name)).map((name) => `Authorization header requires '${name}' parameter.`);
  if (!hasDateHeader) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0) return incomplete(`${problems.join(' ')} Authorization=${header}`);
  if (algorithm !== 'AWS4-HMAC-SHA256') return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'`);
  const credentialText = params.get('Credential') ?? '';
  const parts = credentialText.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || accessKeyId === undefined || date === undefined || region === undefined || service === undefined || terminator === undefined) {
    return incomplete(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credentialText}'`);
  }
  const signedHeaders = [...new Set((params.get('SignedHeaders') ?? '').split(';').map((h) => h.toLowerCase()))].sort();
  if (signedHeaders.some((h) => h.length === 0)) {
    return incomplete(`SignedHeaders must be a semicolon-separated list of header names, got '${params.get('SignedHeaders') ?? ''}'`);
  }
  if (!signedHeaders.includes('host')) return incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (!signedHeaders.includes('x-amz-date')) return incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
  return ok({ credential: { accessKeyId, date, region, service, terminator }, signedHeaders, signature: params.get('Signature') ?? '' });
};

const SIGNATURE = 'f'.repeat(64);
const SDK_HEADER =
  'AWS4-HMAC-SHA256 Credential=AKIAKEYLEDGERTEST01/20260101/us-east-1/kms/aws4_request, ' +
  `SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target;x-amz-user-agent, Signature=${SIGNATURE}`;

// Pieces that stress the tokenizer: every separator AWS splits on (Unicode whitespace too),
// odd casing, empty parts, duplicates, '=' inside values, non-ASCII.
const separator = fc.constantFrom(', ', ',', ' ', '  ', ',,', ' , ', '\t', '\n', '\u00a0', ', \u2028', '\ufeff', '');
const algorithm = fc.constantFrom('AWS4-HMAC-SHA256', 'aws4-hmac-sha256', 'AWS4-HMAC-SHA1', '', 'Credential=x');
const key = fc.constantFrom('Credential', 'SignedHeaders', 'Signature', 'credential', 'Signed Headers', 'X', '');
const credential = fc.oneof(
  fc.constantFrom('AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request', 'AKID/20260101/us-east-1/kms', 'a/b/c/d/e/f', '////', '/////', 'A=B/1/2/3/4', 'AKID/2026/É/kms/aws4_request', ''),
  fc.array(fc.constantFrom('AKID', '20260101', 'us-east-1', 'kms', 'aws4_request', '', 'x=y', 'É'), { maxLength: 7 }).map((p) => p.join('/')),
);
const signedHeaders = fc.oneof(
  fc.constantFrom('host;x-amz-date', 'content-type;host;x-amz-date', 'Host;X-Amz-Date', 'x-amz-date;host', 'host;host;x-amz-date', 'host;;x-amz-date', ';host;x-amz-date', 'host', 'x-amz-date', 'hoSt;x-amz-date', 'host;x-amz-date;ǅ', ''),
  fc.array(fc.constantFrom('host', 'x-amz-date', 'Host', 'content-type', 'x-amz-target', '', 'a=b', 'é', 'K'), { maxLength: 6 }).map((h) => h.join(';')),
);
const value = fc.oneof(credential, signedHeaders, fc.constantFrom(SIGNATURE, 'abc', '=', 'x=y', ''), fc.string({ maxLength: 8 }));
const param = fc.tuple(key, fc.constantFrom('=', '= ', '==', ''), value).map(([k, eq, v]) => `${k}${eq}${v}`);
const structured = fc
  .tuple(fc.constantFrom('', ' ', ','), algorithm, fc.array(fc.tuple(separator, param), { maxLength: 5 }), fc.constantFrom('', ' ', ','))
  .map(([lead, alg, params, trail]) => lead + alg + params.map(([s, p]) => s + p).join('') + trail);
const wellFormed = fc
  .tuple(credential, signedHeaders, fc.constantFrom(SIGNATURE, 'abc', 'x=y'))
  .map(([c, h, s]) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${s}`);
/** An SDK header with a few characters inserted, replaced or removed anywhere. */
const mutated = fc
  .array(fc.tuple(fc.nat(), fc.constantFrom(' ', ',', '=', '/', ';', 'A', '\t', '\u3000', ''), fc.boolean()), { minLength: 1, maxLength: 3 })
  .map((edits) =>
    edits.reduce((h, [at, c, replace]) => {
      const i = at % (h.length + 1);
      return h.slice(0, i) + c + h.slice(replace ? i + 1 : i);
    }, SDK_HEADER),
  );
const anyHeader = fc.oneof(structured, wellFormed, mutated, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 30 }));

describe('parseAuthorization', () => {
  it('reads the header the SDKs send', () => {
    const parsed = parseAuthorization(SDK_HEADER, true);
    expect(parsed).toEqual(reference(SDK_HEADER, true));
    expect(parsed.ok && parsed.value.credential.region).toBe('us-east-1');
  });

  it('agrees with the straightforward parser on any header, errors and their messages included (property)', () => {
    fc.assert(
      fc.property(anyHeader, fc.boolean(), (header, hasDate) => {
        expect(parseAuthorization(header, hasDate)).toEqual(reference(header, hasDate));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on every error case the reference has', () => {
    const cases = [
      'AWS4-HMAC-SHA256 Credential= AKID/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, Credential=a/b/c/d/e, SignedHeaders=host;x-amz-date, Signature=abc',
      'AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date',
      'AWS4-HMAC-SHA1 Credential=a/b/c/d/e, SignedHeaders=host;x-amz-date, Signature=abc',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d, SignedHeaders=host;x-amz-date, Signature=abc',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host;;x-amz-date, Signature=abc',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=x-amz-date, Signature=abc',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=abc',
      'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=X-Amz-Date;Host;host, Signature=abc',
      '',
    ];
    const codes = new Set<string>();
    for (const header of cases) {
      for (const hasDate of [true, false]) {
        const expected = reference(header, hasDate);
        expect(parseAuthorization(header, hasDate)).toEqual(expected);
        if (!expected.ok) codes.add(expected.error.message.slice(0, 24));
      }
    }
    expect(codes.size).toBeGreaterThanOrEqual(8);
  });
});
