// Hostile input is the normal case (DESIGN.md, "The API surface"): random and mutated requests
// over real sockets. Whatever arrives, every answer is AWS-shaped JSON with a request id,
// statuses are 200 or 400 only (the fake service never fails), no stack trace leaks, the
// service is called exactly for the requests answered 200, and the server keeps serving.
import http from 'node:http';
import { EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WireResponse, rawExchange, request, splitResponses } from './support/rawHttp.js';
import { TEST_PRINCIPAL, signKmsRequest } from './support/signing.js';
import { type TestServer, startTestServer } from './support/testServer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STACK = /\bat [\w.<>]+ \(|\.[jt]s:\d+|node:internal|Error:/;
const KNOWN_ERRORS = new Set([
  'UnknownOperationException',
  'SerializationException',
  'ValidationException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'RequestEntityTooLargeException',
  'RequestTimeoutException',
]);

let t: TestServer;
let agent: http.Agent;
beforeAll(async () => {
  t = await startTestServer({ maxBodyBytes: 4096 });
  agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
});
afterAll(async () => {
  agent.destroy();
  await t.running.close();
});

const expectWellFormed = (res: WireResponse, method: string): void => {
  expect([200, 400]).toContain(res.status);
  expect(res.headers['x-amzn-requestid']).toMatch(UUID);
  expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  if (method === 'HEAD') return;
  expect(res.body).not.toMatch(STACK);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  if (res.status === 200) {
    expect(body).toEqual({});
    return;
  }
  expect(Object.keys(body).sort()).toEqual(['__type', 'message']);
  expect(KNOWN_ERRORS.has(String(body.__type))).toBe(true);
  expect(typeof body.message).toBe('string');
};

const validCases = [
  { target: 'TrentService.ListKeys', body: '{}' },
  { target: 'TrentService.ListKeys', body: '' },
  { target: 'TrentService.GenerateRandom', body: '{"NumberOfBytes":32}' },
  { target: 'TrentService.Encrypt', body: '{"KeyId":"alias/a","Plaintext":"aGVsbG8=","EncryptionContext":{"k":"v"}}' },
  { target: 'TrentService.DescribeKey', body: '{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","GrantTokens":["t"]}' },
  { target: 'TrentService.GenerateDataKey', body: '{"KeyId":"k","KeySpec":"AES_256"}' },
];
const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const jsonish = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ KeyId: v, Plaintext: v, NumberOfBytes: v, GrantTokens: v, Tags: v })),
  fc.string({ maxLength: 80 }),
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.constant('x'.repeat(5000)),
);

interface Mutations {
  method?: string;
  path?: string;
  target?: string | readonly string[] | null;
  contentType?: string | null;
  body?: string;
  auth?: 'none' | 'wrong-secret' | 'stale' | 'token' | 'tamper-body';
  extra?: [string, string];
}

const mutations: fc.Arbitrary<Mutations> = fc.record(
  {
    method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'post'),
    path: fc.constantFrom('//', '/x', '/?a=b', '/%2F', '/..', '/TrentService.Encrypt'),
    target: fc.oneof(
      fc.constant(null),
      printable,
      printable.map((s) => `TrentService.${s}`),
      fc.constant(['TrentService.ListKeys', 'TrentService.ListKeys']),
    ),
    contentType: fc.oneof(fc.constant(null), printable, fc.constantFrom('application/json', 'text/plain', 'application/x-amz-json-1.0')),
    body: jsonish,
    auth: fc.constantFrom('none', 'wrong-secret', 'stale', 'token', 'tamper-body'),
    extra: fc.tuple(token, printable),
  },
  { requiredKeys: [] },
);

