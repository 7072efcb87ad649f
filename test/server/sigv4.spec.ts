import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Credential,
  INVALID_TOKEN,
  MAX_CLOCK_SKEW_MS,
  SIGNATURE_MISMATCH,
  type SignedRequest,
  createSigV4Authenticator,
  formatAmzDate,
  parseAmzDate,
  verifySigV4,
} from '../../src/server/sigv4.js';
import { canonicalQuery, headersFromRaw } from '../../src/server/sigv4Canonical.js';
import { TEST_PRINCIPAL, asSignedRequest, signGetRequest, signKmsRequest } from './support/signing.js';

const T0 = new Date('2026-01-01T00:05:00Z');
const principal: Credential = TEST_PRINCIPAL;
const lookup = (id: string): Credential | undefined => (id === TEST_PRINCIPAL.accessKeyId ? principal : undefined);
const verify = (req: SignedRequest, now = T0) => verifySigV4(req, { now, lookup });

const withHeader = (req: SignedRequest, name: string, values: readonly string[] | undefined): SignedRequest => {
  const headers = new Map(req.headers);
  if (values === undefined) headers.delete(name);
  else headers.set(name, values);
  return { ...req, headers };
};
const header = (req: SignedRequest, name: string): string => req.headers.get(name)?.[0] ?? '';
const errorOf = (r: ReturnType<typeof verify>) => (r.ok ? undefined : { type: r.error.type, message: r.error.message, status: r.error.status });

