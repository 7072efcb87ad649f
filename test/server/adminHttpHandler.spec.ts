// The admin API's listener in the real HTTP server, over a recording AdminApi: what reaches the
// service and with whom, what is refused before it (and recorded as a rejection), statuses and
// error bodies — and that the KMS endpoint beside it is unchanged.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kmsError } from '../../src/domain/errors.js';
import type { AdminApi, AdminInput, AdminOperationName, AdminOutput, AdminRequestContext } from '../../src/service/admin/adminShapes.js';
import { type Credential, createSigV4Authenticator } from '../../src/server/sigv4.js';
import { type WireResponse, parseResponses, rawExchange, request } from './support/rawHttp.js';
import { TEST_PRINCIPAL, signGetRequest, signKmsRequest } from './support/signing.js';
import { type TestServer, startTestServer, testLookup } from './support/testServer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const AUDITOR = { ...TEST_PRINCIPAL, roles: ['auditor'] } as const satisfies Credential;

interface AdminCall {
  readonly operation: AdminOperationName;
  readonly input: unknown;
  readonly context: AdminRequestContext;
}

class RecordingAdminApi implements AdminApi {
  readonly calls: AdminCall[] = [];
  respond: (operation: AdminOperationName) => unknown = () => ({});
  async executeAdmin<O extends AdminOperationName>(operation: O, input: AdminInput<O>, context: AdminRequestContext): Promise<AdminOutput<O>> {
    this.calls.push({ operation, input, context });
    return (await this.respond(operation)) as AdminOutput<O>;
  }
}

let t: TestServer;
let admin: RecordingAdminApi;

beforeAll(async () => {
  admin = new RecordingAdminApi();
  t = await startTestServer({
    admin,
    authenticate: createSigV4Authenticator({ lookup: (id) => (id === AUDITOR.accessKeyId ? AUDITOR : undefined) }),
  });
});
afterAll(() => t.running.close());
beforeEach(() => {
  t.reset();
  admin.calls.length = 0;
  admin.respond = () => ({});
});

const get = async (path: string, query: Record<string, string> = {}, over: Partial<Parameters<typeof signGetRequest>[0]> = {}): Promise<WireResponse> => {
  const signed = await signGetRequest({ path, query, date: new Date(), host: `127.0.0.1:${t.port}`, ...over });
  return request(t.port, { method: 'GET', path: signed.target, headers: { ...signed.headers, 'user-agent': 'console/1.0' } });
};

const expectError = (res: WireResponse, status: number, type: string, message?: string | RegExp) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/json');
  expect(res.headers['x-amzn-requestid']).toMatch(UUID);
  expect(res.headers['x-amzn-errortype']).toBe(type);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['__type', 'message']);
  expect(body['__type']).toBe(type);
  if (message !== undefined) expect(body['message']).toMatch(message);
};

