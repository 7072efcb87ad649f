// The admin read API end to end: the real server on a real SQLite data directory, an auditor
// created with the real `keyledger principals add --role auditor`, history made with the AWS SDK
// (create, alias, encrypt, rotate, move the alias, disable), then asked about over HTTP with
// requests signed by the SDK's own signer (@smithy/signature-v4) and sent with node's fetch:
// state at an instant and at a log position, timelines, the alias's target then and now, audit
// lookups page by page, verify — and who may ask. Every admin request leaves exactly one audit
// record, which the auditor can read back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  type KMSClient,
  RotateKeyOnDemandCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeyId, parseAuditPublicKey } from '../../src/crypto/auditKey.js';
import { auditTrail, type CloudTrailRecord } from '../../src/projections/auditTrail.js';
import { addPrincipal } from '../../src/server/principals.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { signGetRequest } from '../server/support/signing.js';
import { runKeyledger } from './support/child.js';
import { type TestServer, startTestServer } from './support/inProcess.js';
import { type Credentials, kmsClient } from './support/kms.js';
import { ACCOUNT, ADMIN } from './support/repo.js';

interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly requestId: string;
  readonly body: T;
}

interface Principal extends Credentials {
  readonly principalArn: string;
}

let server: TestServer;
let kms: KMSClient;
let auditor: Principal;
let plain: Principal;
const k = { k1: '', k1Arn: '', k2: '' };
/** Instants strictly between two writes (see `instantBetween`). */
const t = { beforeAll: '', afterAlias: '' };
/** The admin created at first start, who makes the test's keys. */
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:root`;
/** Every admin request sent, and the error it was answered with (undefined: success). */
const sent: { requestId: string; errorCode: string | undefined }[] = [];

/** Signs with the SDK's signer and sends with fetch; `over` tampers with the signing. */
const adminGet = async <T = Record<string, unknown>>(
  who: Credentials | undefined,
  path: string,
  query: Record<string, string> = {},
  over: { secretAccessKey?: string } = {},
): Promise<Answer<T>> => {
  const url = new URL(server.endpoint);
  let target = path;
  let headers: Record<string, string> = {};
  if (who !== undefined) {
    const signed = await signGetRequest({ path, query, date: new Date(), host: url.host, ...who, ...over });
    target = signed.target;
    // fetch sets Host itself, to the same value that was signed.
    const { host: _host, ...rest } = signed.headers;
    headers = rest;
  }
  const res = await fetch(`${server.endpoint}${target}`, { headers });
  const body = (await res.json()) as T & { __type?: string };
  const requestId = res.headers.get('x-amzn-requestid') ?? '';
  sent.push({ requestId, errorCode: res.ok ? undefined : body.__type });
  return { status: res.status, requestId, body };
};
const asAuditor = <T = Record<string, unknown>>(path: string, query: Record<string, string> = {}) => adminGet<T>(auditor, path, query);

/** Waits for the clock to pass the last write, takes the time, and waits for it to pass again. */
const instantBetween = async (): Promise<string> => {
  const tick = async () => {
    const start = Date.now();
    while (Date.now() === start) await new Promise((r) => setImmediate(r));
  };
  await tick();
  const instant = new Date().toISOString();
  await tick();
  return instant;
};

beforeAll(async () => {
  server = await startTestServer('admin-api');
  const added = await runKeyledger([
    'principals', 'add', '--role', 'auditor', '--principal-arn', `arn:aws:iam::${ACCOUNT}:user/auditor`, '--json', '--data-dir', server.dataDir,
  ]);
  expect(added.code, added.stderr).toBe(0);
  auditor = JSON.parse(added.stdout) as Principal;
  plain = await addPrincipal(server.dataDir, { account: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:user/app` });
  await server.running.reloadPrincipals();

  kms = kmsClient(server.endpoint);
  t.beforeAll = await instantBetween();
  const k1 = (await kms.send(new CreateKeyCommand({ Description: 'payments-2025' }))).KeyMetadata!;
  k.k1 = k1.KeyId!;
  k.k1Arn = k1.Arn!;
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/payments', TargetKeyId: k.k1 }));
  await kms.send(new EncryptCommand({ KeyId: 'alias/payments', Plaintext: Buffer.from('card 4111'), EncryptionContext: { order: '42' } }));
  t.afterAlias = await instantBetween();
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.k1 }));
  k.k2 = (await kms.send(new CreateKeyCommand({ Description: 'payments-2026' }))).KeyMetadata!.KeyId!;
  await kms.send(new UpdateAliasCommand({ AliasName: 'alias/payments', TargetKeyId: k.k2 }));
  await kms.send(new DisableKeyCommand({ KeyId: k.k1 }));
  await kms.send(new EncryptCommand({ KeyId: 'alias/payments', Plaintext: Buffer.from('card 5500') }));
});

