import {
  DescribeKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kmsError } from '../../src/domain/errors.js';
import { createSigV4Authenticator } from '../../src/server/sigv4.js';
import { request } from './support/rawHttp.js';
import { TEST_PRINCIPAL } from './support/signing.js';
import { type TestServer, startTestServer } from './support/testServer.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

let t: TestServer;
let client: KMSClient;
const connections: unknown[] = [];

beforeAll(async () => {
  t = await startTestServer();
  t.running.server.on('connection', (socket) => connections.push(socket));
  client = new KMSClient({ endpoint: t.running.url, region: 'us-east-1', credentials: TEST_PRINCIPAL, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await t.running.close();
});
beforeEach(() => t.reset());

const expectAwsError = (res: { status: number; headers: Record<string, string>; body: string }, status: number, type: string, message?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(res.headers['x-amzn-requestid']).toMatch(UUID);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['__type', 'message']);
  expect(body.__type).toBe(type);
  if (message !== undefined) expect(body.message).toBe(message);
};

describe('the AWS SDK for JavaScript against the handler', () => {
  it('round-trips blobs both ways and passes who asked to the service', async () => {
    t.api.respond = () => ({ CiphertextBlob: Uint8Array.from([0, 1, 254, 255]), KeyId: KEY_ARN, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const out = await client.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('hello'), EncryptionContext: { tenant: 't1' } }));
    expect(Array.from(out.CiphertextBlob ?? [])).toEqual([0, 1, 254, 255]);
    expect(out.KeyId).toBe(KEY_ARN);
    expect(out.$metadata.requestId).toMatch(UUID);

    const [call] = t.api.calls;
    expect(call?.operation).toBe('Encrypt');
    expect(call?.input).toEqual({ KeyId: 'alias/app', Plaintext: new Uint8Array(Buffer.from('hello')), EncryptionContext: { tenant: 't1' } });
    expect(call?.context).toMatchObject({
      requestId: out.$metadata.requestId,
      account: '111122223333',
      region: 'us-east-1',
      principalArn: TEST_PRINCIPAL.principalArn,
      accessKeyId: TEST_PRINCIPAL.accessKeyId,
      sourceIp: '127.0.0.1',
    });
    expect(call?.context.userAgent).toContain('aws-sdk-js');
  });

  it('round-trips timestamps, fractional seconds included', async () => {
    const created = new Date('2025-11-25T12:00:00.123Z');
    t.api.respond = () => ({
      KeyMetadata: { AWSAccountId: '111122223333', KeyId: 'k', Arn: KEY_ARN, CreationDate: created, Enabled: true, Description: '', KeyUsage: 'ENCRYPT_DECRYPT', KeyState: 'Enabled', Origin: 'AWS_KMS', KeyManager: 'CUSTOMER', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT', KeySpec: 'SYMMETRIC_DEFAULT', MultiRegion: false },
    });
    const out = await client.send(new DescribeKeyCommand({ KeyId: KEY_ARN }));
    expect(out.KeyMetadata?.CreationDate?.getTime()).toBe(created.getTime());
    expect(out.KeyMetadata?.DeletionDate).toBeUndefined();
  });

  it('handles empty outputs and empty inputs', async () => {
    await expect(client.send(new EnableKeyCommand({ KeyId: KEY_ARN }))).resolves.toBeDefined();
    t.api.respond = () => ({ Keys: [], Truncated: false });
    await expect(client.send(new ListKeysCommand({}))).resolves.toMatchObject({ Keys: [], Truncated: false });
    expect(t.api.calls.map((c) => c.input)).toEqual([{ KeyId: KEY_ARN }, {}]);
  });

  it("surfaces the service's KmsError with its name, message and a 400", async () => {
    t.api.respond = () => {
      throw kmsError('NotFoundException', `Key '${KEY_ARN}' does not exist`);
    };
    await expect(client.send(new DescribeKeyCommand({ KeyId: KEY_ARN }))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: `Key '${KEY_ARN}' does not exist`,
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("keeps a principal's roles out of the record of a request refused after authentication", async () => {
    const withRoles = await startTestServer({
      authenticate: createSigV4Authenticator({ lookup: (id) => (id === TEST_PRINCIPAL.accessKeyId ? { ...TEST_PRINCIPAL, roles: ['auditor'] } : undefined) }),
    });
    const c = new KMSClient({ endpoint: withRoles.running.url, region: 'us-east-1', credentials: TEST_PRINCIPAL, maxAttempts: 1 });
    try {
      await expect(c.send(new GenerateDataKeyCommand({ KeyId: KEY_ARN, NumberOfBytes: 0 }))).rejects.toMatchObject({ name: 'ValidationException' });
      expect(withRoles.rejected).toHaveLength(1);
      expect(withRoles.rejected[0]).toMatchObject({ stage: 'validation', principalArn: TEST_PRINCIPAL.principalArn });
      expect(withRoles.rejected[0]).not.toHaveProperty('roles');
    } finally {
      c.destroy();
      await withRoles.running.close();
    }
  });

  it('surfaces validation errors with the exact AWS message, without calling the service', async () => {
    await expect(client.send(new GenerateDataKeyCommand({ KeyId: KEY_ARN, NumberOfBytes: 0 }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(t.api.calls).toHaveLength(0);
    expect(t.rejected).toMatchObject([{ stage: 'validation', operation: 'GenerateDataKey', errorCode: 'ValidationException', principalArn: TEST_PRINCIPAL.principalArn }]);
  });

  it('maps a bug to KMSInternalException (500) and logs it, telling the caller nothing', async () => {
    t.api.respond = () => {
      throw new Error('database password is hunter2');
    };
    const failure = client.send(new EnableKeyCommand({ KeyId: KEY_ARN }));
    await expect(failure).rejects.toMatchObject({ name: 'KMSInternalException', message: 'An internal error occurred', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(t.logged).toHaveLength(1);
    expect(t.logged[0]?.details).toMatchObject({ operation: 'EnableKey', error: expect.objectContaining({ message: 'database password is hunter2' }) });
  });

  it('gives KeyUnavailableException a 500 and a fixed message', async () => {
    t.api.respond = () => {
      throw kmsError('KeyUnavailableException', 'vault node 3 unreachable');
    };
    await expect(client.send(new EnableKeyCommand({ KeyId: KEY_ARN }))).rejects.toMatchObject({
      name: 'KeyUnavailableException',
      message: 'The request was rejected because the specified KMS key is not available. You can retry the request.',
      $metadata: { httpStatusCode: 500 },
    });
  });

  it('rejects wrong credentials before the service sees anything', async () => {
    const stranger = new KMSClient({ endpoint: t.running.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIASTRANGERSTRANGER', secretAccessKey: 'x'.repeat(40) }, maxAttempts: 1 });
    await expect(stranger.send(new EnableKeyCommand({ KeyId: KEY_ARN }))).rejects.toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const wrongSecret = new KMSClient({ endpoint: t.running.url, region: 'us-east-1', credentials: { ...TEST_PRINCIPAL, secretAccessKey: 'y'.repeat(40) }, maxAttempts: 1 });
    await expect(wrongSecret.send(new EnableKeyCommand({ KeyId: KEY_ARN }))).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    const session = new KMSClient({ endpoint: t.running.url, region: 'us-east-1', credentials: { ...TEST_PRINCIPAL, sessionToken: 'FQoG' }, maxAttempts: 1 });
    await expect(session.send(new EnableKeyCommand({ KeyId: KEY_ARN }))).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    for (const c of [stranger, wrongSecret, session]) c.destroy();
    expect(t.api.calls).toHaveLength(0);
    expect(t.rejected.map((r) => [r.stage, r.operation, r.errorCode])).toEqual([
      ['authentication', 'EnableKey', 'UnrecognizedClientException'],
      ['authentication', 'EnableKey', 'InvalidSignatureException'],
      ['authentication', 'EnableKey', 'UnrecognizedClientException'],
    ]);
  });

  it('keeps the connection alive across calls', async () => {
    const before = connections.length;
    for (let i = 0; i < 5; i++) await client.send(new EnableKeyCommand({ KeyId: KEY_ARN }));
    expect(connections.length - before).toBeLessThanOrEqual(1);
  });
});

describe('dispatch and framing rules, over plain HTTP', () => {
  it.each([
    ['GET', '/'],
    ['PUT', '/'],
    ['POST', '/foo'],
    ['POST', '/?Action=Encrypt'],
  ])('%s %s is UnknownOperationException', async (method, path) => {
    // Node's client sends a GET body unframed, so GET goes without one.
    const body = method === 'GET' ? undefined : '{}';
    const res = await request(t.port, { method, path, headers: { 'x-amz-target': 'TrentService.Encrypt', 'content-type': 'application/x-amz-json-1.1' }, ...(body ? { body } : {}) });
    expectAwsError(res, 400, 'UnknownOperationException', 'Requests must be POST / with an X-Amz-Target header.');
  });

  it.each([
    [{}, 'Missing X-Amz-Target header.'],
    [{ 'x-amz-target': ['TrentService.Encrypt', 'TrentService.Decrypt'] }, 'Exactly one X-Amz-Target header is allowed.'],
    [{ 'x-amz-target': 'TrentService.Sign' }, 'Unknown operation.'],
    [{ 'x-amz-target': 'TrentService.toString' }, 'Unknown operation.'],
    [{ 'x-amz-target': 'DynamoDB_20120810.ListTables' }, 'Unknown operation.'],
    [{ 'x-amz-target': 'TrentService.Encrypt ' }, undefined],
  ])('target %j', async (headers, message) => {
    const res = await request(t.port, { headers: { 'content-type': 'application/x-amz-json-1.1', ...headers }, body: '{}' });
    if (message === undefined) {
      // Node trims header whitespace, so this one is well-formed and fails authentication instead.
      expectAwsError(res, 400, 'MissingAuthenticationTokenException');
      return;
    }
    expectAwsError(res, 400, 'UnknownOperationException', message);
  });

  it.each([undefined, 'text/plain', 'application/xml', 'application/x-amz-json-1.0'])('Content-Type %s is refused', async (contentType) => {
    const res = await request(t.port, { headers: { 'x-amz-target': 'TrentService.Encrypt', ...(contentType ? { 'content-type': contentType } : {}) }, body: '{}' });
    expectAwsError(res, 400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1.');
  });

  it('answers an unsigned request with MissingAuthenticationToken and records it', async () => {
    const res = await request(t.port, { headers: { 'x-amz-target': 'TrentService.Encrypt', 'content-type': 'application/json', 'user-agent': 'curl/8.0' }, body: '{}' });
    expectAwsError(res, 400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    expect(t.rejected).toEqual([
      {
        requestId: res.headers['x-amzn-requestid'],
        at: expect.any(Date),
        stage: 'authentication',
        errorCode: 'MissingAuthenticationTokenException',
        operation: 'Encrypt',
        sourceIp: '127.0.0.1',
        userAgent: 'curl/8.0',
      },
    ]);
  });

  it.each([
    ['{"KeyId":"k","NumberOfBytes":8} trailing', 'SerializationException'],
    ['{"KeyId":"k","KeyId":"other","NumberOfBytes":8}', 'SerializationException'],
    ['[]', 'SerializationException'],
    ['{"KeyId":"k","Plaintext":"not base64!"}', 'SerializationException'],
  ])('a signed body %s is %s, and the service never hears of it', async (body, type) => {
    const target = body.includes('Plaintext') ? 'TrentService.Encrypt' : 'TrentService.GenerateDataKey';
    expectAwsError(await t.signed(target, body), 400, type);
    expect(t.api.calls).toHaveLength(0);
    expect(t.rejected).toMatchObject([{ stage: 'validation', principalArn: TEST_PRINCIPAL.principalArn, account: '111122223333', region: 'us-east-1' }]);
  });

  it('treats an empty signed body as {}', async () => {
    const res = await t.signed('TrentService.ListKeys', '');
    expect(res.status).toBe(200);
    expect(res.body).toBe('{}');
    expect(t.api.calls).toMatchObject([{ operation: 'ListKeys', input: {} }]);
  });

  it('accepts application/json with parameters', async () => {
    const res = await t.signed('TrentService.ListKeys', '{}', { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
  });

  it('survives an onRejected hook that throws', async () => {
    const noisy = await startTestServer({
      onRejected: () => {
        throw new Error('audit store down');
      },
    });
    const res = await request(noisy.port, { method: 'GET' });
    expectAwsError(res, 400, 'UnknownOperationException');
    expect(noisy.logged.map((l) => l.message)).toEqual(['onRejected hook threw']);
    await noisy.running.close();
  });
});
