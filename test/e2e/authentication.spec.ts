// SigV4 failures against the real wired server, from hand-signed requests (the AWS SDK's own
// signer, @smithy/signature-v4, then altered) and from the SDK itself. Each must answer AWS's
// exception and leave exactly one trace in the store: one RequestRejected audit record, with
// nothing of the request body in it — and, after the server stops, the SQLite file must hold
// those records and nothing else the rejected requests could have written.
import { join } from 'node:path';
import { CreateKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
// Types only (erased at run time): the middleware signature of the SDK's own stack.
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { request } from '../server/support/rawHttp.js';
import { signKmsRequest } from '../server/support/signing.js';
import { eventsAfter, settledEventsAfter } from './support/events.js';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { kmsClient, sdkError } from './support/kms.js';
import { ADMIN } from './support/repo.js';

const MARKER = 'BODY-MARKER-must-never-be-stored';
const body = JSON.stringify({ Description: MARKER });
let server: TestServer;
let port: number;
const clients: KMSClient[] = [];

beforeAll(async () => {
  server = await startTestServer('auth');
  port = server.running.port;
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
});

const client = (...args: Parameters<typeof kmsClient>): KMSClient => {
  const c = kmsClient(...args);
  clients.push(c);
  return c;
};

/** Hand-signs a CreateKey for this server (over `signedBody`), then sends `sentBody`. */
const handSigned = async (o: { secret?: string; accessKeyId?: string; date?: Date; signedBody?: string; sentBody?: string; unsigned?: boolean }) => {
  const signed = await signKmsRequest({
    target: 'TrentService.CreateKey',
    body: o.signedBody ?? body,
    date: o.date ?? new Date(),
    host: `127.0.0.1:${port}`,
    accessKeyId: o.accessKeyId ?? ADMIN.accessKeyId,
    secretAccessKey: o.secret ?? ADMIN.secretAccessKey,
  });
  const headers = Object.fromEntries(
    Object.entries(signed.headers).filter(([k]) => !(o.unsigned === true && /^(authorization|x-amz-date)$/i.test(k))),
  );
  return request(port, { headers, body: o.sentBody ?? o.signedBody ?? body });
};

/** Sends, then checks the store got exactly one RequestRejected and nothing else. */
const expectOnlyAudit = async (errorCode: string, send: () => Promise<{ name: string; message: string }>) => {
  const head = await server.running.store.headPosition();
  const answered = await send();
  expect(answered.name).toBe(errorCode);
  expect(answered.message.length).toBeGreaterThan(0);
  const events = await settledEventsAfter(server.running.store, head, 1);
  expect(events.map((e) => e.type)).toEqual(['RequestRejected']);
  const [audit] = events;
  expect(audit?.stream).toMatch(/^audit-/);
  expect(audit?.data).toMatchObject({ stage: 'authentication', errorCode, operation: 'CreateKey' });
  const stored = JSON.stringify(audit);
  expect(stored).not.toContain(MARKER);
  expect(stored).not.toContain(ADMIN.secretAccessKey);
};

const wire = async (r: Promise<{ status: number; body: string }>) => {
  const res = await r;
  expect(res.status).toBe(400);
  const parsed = JSON.parse(res.body) as { __type: string; message: string };
  return { name: parsed.__type, message: parsed.message };
};

describe('hand-signed requests', () => {
  it('a correctly signed request is accepted (the harness signs right)', async () => {
    const res = await handSigned({ signedBody: JSON.stringify({ Description: 'control' }) });
    expect(res.status).toBe(200);
  });

  it('wrong secret → InvalidSignatureException', () =>
    expectOnlyAudit('InvalidSignatureException', () => wire(handSigned({ secret: 'wrongwrongwrongwrongwrongwrongwrongwrong' }))));

  it('unknown access key → UnrecognizedClientException', () =>
    expectOnlyAudit('UnrecognizedClientException', () => wire(handSigned({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }))));

  it('records the access key and Region a refused request claimed, under that Region', async () => {
    const head = await server.running.store.headPosition();
    await wire(handSigned({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }));
    const [audit] = await settledEventsAfter(server.running.store, head, 1);
    expect(audit?.stream).toMatch(/^audit-anonymous-us-east-1-/);
    expect(audit?.data).toMatchObject({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', errorCode: 'UnrecognizedClientException' });
  });

  it('unsigned request → MissingAuthenticationTokenException', () =>
    expectOnlyAudit('MissingAuthenticationTokenException', () => wire(handSigned({ unsigned: true }))));

  it('body changed after signing → InvalidSignatureException', () =>
    expectOnlyAudit('InvalidSignatureException', () =>
      wire(handSigned({ signedBody: JSON.stringify({ Description: 'signed' }), sentBody: JSON.stringify({ Description: 'forged' }) })),
    ));

  it('signed 20 minutes ago → InvalidSignatureException (Signature expired)', async () => {
    await expectOnlyAudit('InvalidSignatureException', async () => {
      const answer = await wire(handSigned({ date: new Date(Date.now() - 20 * 60_000) }));
      expect(answer.message).toMatch(/^Signature expired/);
      return answer;
    });
  });
});

describe('the AWS SDK', () => {
  const createKey = (c: KMSClient) => sdkError(c.send(new CreateKeyCommand({ Description: MARKER })));

  it('wrong secret → InvalidSignatureException', () =>
    expectOnlyAudit('InvalidSignatureException', () => createKey(client(server.endpoint, { accessKeyId: ADMIN.accessKeyId, secretAccessKey: 'x'.repeat(40) }))));

  it('unknown access key → UnrecognizedClientException', () =>
    expectOnlyAudit('UnrecognizedClientException', () => createKey(client(server.endpoint, { accessKeyId: 'AKIAUNKNOWNUNKNOWN01', secretAccessKey: 'x'.repeat(40) }))));

  it('clock 20 minutes behind → InvalidSignatureException', () =>
    expectOnlyAudit('InvalidSignatureException', () => createKey(client(server.endpoint, undefined, { systemClockOffset: -20 * 60_000 }))));

  it('no signature at all → MissingAuthenticationTokenException', () => {
    const c = client(server.endpoint);
    c.middlewareStack.remove('httpSigningMiddleware');
    return expectOnlyAudit('MissingAuthenticationTokenException', () => createKey(c));
  });

  it('body changed after signing → InvalidSignatureException', () => {
    const c = client(server.endpoint);
    // Same length, so Content-Length (computed before signing) still fits.
    const tamper: FinalizeRequestMiddleware<object, MetadataBearer> = (next) => async (args) => {
      const req = args.request as { body?: unknown };
      const sent = req.body instanceof Uint8Array ? new TextDecoder().decode(Uint8Array.from(req.body)) : String(req.body);
      expect(sent).toContain(MARKER);
      req.body = Buffer.from(sent.replace(MARKER, MARKER.toUpperCase()), 'utf8');
      return next(args);
    };
    c.middlewareStack.addRelativeTo(tamper, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamperAfterSigning' });
    return expectOnlyAudit('InvalidSignatureException', () => createKey(c));
  });
});

it('after the server stops, the SQLite file holds the audit records and only the control request’s key', async () => {
  await server.running.close();
  const opened = await openSqliteStore({ path: join(server.dataDir, 'keyledger.db') });
  try {
    const events = await eventsAfter(opened.store);
    const rejected = events.filter((e) => e.type === 'RequestRejected');
    expect(rejected).toHaveLength(11);
    const keyStreams = new Set(events.filter((e) => e.stream.startsWith('key-')).map((e) => e.stream));
    expect(keyStreams.size).toBe(1); // the accepted control request
    expect(events.filter((e) => !e.stream.startsWith('key-') && !e.stream.startsWith('audit-') && e.stream !== '$checkpoints')).toEqual([]);
    expect(JSON.stringify(events)).not.toContain(MARKER);
  } finally {
    await opened.close();
  }
});