afterAll(async () => {
  kms?.destroy();
  await server?.stop();
});

interface KeyState {
  KeyArn: string;
  LastEvent: { Revision: number; Position: number } | null;
  Key: { KeyState: string; Description: string; Aliases: string[]; KeyMaterials: unknown[]; OnDemandRotations: number } | null;
}
interface History {
  Events: { Position: number; Revision: number; At: string; EventType: string; Operation?: string; PrincipalArn?: string; Data: Record<string, unknown> }[];
  NextToken?: string;
}
interface AliasState {
  Status: string;
  Target: { KeyId: string; KeyArn: string; KeyState: string | null } | null;
}
interface Records {
  Records: CloudTrailRecord[];
  NextToken?: string;
}

describe('a key through time', () => {
  it('now: Disabled, two key materials, no alias any more', async () => {
    const r = await asAuditor<KeyState>(`/keyledger/v1/keys/${k.k1}`);
    expect(r.status).toBe(200);
    expect(r.body.KeyArn).toBe(k.k1Arn);
    expect(r.body.Key).toMatchObject({ KeyState: 'Disabled', Description: 'payments-2025', Aliases: [], OnDemandRotations: 1 });
    expect(r.body.Key?.KeyMaterials).toHaveLength(2);
  });

  it('as of an instant before the rotation: Enabled, one material, named by alias/payments', async () => {
    const r = await asAuditor<KeyState>(`/keyledger/v1/keys/${encodeURIComponent(k.k1Arn)}`, { at: t.afterAlias });
    expect(r.body).toMatchObject({ AsOf: { At: t.afterAlias }, LastEvent: { Revision: 0 } });
    expect(r.body.Key).toMatchObject({ KeyState: 'Enabled', Aliases: ['alias/payments'], OnDemandRotations: 0 });
    expect(r.body.Key?.KeyMaterials).toHaveLength(1);
  });

  it('as of a log position: exactly the events up to it', async () => {
    const history = await asAuditor<History>(`/keyledger/v1/keys/${k.k1}/history`);
    const rotated = history.body.Events.find((e) => e.EventType === 'KeyMaterialRotated')!;
    const r = await asAuditor<KeyState>(`/keyledger/v1/keys/${k.k1}`, { position: String(rotated.Position) });
    expect(r.body.LastEvent).toEqual({ Revision: rotated.Revision, Position: rotated.Position });
    expect(r.body.Key).toMatchObject({ KeyState: 'Enabled', OnDemandRotations: 1 });
  });

  it('before it was created: no state yet', async () =>
    expect((await asAuditor<KeyState>(`/keyledger/v1/keys/${k.k1}`, { at: t.beforeAll })).body).toMatchObject({ LastEvent: null, Key: null }));

  it('its timeline: what happened, by whom, through which operation; wrapped material never', async () => {
    const changes = await asAuditor<History>(`/keyledger/v1/keys/${k.k1}/history`);
    expect(changes.body.Events.map((e) => e.EventType)).toEqual(['KeyCreated', 'KeyMaterialRotated', 'KeyDisabled']);
    const r = await asAuditor<History>(`/keyledger/v1/keys/${k.k1}/history`, { usage: 'true' });
    expect(r.body.Events.map((e) => [e.Revision, e.EventType, e.Operation])).toEqual([
      [0, 'KeyCreated', 'CreateKey'],
      [1, 'KeyUsed', 'Encrypt'],
      [2, 'KeyMaterialRotated', 'RotateKeyOnDemand'],
      [3, 'KeyDisabled', 'DisableKey'],
    ]);
    expect(new Set(r.body.Events.map((e) => e.PrincipalArn))).toEqual(new Set([ADMIN_ARN]));
    expect(r.body.Events[1]?.Data).toMatchObject({ operation: 'Encrypt', encryptionContextDigest: expect.any(String) });
    const text = JSON.stringify(r.body);
    expect(text).not.toContain('wrapped');
    expect(text).not.toContain('4111');
    const upTo = await asAuditor<History>(`/keyledger/v1/keys/${k.k1}/history`, { at: t.afterAlias, usage: 'true' });
    expect(upTo.body.Events.map((e) => e.EventType)).toEqual(['KeyCreated', 'KeyUsed']);
  });
});