const send = async ({ target, body }: (typeof validCases)[number], m: Mutations): Promise<{ res: WireResponse; method: string }> => {
  const finalBody = m.body ?? body;
  const signed = await signKmsRequest({
    date: m.auth === 'stale' ? new Date(Date.now() - 3_600_000) : new Date(),
    host: `127.0.0.1:${t.port}`,
    target: typeof m.target === 'string' ? m.target : target,
    body: m.auth === 'tamper-body' ? body : finalBody,
    ...(m.auth === 'wrong-secret' ? { secretAccessKey: 'z'.repeat(40) } : {}),
  });
  const headers: Record<string, string | string[]> = { ...signed.headers };
  if (m.auth === 'none') delete headers.authorization;
  if (m.auth === 'token') headers['x-amz-security-token'] = 'FQoG';
  if (m.target === null) delete headers['x-amz-target'];
  else if (typeof m.target === 'object') headers['x-amz-target'] = [...m.target];
  if (m.contentType === null) delete headers['content-type'];
  else if (m.contentType !== undefined) headers['content-type'] = m.contentType;
  if (m.extra && !(m.extra[0] in headers) && !['host', 'content-length', 'transfer-encoding', 'expect', 'connection', 'upgrade'].includes(m.extra[0])) {
    headers[m.extra[0]] = m.extra[1];
  }
  const bytes = Buffer.from(finalBody, 'latin1');
  headers['content-length'] = String(bytes.length);
  const method = m.method ?? 'POST';
  const res = await request(t.port, { method, path: m.path ?? '/', headers, body: bytes, agent });
  return { res, method };
};

describe('fuzzing the HTTP surface', () => {
  it('answers every well-framed request, valid or mutated, as specified', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...validCases), fc.oneof({ weight: 1, arbitrary: fc.constant<Mutations>({}) }, { weight: 4, arbitrary: mutations }), async (valid, m) => {
        const calls = t.api.calls.length;
        const rejected = t.rejected.length;
        const { res, method } = await send(valid, m);
        expectWellFormed(res, method);
        expect(t.api.calls.length - calls).toBe(res.status === 200 ? 1 : 0);
        expect(t.rejected.length - rejected).toBe(res.status === 400 ? 1 : 0);
        if (Object.keys(m).length === 0) expect(res.status).toBe(200);
      }),
      { numRuns: 300 },
    );
  });

  const rawRequests = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.string({ minLength: 1, maxLength: 200 }).map((s) => Buffer.from(s)),
    fc
      .tuple(
        fc.constantFrom('POST', 'GET', 'P0ST', '', 'POST POST'),
        fc.constantFrom('/', '', '*', 'http://x/', '/\u0000'),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', ''),
        fc.array(fc.tuple(printable, fc.string({ maxLength: 30 })), { maxLength: 5 }),
        fc.constantFrom('Content-Length: 5\r\n', 'Content-Length: -1\r\n', 'Content-Length: 1\r\nContent-Length: 2\r\n', 'Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: gzip, chunked\r\n', ''),
        fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('FFFFFFFFFFFFFFFFFFFF\r\nab', '5\r\nhello\r\n0\r\n\r\n', '-1\r\n')),
      )
      .map(([method, path, version, headers, framing, body]) =>
        Buffer.from(`${method} ${path} ${version}\r\nHost: x\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}${framing}\r\n${body}`),
      ),
  );

  it('answers raw garbage with AWS JSON or silence, never anything else', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequests, async (data) => {
        const calls = t.api.calls.length;
        const { raw } = await rawExchange(t.port, data, 100);
        const { responses, rest } = splitResponses(raw);
        for (const res of responses) {
          expect(res.status).toBe(400);
          expectWellFormed(res, 'POST');
        }
        // Every byte the server sent belongs to one of those responses.
        expect(rest.length).toBe(0);
        expect(t.api.calls.length).toBe(calls);
      }),
      { numRuns: 150 },
    );
  });

  it('is still serving afterwards', async () => {
    const client = new KMSClient({ endpoint: t.running.url, region: 'us-east-1', credentials: TEST_PRINCIPAL, maxAttempts: 1 });
    await expect(client.send(new EnableKeyCommand({ KeyId: 'k' }))).resolves.toBeDefined();
    client.destroy();
    expect((await request(t.port, { method: 'GET' })).status).toBe(400);
  });
});
