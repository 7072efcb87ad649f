// Hostile input against the real wired server (SigV4 against the principals file, the real
// service, the SQLite store): random and malformed methods, paths, targets, content types,
// signatures and bodies. Every answer must be AWS-shaped JSON (a 400 with __type and message,
// or a 200 only for a correctly signed, well-formed read), never a 500, a stack trace or a
// dropped connection; the server must keep serving; and afterwards the log must hold audit
// records only — no key or alias stream. The server holds no keys, so every keyed operation
// ends in NotFoundException; CreateKey, the one operation that needs no key, is only ever
// sent (correctly signed) with a body that is not JSON.
import http from 'node:http';
import { ListKeysCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { implementedOperations } from '../../src/service/operations/index.js';
import { type WireResponse, rawExchange, request, splitResponses } from '../server/support/rawHttp.js';
import { signKmsRequest } from '../server/support/signing.js';
import { eventsAfter } from './support/events.js';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { kmsClient } from './support/kms.js';
import { ADMIN } from './support/repo.js';

const AMZ_JSON = 'application/x-amz-json-1.1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STACK = /\bat [\w.<>]+ \(|\.[jt]s:\d+|node:internal|<html|Error:/i;
const READS = ['ListKeys', 'ListAliases', 'DescribeKey', 'GetKeyPolicy', 'ListResourceTags', 'GetKeyRotationStatus', 'ListKeyPolicies', 'ListKeyRotations', 'GetKeyLastUsage', 'GenerateRandom'];

let server: TestServer;
let agent: http.Agent;
beforeAll(async () => {
  server = await startTestServer('fuzz');
  agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
});
afterAll(async () => {
  agent.destroy();
  await server?.stop();
});

type Auth = 'valid' | 'none' | 'wrong-secret' | 'stale' | 'garbage';
interface Fuzzed {
  readonly method: string;
  readonly path: string;
  readonly target: string | readonly string[] | null;
  readonly contentType: string | null;
  readonly auth: Auth;
  readonly body: Uint8Array;
}

const notJson = (b: Uint8Array): boolean => {
  const text = Buffer.from(b).toString('utf8');
  if (text.trim() === '') return false; // an empty body means {} to AWS JSON 1.1
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const anyBody = fc.oneof(
  fc.json({ maxDepth: 3 }).map(utf8),
  fc.jsonValue({ maxDepth: 2 }).map((v) => utf8(JSON.stringify({ KeyId: v, Limit: v, Marker: v, NumberOfBytes: v, Plaintext: v, AliasName: v }))),
  fc.constantFrom(...READS).map((op) => utf8(op === 'GenerateRandom' ? '{"NumberOfBytes":8}' : '{"KeyId":"alias/none","Limit":5}')),
  fc.json().map((j) => utf8(`${j} trailing`)),
  fc.string({ maxLength: 60 }).map(utf8),
  fc.uint8Array({ maxLength: 80 }),
  fc.constantFrom('', '{', '{"KeyId":', '{"a":1,"a":2}', '\uFEFF{}', '{"Plaintext":"not base64!"}', 'null', '[]').map(utf8),
);
const target = fc.oneof(
  fc.constantFrom(...implementedOperations).map((op) => `TrentService.${op}`),
  fc.constantFrom(...READS).map((op) => `TrentService.${op}`),
  fc.constantFrom(null, 'TrentService.Sign', 'TrentService.', 'Trent.CreateKey', 'trentservice.listkeys', 'TrentService.ListKeys '),
  fc.stringMatching(/^[A-Za-z.]{0,30}$/),
  fc.tuple(fc.constant('TrentService.ListKeys'), fc.constant('TrentService.CreateKey')),
);
const safeBody = fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.json().map((j) => utf8(`${j}}`))).filter(notJson);
/** Anything at all in every part of the request. */
const chaotic = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH'),
  path: fc.oneof(fc.constant('/'), fc.constant('/'), fc.stringMatching(/^\/[A-Za-z0-9._~%-]{0,20}(\?[a-z=&]{0,10})?$/)),
  target,
  contentType: fc.constantFrom(AMZ_JSON, AMZ_JSON, 'application/json', `${AMZ_JSON}; charset=utf-8`, 'text/plain', null, ''),
  auth: fc.constantFrom<Auth>('valid', 'valid', 'valid', 'none', 'wrong-secret', 'stale', 'garbage'),
  body: anyBody,
  safeBody,
});
/** A correctly signed POST / to an operation of ours, so the body reaches validation and the service. */
const wellFormed = fc.record({
  method: fc.constant('POST'),
  path: fc.constant('/'),
  target: fc.constantFrom(...implementedOperations, ...READS, ...READS).map((op) => `TrentService.${op}`),
  contentType: fc.constantFrom(AMZ_JSON, 'application/json'),
  auth: fc.constant<Auth>('valid'),
  body: anyBody,
  safeBody,
});
const fuzzed: fc.Arbitrary<Fuzzed> = fc
  .oneof(chaotic, wellFormed)
  // CreateKey needs no key: a valid one would write a key stream. Give it a non-JSON body.
  .map(({ safeBody: nonJson, ...r }) => (r.target === 'TrentService.CreateKey' && !notJson(r.body) ? { ...r, body: nonJson } : r));