describe('an alias through time', () => {
  it('named payments-2025 after it was created, payments-2026 now', async () => {
    const then = await asAuditor<AliasState>('/keyledger/v1/aliases/payments', { at: t.afterAlias });
    expect(then.body).toMatchObject({ Status: 'Active', Target: { KeyId: k.k1, KeyArn: k.k1Arn, KeyState: 'Enabled' } });
    const now = await asAuditor<AliasState>(`/keyledger/v1/aliases/${encodeURIComponent(`arn:aws:kms:us-east-1:${ACCOUNT}:alias/payments`)}`);
    expect(now.body).toMatchObject({ Status: 'Active', Target: { KeyId: k.k2, KeyState: 'Enabled' } });
    const history = await asAuditor<History>('/keyledger/v1/aliases/alias%2Fpayments/history');
    expect(history.body.Events.map((e) => [e.EventType, e.Data['targetKeyId']])).toEqual([
      ['AliasCreated', k.k1],
      ['AliasUpdated', k.k2],
    ]);
  });
});

describe('the audit trail', () => {
  it('finds the one Encrypt of payments-2025, as CloudTrail records it: no plaintext, a context digest', async () => {
    const r = await asAuditor<Records>('/keyledger/v1/audit', { key: k.k1, operation: 'Encrypt' });
    expect(r.body.Records).toHaveLength(1);
    const [record] = r.body.Records;
    expect(record).toMatchObject({
      eventName: 'Encrypt',
      eventSource: 'kms.amazonaws.com',
      readOnly: true,
      requestParameters: { keyId: 'alias/payments', encryptionContextDigest: expect.any(String) },
      resources: [{ ARN: k.k1Arn, type: 'AWS::KMS::Key', accountId: ACCOUNT }],
      recipientAccountId: ACCOUNT,
    });
    expect(JSON.stringify(r.body)).not.toMatch(/4111|order/);
  });

  it('pages through everything the admin did that touched payments-2025, two records at a time', async () => {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { key: k.k1, principal: ADMIN_ARN, limit: '2', ...(token ? { nextToken: token } : {}) };
      const page: Answer<Records> = await asAuditor<Records>('/keyledger/v1/audit', query);
      expect(page.status).toBe(200);
      pages.push(page.body.Records.map((rec) => rec.eventName));
      token = page.body.NextToken;
    } while (token !== undefined);
    expect(pages).toEqual([['CreateKey', 'CreateAlias'], ['Encrypt', 'RotateKeyOnDemand'], ['UpdateAlias', 'DisableKey']]);
  });

  it('refuses a NextToken of another query', async () => {
    const first = await asAuditor<Records>('/keyledger/v1/audit', { key: k.k1, principal: ADMIN_ARN, limit: '1' });
    const other = await asAuditor('/keyledger/v1/audit', { key: k.k2, limit: '1', nextToken: first.body.NextToken! });
    expect(other).toMatchObject({ status: 400, body: { __type: 'InvalidMarkerException' } });
  });

  it('shows who read the trail and whose history they looked at: the reads are audited too', async () => {
    const lookups = await asAuditor<Records>('/keyledger/v1/audit', { operation: 'LookupAuditEvents', principal: auditor.principalArn });
    expect(lookups.body.Records.length).toBeGreaterThanOrEqual(4);
    expect(lookups.body.Records[0]).toMatchObject({
      eventName: 'LookupAuditEvents',
      readOnly: true,
      userIdentity: { type: 'IAMUser', arn: auditor.principalArn, accessKeyId: auditor.accessKeyId },
      requestParameters: { key: k.k1, operation: 'Encrypt' },
    });
    const historyReads = await asAuditor<Records>('/keyledger/v1/audit', { key: k.k1, operation: 'GetKeyHistory' });
    expect(historyReads.body.Records.length).toBeGreaterThanOrEqual(2);
    expect(historyReads.body.Records.every((rec) => rec.resources.some((res) => res.ARN === k.k1Arn))).toBe(true);
    const aliasReads = await asAuditor<Records>('/keyledger/v1/audit', { alias: 'payments', principal: auditor.principalArn });
    expect(aliasReads.body.Records.map((rec) => rec.eventName)).toEqual(['GetAliasStateAsOf', 'GetAliasStateAsOf', 'GetAliasHistory']);
  });
});

