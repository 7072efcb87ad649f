// HTTPS with --tls-cert/--tls-key: a self-signed certificate made here with openssl, trusted
// by the AWS SDK through an https.Agent `ca` and by the AWS CLI through AWS_CA_BUNDLE — and
// distrusted by both without it, so the test proves TLS is really verified end to end.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_REASON, aws, hasAwsCli } from './support/awsCli.js';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { kmsClient } from './support/kms.js';
import { startServe } from '../../src/cli/serve.js';
import { ADMIN_ENV, tempDir } from './support/repo.js';

const tlsDir = tempDir('tls');
const certFile = join(tlsDir, 'cert.pem');
const keyFile = join(tlsDir, 'key.pem');
let server: TestServer;
const clients: KMSClient[] = [];

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', keyFile, '-out', certFile, '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  server = await startTestServer('tls', { tls: { certFile, keyFile } });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.stop();
  rmSync(tlsDir, { recursive: true, force: true });
});

const client = (ca?: Buffer): KMSClient => {
  const c = kmsClient(server.endpoint, undefined, ca ? { requestHandler: { httpsAgent: new https.Agent({ ca, keepAlive: true }) } } : {});
  clients.push(c);
  return c;
};

describe('TLS', () => {
  it('serves HTTPS and says how to trust a self-signed certificate', () => {
    expect(server.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const banner = server.stdout.join('');
    expect(banner).toContain(`AWS_CA_BUNDLE=${certFile} AWS_SHARED_CREDENTIALS_FILE=`);
    expect(banner).toContain(`--endpoint-url ${server.endpoint}`);
  });

  it('the AWS SDK works when it trusts the certificate, and refuses the connection when it does not', async () => {
    const kms = client(readFileSync(certFile));
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId ?? '';
    const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('over tls') }));
    expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }))).Plaintext ?? []).toString()).toBe('over tls');
    await expect(client().send(new CreateKeyCommand({}))).rejects.toThrow(/self[- ]signed certificate/i);
  });

  it('refuses a certificate that is not PEM as a usage error, and releases the lock', async () => {
    const dataDir = join(tlsDir, 'bad');
    const garbage = join(tlsDir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    const settings = { dataDir, host: '127.0.0.1', port: 0, account: '111122223333', schedulerIntervalSeconds: 60, checkpointIntervalSeconds: 3600 };
    await expect(startServe({ ...settings, tls: { certFile: garbage, keyFile } }, { env: ADMIN_ENV, out: () => undefined })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('cannot serve HTTPS with --tls-cert/--tls-key'),
    });
    expect(existsSync(join(dataDir, 'LOCK'))).toBe(false);
    await expect(startServe({ ...settings, tls: { certFile: join(tlsDir, 'missing.pem'), keyFile } })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('cannot read --tls-cert'),
    });
  });

  it.skipIf(!hasAwsCli)(hasAwsCli ? 'the AWS CLI works with AWS_CA_BUNDLE, and refuses without it' : SKIP_REASON, async () => {
    const trusted = await aws(['list-keys'], { endpoint: server.endpoint, env: { AWS_CA_BUNDLE: certFile } });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(JSON.parse(trusted.stdout)).toHaveProperty('Keys');
    const untrusted = await aws(['list-keys', '--cli-read-timeout', '5', '--cli-connect-timeout', '5'], { endpoint: server.endpoint });
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toMatch(/SSL|certificate/i);
  });
});