describe('a signed GET reaches the service', () => {
  it('with its operation, its input, who asked and their roles; the answer is JSON, never cached', async () => {
    admin.respond = () => ({ KeyArn: KEY_ARN, Key: { KeyState: 'Enabled', wrapped: 'must not leave' } });
    const res = await get(`/keyledger/v1/keys/${encodeURIComponent(KEY_ARN)}`, { at: '2026-01-01T12:00:00+01:00' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toEqual({ KeyArn: KEY_ARN, Key: { KeyState: 'Enabled' } });
    expect(admin.calls).toHaveLength(1);
    const [call] = admin.calls;
    expect(call?.operation).toBe('GetKeyStateAsOf');
    expect(call?.input).toEqual({ KeyId: KEY_ARN, At: '2026-01-01T11:00:00.000Z' });
    expect(call?.context).toEqual({
      requestId: res.headers['x-amzn-requestid'],
      account: '111122223333',
      region: 'us-east-1',
      principalArn: TEST_PRINCIPAL.principalArn,
      accessKeyId: TEST_PRINCIPAL.accessKeyId,
      roles: ['auditor'],
      sourceIp: '127.0.0.1',
      userAgent: 'console/1.0',
    });
    expect(t.rejected).toEqual([]);
  });

  it('in the Region of its signature, which decides where a bare key id lives', async () => {
    await get('/keyledger/v1/audit', { key: '1234abcd-12ab-34cd-56ef-1234567890ab' }, { region: 'eu-west-1' });
    expect(admin.calls[0]?.context.region).toBe('eu-west-1');
  });
});

describe('refused before the service, and recorded as a rejection', () => {
  it.each(['POST', 'PUT', 'DELETE', 'HEAD'])('%s → 405 with Allow: GET', async (method) => {
    const signed = await signGetRequest({ path: '/keyledger/v1/verify', method, date: new Date(), host: `127.0.0.1:${t.port}` });
    const res = await request(t.port, { method, path: signed.target, headers: signed.headers });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET');
    if (method !== 'HEAD') expectError(res, 405, 'MethodNotAllowedException');
    expect(admin.calls).toEqual([]);
    expect(t.rejected).toMatchObject([{ stage: 'transport', errorCode: 'MethodNotAllowedException', operation: 'VerifyLog' }]);
  });

  it.each([{ 'content-length': '2' }, { 'transfer-encoding': 'chunked' }])('a body (%o) → SerializationException', async (framing) => {
    const signed = await signGetRequest({ path: '/keyledger/v1/verify', date: new Date(), host: `127.0.0.1:${t.port}` });
    const res = await request(t.port, { method: 'GET', path: signed.target, headers: { ...signed.headers, ...framing }, body: '{}' });
    expectError(res, 400, 'SerializationException', 'Admin API requests have no body.');
    expect(admin.calls).toEqual([]);
    expect(t.rejected).toMatchObject([{ stage: 'transport', errorCode: 'SerializationException', operation: 'VerifyLog' }]);
  });

  it('does not invite a body with 100 Continue', async () => {
    const { raw } = await rawExchange(t.port, `GET /keyledger/v1/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`);
    expect(raw.toString()).not.toContain('100 Continue');
    expect(parseResponses(raw)[0]?.status).toBe(400);
  });

  it('an unknown path → 404 UnknownOperationException, hinting at unencoded ARNs', async () => {
    expectError(await get(`/keyledger/v1/keys/${KEY_ARN}`), 404, 'UnknownOperationException', /URL-encoded/);
    expect(t.rejected).toMatchObject([{ stage: 'transport', errorCode: 'UnknownOperationException' }]);
    expect(t.rejected[0]).not.toHaveProperty('operation');
  });

  it('unsigned → MissingAuthenticationTokenException (400, as the KMS endpoint answers)', async () => {
    expectError(await request(t.port, { method: 'GET', path: '/keyledger/v1/verify' }), 400, 'MissingAuthenticationTokenException');
    expect(t.rejected).toMatchObject([{ stage: 'authentication', errorCode: 'MissingAuthenticationTokenException', operation: 'VerifyLog' }]);
  });

  it('a wrong secret → InvalidSignatureException, recorded under the access key it claimed', async () => {
    expectError(await get('/keyledger/v1/verify', {}, { secretAccessKey: 'x'.repeat(40) }), 400, 'InvalidSignatureException');
    expect(t.rejected).toMatchObject([{ stage: 'authentication', accessKeyId: TEST_PRINCIPAL.accessKeyId, region: 'us-east-1' }]);
    expect(t.rejected[0]).not.toHaveProperty('principalArn');
  });

  it('an unknown access key → UnrecognizedClientException', async () =>
    expectError(await get('/keyledger/v1/verify', {}, { accessKeyId: 'AKIANOBODYNOBODY0000' }), 400, 'UnrecognizedClientException'));

  it("a scope for another service than 'kms' → InvalidSignatureException", async () =>
    expectError(await get('/keyledger/v1/verify', {}, { service: 'keyledger' }), 400, 'InvalidSignatureException', /correct service: 'kms'/));

  it('a query changed after signing → InvalidSignatureException', async () => {
    const signed = await signGetRequest({ path: '/keyledger/v1/audit', query: { limit: '5' }, date: new Date(), host: `127.0.0.1:${t.port}` });
    const res = await request(t.port, { method: 'GET', path: signed.target.replace('limit=5', 'limit=500'), headers: signed.headers });
    expectError(res, 400, 'InvalidSignatureException');
    expect(admin.calls).toEqual([]);
  });

  it('a bad parameter → ValidationException, recorded with who asked', async () => {
    expectError(await get('/keyledger/v1/audit', { limit: '5000' }), 400, 'ValidationException', /at 'limit'/);
    expect(admin.calls).toEqual([]);
    expect(t.rejected).toMatchObject([
      { stage: 'validation', errorCode: 'ValidationException', operation: 'LookupAuditEvents', principalArn: TEST_PRINCIPAL.principalArn },
    ]);
    expect(t.rejected[0]).not.toHaveProperty('roles');
  });
});

describe("the service's errors", () => {
  it.each([
    [kmsError('AccessDeniedException', 'User: x is not authorized'), 403],
    [kmsError('NotFoundException', `Key '${KEY_ARN}' does not exist`), 404],
    [kmsError('InvalidMarkerException', 'Invalid marker'), 400],
    [kmsError('ValidationException', "Value 'x' at 'key' must be a key id or key ARN"), 400],
    [kmsError('InvalidArnException', 'ARN x is not valid'), 400],
  ])('%s → %i, as answered', async (error, status) => {
    admin.respond = () => Promise.reject(error);
    expectError(await get('/keyledger/v1/audit'), status, error.code, error.message);
    expect(t.rejected).toEqual([]);
    expect(t.logged).toEqual([]);
  });

  it('a bug → 500 KMSInternalException that tells nothing, and a log line that does', async () => {
    admin.respond = () => Promise.reject(new Error('database password is hunter2'));
    const res = await get('/keyledger/v1/verify');
    expectError(res, 500, 'KMSInternalException', 'An internal error occurred');
    expect(res.body).not.toContain('hunter2');
    expect(t.logged).toHaveLength(1);
    expect(t.logged[0]?.details).toMatchObject({ operation: 'VerifyLog', error: expect.objectContaining({ message: 'database password is hunter2' }) });
  });
});

describe('the KMS endpoint beside it', () => {
  it('answers POST / as before', async () => {
    const signed = await signKmsRequest({ date: new Date(), host: `127.0.0.1:${t.port}`, target: 'TrentService.ListKeys', body: '{}' });
    const res = await request(t.port, { headers: signed.headers, body: signed.body });
    expect(res.status).toBe(200);
    expect(t.api.calls.map((c) => c.operation)).toEqual(['ListKeys']);
    expect(admin.calls).toEqual([]);
  });

  it('without an admin API, /keyledger/v1/ is just another path the KMS endpoint refuses', async () => {
    const plain = await startTestServer({ authenticate: createSigV4Authenticator({ lookup: testLookup }) });
    try {
      const signed = await signGetRequest({ path: '/keyledger/v1/verify', date: new Date(), host: `127.0.0.1:${plain.port}` });
      const res = await request(plain.port, { method: 'GET', path: signed.target, headers: signed.headers });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ __type: 'UnknownOperationException' });
    } finally {
      await plain.running.close();
    }
  });
});