describe('verify', () => {
  it("finds the live log intact against the server's audit key", async () => {
    const r = await asAuditor('/keyledger/v1/verify');
    const publicKey = parseAuditPublicKey(readFileSync(join(server.dataDir, 'audit-key.pub'), 'utf8'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      LogIntact: true,
      AuditKeyId: auditKeyId(publicKey),
      Checkpoints: 1, // signed at start; the next is an hour away
      NewestCheckpoint: { Sequence: 0, Digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      StartedAt: expect.any(String),
      DurationMs: expect.any(Number),
    });
    expect(r.body['EventsChecked']).toBeGreaterThan(12);
    expect(r.body['Uncovered']).toBeGreaterThan(12);
  });

  it('answers callers who ask at once', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => asAuditor('/keyledger/v1/verify')));
    for (const a of answers) expect(a.body).toMatchObject({ LogIntact: true });
  });
});

describe('who may ask', () => {
  it('an admin may', async () => expect((await adminGet(ADMIN, `/keyledger/v1/keys/${k.k2}`)).status).toBe(200));

  it('a principal without the auditor or admin role gets 403, and its attempt is on the record', async () => {
    const denied = await adminGet(plain, '/keyledger/v1/audit');
    expect(denied).toMatchObject({ status: 403, body: { __type: 'AccessDeniedException' } });
    expect(denied.body['message']).toMatch(/^User: arn:aws:iam::111122223333:user\/app is not authorized to perform: keyledger:LookupAuditEvents/);
    const record = await asAuditor<Records>('/keyledger/v1/audit', { principal: plain.principalArn });
    expect(record.body.Records).toMatchObject([{ eventName: 'LookupAuditEvents', errorCode: 'AccessDeniedException', requestID: denied.requestId }]);
  });

  it("the same principal's KMS requests are unaffected", async () => {
    const app = kmsClient(server.endpoint, plain);
    try {
      await expect(app.send(new EncryptCommand({ KeyId: k.k2, Plaintext: Buffer.from('x') }))).resolves.toBeDefined();
    } finally {
      app.destroy();
    }
  });

  it('unsigned → 400 MissingAuthenticationTokenException; a wrong secret → 400 InvalidSignatureException', async () => {
    expect(await adminGet(undefined, '/keyledger/v1/verify')).toMatchObject({ status: 400, body: { __type: 'MissingAuthenticationTokenException' } });
    expect(await adminGet(auditor, '/keyledger/v1/verify', {}, { secretAccessKey: 'x'.repeat(40) })).toMatchObject({
      status: 400,
      body: { __type: 'InvalidSignatureException' },
    });
  });

  it('a key that never existed → 404; a bad limit or time → 400 ValidationException', async () => {
    expect(await asAuditor('/keyledger/v1/keys/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { __type: 'NotFoundException' } });
    expect(await asAuditor('/keyledger/v1/audit', { limit: '0' })).toMatchObject({ status: 400, body: { __type: 'ValidationException' } });
    expect(await asAuditor(`/keyledger/v1/keys/${k.k1}`, { at: 'yesterday' })).toMatchObject({ status: 400, body: { __type: 'ValidationException' } });
  });
});

it('every admin request sent left exactly one audit record, with its outcome', async () => {
  await server.running.close();
  const copy = await openSqliteStore({ path: join(server.dataDir, 'keyledger.db'), readOnly: true });
  const events: RecordedEvent[] = [];
  try {
    for await (const e of copy.store.readAll()) events.push(e);
  } finally {
    await copy.close();
  }
  const records = auditTrail(events).map((entry) => entry.record);
  expect(sent.length).toBeGreaterThan(30);
  for (const s of sent) {
    const mine = records.filter((r) => r.requestID === s.requestId);
    expect(mine, s.requestId).toHaveLength(1);
    expect(mine[0]?.errorCode).toBe(s.errorCode);
  }
});