describe('verifySigV4 against the AWS SDK signer (@smithy/signature-v4)', () => {
  it('accepts a request the SDK signed and names who sent it', async () => {
    const req = asSignedRequest(await signKmsRequest({ date: T0, body: '{"KeyId":"alias/x","Plaintext":"aGk="}' }));
    expect(verify(req)).toEqual({
      ok: true,
      value: { accessKeyId: TEST_PRINCIPAL.accessKeyId, principalArn: TEST_PRINCIPAL.principalArn, account: '111122223333', region: 'us-east-1' },
    });
  });

  it('accepts any body, target, region and payload-hash header the SDK signs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('TrentService.Encrypt', 'TrentService.ListKeys', 'TrentService.X'),
        fc.constantFrom('us-east-1', 'eu-west-2', 'ap-southeast-2', 'us-gov-west-1'),
        fc.boolean(),
        fc.integer({ min: -MAX_CLOCK_SKEW_MS, max: MAX_CLOCK_SKEW_MS }),
        async (body, target, region, applyChecksum, skew) => {
          const signed = await signKmsRequest({ date: T0, body, target, region, applyChecksum });
          const result = verify(asSignedRequest(signed), new Date(T0.getTime() + skew));
          expect(result.ok && result.value.region).toBe(region);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('ignores unsigned headers and normalizes whitespace in signed header values', async () => {
    const req = asSignedRequest(await signKmsRequest({ date: T0 }));
    const padded = withHeader(withHeader(req, 'x-amz-target', ['   TrentService.Encrypt  ']), 'user-agent', ['curl/8']);
    expect(verify(padded).ok).toBe(true);
  });

  type Tamper = { name: string; apply: (r: SignedRequest) => SignedRequest; type: string; message?: string };
  const tampers: Tamper[] = [
    { name: 'body', apply: (r) => ({ ...r, body: Buffer.concat([r.body, Buffer.from(' ')]) }), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'target', apply: (r) => withHeader(r, 'x-amz-target', ['TrentService.Decrypt']), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'content-type', apply: (r) => withHeader(r, 'content-type', ['application/json']), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'host', apply: (r) => withHeader(r, 'host', ['evil.example']), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'signed header removed', apply: (r) => withHeader(r, 'content-type', undefined), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'method', apply: (r) => ({ ...r, method: 'PUT' }), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'path', apply: (r) => ({ ...r, path: '/x' }), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    { name: 'query', apply: (r) => ({ ...r, query: 'a=b' }), type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH },
    {
      name: 'date, same day',
      apply: (r) => withHeader(r, 'x-amz-date', [formatAmzDate(new Date(T0.getTime() + 1000))]),
      type: 'InvalidSignatureException',
      message: SIGNATURE_MISMATCH,
    },
    {
      name: 'signature',
      apply: (r) => withHeader(r, 'authorization', [header(r, 'authorization').replace(/Signature=(.)/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`)]),
      type: 'InvalidSignatureException',
      message: SIGNATURE_MISMATCH,
    },
    { name: 'session token', apply: (r) => withHeader(r, 'x-amz-security-token', ['FQoG']), type: 'UnrecognizedClientException', message: INVALID_TOKEN },
  ];

  it.each(tampers)('rejects a changed $name', async ({ apply, type, message }) => {
    const req = asSignedRequest(await signKmsRequest({ date: T0, body: '{"KeyId":"k"}' }));
    expect(errorOf(verify(apply(req)))).toEqual({ type, message, status: 400 });
  });

  it('rejects any single tampering of a random request (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...tampers), async (body, tamper) => {
        const req = asSignedRequest(await signKmsRequest({ date: T0, body }));
        expect(errorOf(verify(tamper.apply(req)))?.type).toBe(tamper.type);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a wrong secret and an unknown access key', async () => {
    const wrong = asSignedRequest(await signKmsRequest({ date: T0, secretAccessKey: 'x'.repeat(40) }));
    expect(errorOf(verify(wrong))).toEqual({ type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH, status: 400 });
    const unknown = asSignedRequest(await signKmsRequest({ date: T0, accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }));
    expect(errorOf(verify(unknown))).toEqual({ type: 'UnrecognizedClientException', message: INVALID_TOKEN, status: 400 });
  });

  it('checks x-amz-content-sha256 against the body it received', async () => {
    const req = asSignedRequest(await signKmsRequest({ date: T0, body: '{}', applyChecksum: true }));
    expect(errorOf(verify({ ...req, body: Buffer.from('{ }') }))).toEqual({
      type: 'InvalidSignatureException',
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      status: 400,
    });
  });
});

describe('GET requests with a path and a query string (the admin API), against the SDK signer', () => {
  const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  /** What the HTTP handler hands the verifier for a request target as received. */
  const received = (signed: { headers: Record<string, string>; target: string }): SignedRequest => {
    const q = signed.target.indexOf('?');
    return {
      method: 'GET',
      path: q < 0 ? signed.target : signed.target.slice(0, q),
      query: q < 0 ? '' : signed.target.slice(q + 1),
      headers: headersFromRaw(Object.entries(signed.headers).flat()),
      body: new Uint8Array(0),
    };
  };
  const signGet = (path: string, query: Record<string, string> = {}) => signGetRequest({ path, query, date: T0, host: 'kms.local' });

  it('accepts an encoded ARN in the path and a query whose values need encoding', async () => {
    const path = `/keyledger/v1/keys/${encodeURIComponent(KEY_ARN)}/history`;
    const req = received(await signGet(path, { at: '2026-01-01T12:00:00+01:00', limit: '5', principal: "arn:aws:iam::111122223333:user/o'brien" }));
    expect(req.query).toContain('at=2026-01-01T12%3A00%3A00%2B01%3A00');
    expect(verify(req).ok).toBe(true);
  });

  it('canonicalizes every query parameter as sent, `__proto__` and `constructor` included', () => {
    expect(canonicalQuery('constructor=2&__proto__=1&a=%7e&b')).toBe('__proto__=1&a=~&b=&constructor=2');
  });

  it('accepts any query the SDK signs, in any order on the wire (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Not `__proto__`: @smithy/signature-v4 collects the query in a plain object, where that
        // name sets the prototype instead of a member, so it signs a query without it (found by
        // this property, seed 2100983865). keyledger canonicalizes the query as it came.
        fc.dictionary(
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((name) => name !== '__proto__'),
          fc.string({ unit: 'grapheme', maxLength: 30 }),
          { maxKeys: 5 },
        ),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        fc.boolean(),
        async (query, segment, reverse) => {
          const signed = await signGet(`/keyledger/v1/aliases/${encodeURIComponent(segment)}`, query);
          const req = received(signed);
          const reordered = reverse ? { ...req, query: req.query.split('&').reverse().join('&') } : req;
          expect(verify(reordered).ok).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it.each([
    ['a changed query value', (r: SignedRequest) => ({ ...r, query: r.query.replace('limit=5', 'limit=6') })],
    ['an added parameter', (r: SignedRequest) => ({ ...r, query: `${r.query}&operation=Decrypt` })],
    ['a dropped parameter', (r: SignedRequest) => ({ ...r, query: r.query.split('&').slice(1).join('&') })],
    ['another key in the path', (r: SignedRequest) => ({ ...r, path: r.path.replace('1234abcd', '0000abcd') })],
    ['another endpoint', (r: SignedRequest) => ({ ...r, path: '/keyledger/v1/verify' })],
    ['another method', (r: SignedRequest) => ({ ...r, method: 'POST' })],
  ])('refuses %s', async (_what, tamper) => {
    const req = received(await signGet(`/keyledger/v1/keys/${encodeURIComponent(KEY_ARN)}/history`, { at: '2026-01-01T00:00:00Z', limit: '5' }));
    expect(errorOf(verify(tamper(req)))).toEqual({ type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH, status: 400 });
  });
});

describe('clock skew: 15 minutes either way', () => {
  const signedAt = new Date('2026-01-01T00:00:00Z');
  const at = async (nowMs: number) => verify(asSignedRequest(await signKmsRequest({ date: signedAt })), new Date(nowMs));

  it('accepts exactly 15 minutes on either side', async () => {
    expect((await at(signedAt.getTime() + MAX_CLOCK_SKEW_MS)).ok).toBe(true);
    expect((await at(signedAt.getTime() - MAX_CLOCK_SKEW_MS)).ok).toBe(true);
  });

  it("rejects one millisecond later, in AWS's words", async () => {
    expect(errorOf(await at(Date.parse('2026-01-01T00:15:00.001Z')))).toEqual({
      type: 'InvalidSignatureException',
      message: 'Signature expired: 20260101T000000Z is now earlier than 20260101T000000Z (20260101T001500Z - 15 min.)',
      status: 400,
    });
    expect(errorOf(await at(Date.parse('2026-01-01T00:20:00Z')))?.message).toBe(
      'Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T002000Z - 15 min.)',
    );
  });

  it('rejects requests from the future', async () => {
    expect(errorOf(await at(Date.parse('2025-12-31T23:40:00Z')))).toEqual({
      type: 'InvalidSignatureException',
      message: 'Signature not yet current: 20260101T000000Z is still later than 20251231T235500Z (20251231T234000Z + 15 min.)',
      status: 400,
    });
  });
});

describe('malformed authentication', () => {
  const base = async () => asSignedRequest(await signKmsRequest({ date: T0 }));
  const auth = async (value: string | undefined) => errorOf(verify(withHeader(await base(), 'authorization', value === undefined ? undefined : [value])));

  it('answers a request without Authorization with MissingAuthenticationToken', async () => {
    expect(await auth(undefined)).toEqual({ type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token', status: 400 });
  });

  it('lists every missing parameter like AWS does', async () => {
    expect(await auth('Bearer')).toEqual({
      type: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer",
      status: 400,
    });
    const noDate = withHeader(await base(), 'x-amz-date', undefined);
    expect(errorOf(verify(noDate))?.message).toMatch(
      /^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. Authorization=AWS4-HMAC-SHA256 Credential=/,
    );
  });

  it('names a token that is not key=value', async () => {
    const value = `AWS4-HMAC-SHA256 Credential= ${TEST_PRINCIPAL.accessKeyId}/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
    expect((await auth(value))?.message).toBe(
      `'${TEST_PRINCIPAL.accessKeyId}/20260101/us-east-1/kms/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${value}'.`,
    );
  });

  it.each([
    ['AWS4-HMAC-SHA512 Credential=A/20260101/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'IncompleteSignatureException', "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"],
    ['AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/kms, SignedHeaders=host;x-amz-date, Signature=00', 'IncompleteSignatureException', "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'A/20260101/us-east-1/kms'"],
    ['AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/kms/aws4_request, SignedHeaders=x-amz-date, Signature=00', 'IncompleteSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization."],
    ['AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00', 'IncompleteSignatureException', "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."],
    ['AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'InvalidSignatureException', "Credential should be scoped to correct service: 'kms'. "],
    ['AWS4-HMAC-SHA256 Credential=A/20260101/mars/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'InvalidSignatureException', "Credential should be scoped to a valid region, not 'mars'. "],
    ['AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/kms/aws5_request, SignedHeaders=host;x-amz-date, Signature=00', 'InvalidSignatureException', "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. "],
    ['AWS4-HMAC-SHA256 Credential=A/20251231/us-east-1/kms/aws4_request, SignedHeaders=host;x-amz-date, Signature=00', 'InvalidSignatureException', "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251231' != '20260101', from '20260101T000500Z'."],
  ])('%s', async (value, type, message) => {
    expect(await auth(value)).toEqual({ type, message, status: 400 });
  });

  it('requires X-Amz-Date in ISO 8601 basic format', async () => {
    const req = withHeader(await base(), 'x-amz-date', ['2026-01-01T00:05:00Z']);
    expect(errorOf(verify(req))).toEqual({
      type: 'IncompleteSignatureException',
      message: "Date must be in ISO-8601 'basic format'. Got '2026-01-01T00:05:00Z'. See http://en.wikipedia.org/wiki/ISO_8601",
      status: 400,
    });
    expect(parseAmzDate('20260230T000000Z')).toBeUndefined();
    expect(parseAmzDate('20260101T000000Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
  });

  it('reads an X-Amz-Date exactly when formatting its instant gives it back', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const amzDate = fc
      .tuple(fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')), two(13), two(32), two(25), two(61), two(61))
      .map(([y, mo, d, h, mi, s]) => `${y}${mo}${d}T${h}${mi}${s}Z`);
    fc.assert(
      fc.property(amzDate, (s) => {
        const ms = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)), Number(s.slice(9, 11)), Number(s.slice(11, 13)), Number(s.slice(13, 15)));
        expect(parseAmzDate(s)).toBe(formatAmzDate(new Date(ms)) === s ? ms : undefined);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses two Authorization headers', async () => {
    const req = await base();
    const twice = withHeader(req, 'authorization', [header(req, 'authorization'), header(req, 'authorization')]);
    expect(errorOf(verify(twice))?.type).toBe('IncompleteSignatureException');
  });

  it('keeps duplicate raw headers apart, so a second X-Amz-Target breaks the signature', async () => {
    const signed = await signKmsRequest({ date: T0 });
    const raw = [...Object.entries(signed.headers).flat(), 'X-Amz-Target', 'TrentService.Decrypt'];
    expect(errorOf(verify({ ...asSignedRequest(signed), headers: headersFromRaw(raw) }))?.message).toBe(SIGNATURE_MISMATCH);
  });
});

describe('createSigV4Authenticator', () => {
  it('uses its clock and lookup', async () => {
    const authenticate = createSigV4Authenticator({ lookup, clock: () => T0 });
    const req = asSignedRequest(await signKmsRequest({ date: T0 }));
    expect((await authenticate(req)).ok).toBe(true);
    const later = createSigV4Authenticator({ lookup, clock: () => new Date(T0.getTime() + 3_600_000) });
    expect((await later(req)).ok).toBe(false);
  });
});
