import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type WireResponse, parseResponses, rawExchange, request } from './support/rawHttp.js';
import { TEST_PRINCIPAL, signKmsRequest } from './support/signing.js';
import { type TestServer, startTestServer } from './support/testServer.js';

const LIMIT = 1024;
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ maxBodyBytes: LIMIT, requestTimeoutMs: 600, headersTimeoutMs: 400, timeoutCheckIntervalMs: 100 });
});
afterAll(() => t.running.close());
beforeEach(() => t.reset());

const json = (r: WireResponse | undefined) => JSON.parse(r?.body ?? 'null') as { __type: string; message: string };
const head = (extra: string) => `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: TrentService.Encrypt\r\nContent-Type: application/x-amz-json-1.1\r\n${extra}\r\n`;

describe('body limit', () => {
  it('refuses a Content-Length over the limit before reading the body', async () => {
    const { raw, closed } = await rawExchange(t.port, head(`Content-Length: ${LIMIT + 1}\r\n`));
    const [res] = parseResponses(raw);
    expect(res?.status).toBe(400);
    expect(res?.headers.connection).toBe('close');
    expect(json(res)).toEqual({ __type: 'RequestEntityTooLargeException', message: `Request body must not exceed ${LIMIT} bytes.` });
    expect(closed).toBe(true);
    expect(t.rejected).toMatchObject([{ stage: 'transport', errorCode: 'RequestEntityTooLargeException' }]);
  });

  it('answers Expect: 100-continue only when the body may fit', async () => {
    const over = await rawExchange(t.port, head(`Content-Length: ${LIMIT + 1}\r\nExpect: 100-continue\r\n`));
    expect(over.raw.toString()).toMatch(/^HTTP\/1\.1 400 /);
    expect(json(parseResponses(over.raw)[0]).__type).toBe('RequestEntityTooLargeException');
    const fits = await rawExchange(t.port, head('Content-Length: 2\r\nExpect: 100-continue\r\n'), 200);
    expect(fits.raw.toString()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
  });

  it('stops reading a chunked body at the limit, even when a chunk claims to be huge', async () => {
    const payload = Buffer.alloc(LIMIT + 100, 0x61);
    const { raw, closed } = await rawExchange(t.port, Buffer.concat([Buffer.from(head('Transfer-Encoding: chunked\r\n')), Buffer.from('7FFFFFFF\r\n'), payload]));
    const [res] = parseResponses(raw);
    expect(json(res).__type).toBe('RequestEntityTooLargeException');
    expect(closed).toBe(true);
    expect(t.api.calls).toHaveLength(0);
  });

  it('accepts a body of exactly the limit, and not one byte more', async () => {
    const padded = (size: number) => {
      const shell = '{"KeyId":"k","NumberOfBytes":8,"Pad":""}';
      return shell.replace('""', `"${'x'.repeat(size - shell.length)}"`);
    };
    expect((await t.signed('TrentService.GenerateDataKey', padded(LIMIT))).status).toBe(200);
    expect(json(await t.signed('TrentService.GenerateDataKey', padded(LIMIT + 1))).__type).toBe('RequestEntityTooLargeException');
  });
});

describe('framing errors are answered in AWS JSON', () => {
  it.each([
    ['a garbage request line', 'GARBAGE\r\n\r\n'],
    ['a bad header line', 'POST / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'],
    ['Content-Length with Transfer-Encoding', head('Content-Length: 2\r\nTransfer-Encoding: chunked\r\n') + '{}'],
    ['a malformed chunk size', `${head('Transfer-Encoding: chunked\r\n')}zz\r\n{}\r\n0\r\n\r\n`],
    ['an oversized header section', `POST / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
  ])('%s', async (_, data) => {
    const { raw, closed } = await rawExchange(t.port, data);
    const [res, ...more] = parseResponses(raw);
    expect(more).toHaveLength(0);
    expect(res?.status).toBe(400);
    expect(res?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(res?.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(res)).toEqual({ __type: 'SerializationException', message: 'Malformed HTTP request.' });
    expect(closed).toBe(true);
  });

  it('cuts off a body that arrives too slowly', async () => {
    const started = Date.now();
    const { raw, closed } = await rawExchange(t.port, head('Content-Length: 100\r\n') + '{"KeyId"', 3_000);
    expect(json(parseResponses(raw)[0])).toEqual({ __type: 'RequestTimeoutException', message: 'The request was not received in time.' });
    expect(closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(t.api.calls).toHaveLength(0);
  });

  it('cuts off headers that arrive too slowly', async () => {
    const { raw, closed } = await rawExchange(t.port, 'POST / HTTP/1.1\r\nHost: x\r\n', 3_000);
    expect(json(parseResponses(raw)[0]).__type).toBe('RequestTimeoutException');
    expect(closed).toBe(true);
  });
});

describe('connections', () => {
  it('serves several requests on one kept-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    t.running.server.on('connection', (s) => sockets.add(s));
    for (let i = 0; i < 4; i++) {
      const signed = await signKmsRequest({ date: new Date(), host: `127.0.0.1:${t.port}`, target: 'TrentService.ListKeys', body: '{}' });
      expect((await request(t.port, { headers: signed.headers, body: signed.body, agent })).status).toBe(200);
    }
    // An error answer keeps the connection too.
    expect((await request(t.port, { method: 'GET', agent })).status).toBe(400);
    agent.destroy();
    expect(sockets.size).toBe(1);
  });

  it('closes gracefully: stops accepting, finishes what is in flight, then resolves', async () => {
    const s = await startTestServer();
    let release: () => void = () => undefined;
    s.api.respond = () => new Promise((resolve) => (release = () => resolve({ KeyId: 'k' })));
    const inFlight = s.signed('TrentService.CancelKeyDeletion', '{"KeyId":"k"}');
    await new Promise((r) => setTimeout(r, 100));
    expect(s.api.calls).toHaveLength(1);

    let closed = false;
    const closing = s.running.close().then(() => (closed = true));
    await expect(request(s.port, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false);

    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ KeyId: 'k' });
    expect(res.headers.connection).toBe('close');
    await closing;
    expect(closed).toBe(true);
  });

  it('closes promptly even with idle kept-alive SDK connections', async () => {
    const s = await startTestServer();
    const client = new KMSClient({ endpoint: s.running.url, region: 'us-east-1', credentials: TEST_PRINCIPAL, maxAttempts: 1 });
    await client.send(new EnableKeyCommand({ KeyId: 'k' }));
    const started = Date.now();
    await s.running.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    client.destroy();
  });
});

describe('TLS', () => {
  let dir: string | undefined;
  let cert: Buffer | undefined;
  let key: Buffer | undefined;
  beforeAll(() => {
    try {
      dir = mkdtempSync(join(tmpdir(), 'keyledger-tls-'));
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      cert = readFileSync(join(dir, 'cert.pem'));
      key = readFileSync(join(dir, 'key.pem'));
    } catch {
      cert = undefined; // no openssl here: the test below says so and skips
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the AWS SDK over HTTPS', async (ctx) => {
    if (!cert || !key) return ctx.skip();
    const s = await startTestServer({ tls: { cert, key } });
    expect(s.running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const client = new KMSClient({
      endpoint: s.running.url,
      region: 'us-east-1',
      credentials: TEST_PRINCIPAL,
      maxAttempts: 1,
      requestHandler: { httpsAgent: new https.Agent({ ca: cert }) },
    });
    await client.send(new EnableKeyCommand({ KeyId: 'k' }));
    expect(s.api.calls).toHaveLength(1);
    client.destroy();
    await s.running.close();
  });
});