const send = async (f: Fuzzed, port: number): Promise<WireResponse> => {
  const singleTarget = typeof f.target === 'string' ? f.target : 'TrentService.ListKeys';
  let headers: Record<string, string | readonly string[]> = { 'content-type': f.contentType ?? AMZ_JSON, 'x-amz-target': singleTarget };
  if (f.auth !== 'none') {
    const signed = await signKmsRequest({
      target: singleTarget,
      body: f.body,
      date: f.auth === 'stale' ? new Date(Date.now() - 3_600_000) : new Date(),
      host: `127.0.0.1:${port}`,
      accessKeyId: ADMIN.accessKeyId,
      secretAccessKey: f.auth === 'wrong-secret' ? 'W'.repeat(40) : ADMIN.secretAccessKey,
      ...(f.contentType !== null ? { headers: { 'content-type': f.contentType } } : {}),
    });
    headers = { ...signed.headers };
    if (f.auth === 'garbage') headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=nonsense';
  }
  if (f.target === null) delete headers['x-amz-target'];
  else if (typeof f.target !== 'string') headers['x-amz-target'] = f.target;
  if (f.contentType === null) delete headers['content-type'];
  return request(port, { method: f.method, path: f.path, headers, body: f.body, agent });
};

/** What came back, so the test can show the fuzz reached past the edge into the service. */
const outcomes = new Map<string, number>();

const expectAwsJson = (res: WireResponse, f: Fuzzed): void => {
  expect([200, 400]).toContain(res.status);
  expect(res.headers['x-amzn-requestid']).toMatch(UUID);
  expect(res.headers['content-type']).toBe(AMZ_JSON);
  expect(res.body).not.toMatch(STACK);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  const outcome = res.status === 200 ? '200' : String(body['__type']);
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  if (res.status === 200) {
    expect(f.auth).toBe('valid');
    // Header values lose surrounding whitespace in HTTP (RFC 9110 §5.5), so 'X ' arrives as 'X'.
    expect(READS.map((op) => `TrentService.${op}`)).toContain(typeof f.target === 'string' ? f.target.trim() : f.target);
    return;
  }
  expect(Object.keys(body).sort()).toEqual(['__type', 'message']);
  expect(body['__type']).toMatch(/^[A-Za-z]+Exception$/);
  expect(typeof body['message']).toBe('string');
};

/** Always run first, so every stage is reached whatever the seed draws (checked below). */
const envelope = { method: 'POST', path: '/', contentType: AMZ_JSON } as const;
const examples: [Fuzzed][] = [
  [{ ...envelope, target: 'TrentService.ListKeys', auth: 'valid', body: utf8('{}') }],
  [{ ...envelope, target: 'TrentService.DescribeKey', auth: 'valid', body: utf8('{"KeyId":"alias/none"}') }],
  [{ ...envelope, target: 'TrentService.CreateKey', auth: 'valid', body: utf8('{"Description":') }],
  [{ ...envelope, target: 'TrentService.CreateKey', auth: 'wrong-secret', body: utf8('{}') }],
  [{ ...envelope, target: 'TrentService.Frobnicate', auth: 'valid', body: utf8('{}') }],
];

it('answers every fuzzed request with AWS JSON, and writes nothing but audit records', async () => {
  const port = server.running.port;
  await fc.assert(
    fc.asyncProperty(fuzzed, async (f) => expectAwsJson(await send(f, port), f)),
    { numRuns: 400, examples },
  );
  // Answered at every stage: transport, authentication, validation, service, and success.
  for (const stage of ['UnknownOperationException', 'InvalidSignatureException', 'SerializationException', 'NotFoundException', '200']) {
    expect(outcomes.get(stage) ?? 0, `${stage} in ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  }
  const kms = kmsClient(server.endpoint);
  try {
    expect((await kms.send(new ListKeysCommand({}))).Keys).toEqual([]);
  } finally {
    kms.destroy();
  }
  await new Promise((r) => setTimeout(r, 200)); // let the last audit appends land
  const events = await eventsAfter(server.running.store);
  expect(events.length).toBeGreaterThan(0);
  // Only audit records (and the server's own signed checkpoints) — no key or alias stream.
  expect(events.filter((e) => !e.stream.startsWith('audit-') && e.stream !== '$checkpoints')).toEqual([]);
  expect(events.some((e) => e.type === 'RequestRejected')).toBe(true);
});

it('answers raw garbage on the socket with AWS JSON or silence, and keeps serving', async () => {
  const port = server.running.port;
  const raw = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b)),
    fc.string({ maxLength: 120 }).map((s) => Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\n${s}\r\n\r\n`)),
    fc.nat(99_999).map((n) => Buffer.from(`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${n.toString(16)}zz\r\n`)),
  );
  await fc.assert(
    fc.asyncProperty(raw, async (bytes) => {
      const { raw: answer } = await rawExchange(port, bytes, 150);
      for (const res of splitResponses(answer).responses) {
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toBe(AMZ_JSON);
        expect(res.body).not.toMatch(STACK);
        expect(Object.keys(JSON.parse(res.body) as object).sort()).toEqual(['__type', 'message']);
      }
    }),
    { numRuns: 60 },
  );
  const kms = kmsClient(server.endpoint);
  try {
    expect((await kms.send(new ListKeysCommand({}))).Truncated).toBe(false);
  } finally {
    kms.destroy();
  }
});
