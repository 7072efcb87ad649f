// The admin read API in the service (Keyledger.executeAdmin), over a memory store and a clock
// moved by hand: the answers of history, audit and verify at concrete points, who may ask,
// paging, and one audit record per admin request — a refused one included.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdminInput, AdminOperationName, AdminOutput, AdminRequestContext } from '../../src/service/admin/adminShapes.js';
import { VerifyRuns } from '../../src/service/admin/verifyRuns.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { ArrayLog } from './forensics/arrayLog.js';
import { caller, errorOf, type Harness, openHarness } from './harness.js';

const at = (hhmm: string): string => `2026-01-01T${hhmm}:00.000Z`;
const AUDITOR = { principalArn: 'arn:aws:iam::111122223333:user/carol', roles: ['auditor'] } as const;

let h: Harness;
let k1: { KeyId: string; Arn: string };
let k2: { KeyId: string; Arn: string };
let encryptPosition: number;

const admin = <O extends AdminOperationName>(op: O, input: AdminInput<O>, over: Partial<AdminRequestContext> = {}): Promise<AdminOutput<O>> =>
  h.kms.executeAdmin(op, input, { ...caller({ principalArn: AUDITOR.principalArn }), roles: AUDITOR.roles, ...over });

const readAll = async (): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const e of h.store.readAll()) out.push(e);
  return out;
};

/** 00:00 k1 and alias/app → k1; 00:10 an Encrypt through the alias; 01:00 k2, alias/app → k2;
 *  02:00 k1 disabled; 03:00 a checkpoint. */
beforeAll(async () => {
  h = await openHarness();
  k1 = (await h.call('CreateKey', { Description: 'payments-2025' })).KeyMetadata;
  await h.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: k1.KeyId });
  h.clock.advanceMs(10 * 60_000);
  await h.call('Encrypt', { KeyId: 'alias/app', Plaintext: new Uint8Array([1, 2, 3]) });
  encryptPosition = await h.store.headPosition();
  h.clock.advanceMs(50 * 60_000);
  k2 = (await h.call('CreateKey', { Description: 'payments-2026' })).KeyMetadata;
  await h.call('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: k2.KeyId });
  h.clock.advanceMs(60 * 60_000);
  await h.call('DisableKey', { KeyId: k1.KeyId });
  h.clock.advanceMs(60 * 60_000);
  await h.kms.appendCheckpoint();
});

describe('a key as of a point', () => {
  it('is Enabled and named by alias/app at 00:30, and Disabled with no alias now', async () => {
    const then = await admin('GetKeyStateAsOf', { KeyId: k1.KeyId, At: at('00:30') });
    // The last event that changed the key: its creation, not the Encrypt after it (usage is not state).
    expect(then).toMatchObject({ KeyArn: k1.Arn, AsOf: { At: at('00:30') }, LastEvent: { Revision: 0 } });
    expect(then.LastEvent?.Position).toBeLessThan(encryptPosition);
    expect(then.Key).toMatchObject({ KeyState: 'Enabled', Description: 'payments-2025', Aliases: ['alias/app'], Enabled: true });
    const now = await admin('GetKeyStateAsOf', { KeyId: k1.Arn });
    expect(now.AsOf).toEqual({});
    expect(now.Key).toMatchObject({ KeyState: 'Disabled', Aliases: [], Enabled: false });
  });

  it('at a log position: the state after exactly the events up to it', async () => {
    const r = await admin('GetKeyStateAsOf', { KeyId: k1.KeyId, Position: encryptPosition - 1 });
    expect(r.LastEvent).toEqual({ Revision: 0, Position: expect.any(Number) });
    expect(r.Key?.KeyState).toBe('Enabled');
  });

  it('before the key was created: no state and no last event, but not an error', async () =>
    expect(await admin('GetKeyStateAsOf', { KeyId: k1.KeyId, At: '2025-12-31T23:59:59.000Z' })).toMatchObject({ LastEvent: null, Key: null }));

  it('never wraps key material into the answer', async () =>
    expect(JSON.stringify(await admin('GetKeyStateAsOf', { KeyId: k1.KeyId }))).not.toContain('wrapped'));

  it.each([
    ['a key that never existed', '00000000-0000-4000-8000-000000000000', 'NotFoundException'],
    ['a key ARN of a Region with no keys', 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-4000-8000-000000000000', 'NotFoundException'],
    ['a malformed key id', 'not-a-key', 'NotFoundException'],
    ['an alias (aliases have their own endpoint)', 'alias/app', 'NotFoundException'],
    ['a malformed ARN', 'arn:aws:kms:nowhere:key/x', 'InvalidArnException'],
  ])('refuses %s', async (_why, KeyId, error) => expect(await errorOf(admin('GetKeyStateAsOf', { KeyId }))).toBe(error));

  it("resolves a bare key id in the caller's Region: elsewhere the same id names another key", async () =>
    expect(await errorOf(admin('GetKeyStateAsOf', { KeyId: k1.KeyId }, { region: 'eu-west-1' }))).toBe('NotFoundException'));
});

describe('a key history', () => {
  it("lists the key's events oldest first, with who and which request, up to the point", async () => {
    const all = await admin('GetKeyHistory', { KeyId: k1.KeyId, Usage: true });
    expect(all.Events.map((e) => [e.EventType, e.Operation, e.At])).toEqual([
      ['KeyCreated', 'CreateKey', at('00:00')],
      ['KeyUsed', 'Encrypt', at('00:10')],
      ['KeyDisabled', 'DisableKey', at('02:00')],
    ]);
    // By default, what changed the key: its uses are left to the audit trail.
    expect((await admin('GetKeyHistory', { KeyId: k1.KeyId })).Events.map((e) => e.EventType)).toEqual(['KeyCreated', 'KeyDisabled']);
    expect(all.Events[0]).toMatchObject({ Revision: 0, PrincipalArn: 'arn:aws:iam::111122223333:user/alice', SourceIp: '127.0.0.1' });
    expect(all.Events[0]?.Data).toMatchObject({ description: 'payments-2025', keyMaterialId: expect.any(String) });
    expect(JSON.stringify(all)).not.toContain('wrapped');
    expect(all.NextToken).toBeUndefined();
    expect((await admin('GetKeyHistory', { KeyId: k1.KeyId, At: at('01:00'), Usage: true })).Events.map((e) => e.EventType)).toEqual(['KeyCreated', 'KeyUsed']);
  });

  it('pages with Limit and NextToken, and refuses a token of another question', async () => {
    const first = await admin('GetKeyHistory', { KeyId: k1.KeyId, Limit: 2, Usage: true });
    expect(first.Events.map((e) => e.Revision)).toEqual([0, 1]);
    expect(first.NextToken).toEqual(expect.any(String));
    expect(await errorOf(admin('GetKeyHistory', { KeyId: k1.KeyId, Limit: 2, NextToken: first.NextToken! }))).toBe('InvalidMarkerException');
    const second = await admin('GetKeyHistory', { KeyId: k1.KeyId, Limit: 2, Usage: true, NextToken: first.NextToken! });
    expect(second.Events.map((e) => e.Revision)).toEqual([2]);
    expect(second.NextToken).toBeUndefined();
    expect(await errorOf(admin('GetKeyHistory', { KeyId: k2.KeyId, NextToken: first.NextToken! }))).toBe('InvalidMarkerException');
    expect(await errorOf(admin('GetKeyHistory', { KeyId: k1.KeyId, At: at('01:00'), NextToken: first.NextToken! }))).toBe('InvalidMarkerException');
    expect(await errorOf(admin('GetKeyHistory', { KeyId: k1.KeyId, NextToken: 'garbage' }))).toBe('InvalidMarkerException');
  });
});

describe('an alias as of a point', () => {
  it('named k1 at 00:30 and k2 now; its timeline is its own events', async () => {
    expect(await admin('GetAliasStateAsOf', { AliasName: 'alias/app', At: at('00:30') })).toMatchObject({
      AliasName: 'alias/app',
      AliasArn: 'arn:aws:kms:us-east-1:111122223333:alias/app',
      Status: 'Active',
      Target: { KeyId: k1.KeyId, KeyArn: k1.Arn, KeyState: 'Enabled' },
    });
    expect((await admin('GetAliasStateAsOf', { AliasName: 'arn:aws:kms:us-east-1:111122223333:alias/app' })).Target?.KeyId).toBe(k2.KeyId);
    const history = await admin('GetAliasHistory', { AliasName: 'alias/app' });
    expect(history.Events.map((e) => [e.EventType, e.Data['targetKeyId']])).toEqual([
      ['AliasCreated', k1.KeyId],
      ['AliasUpdated', k2.KeyId],
    ]);
  });

  it('an alias that never existed is NotFoundException; a key ARN is not an alias', async () => {
    expect(await errorOf(admin('GetAliasStateAsOf', { AliasName: 'alias/never' }))).toBe('NotFoundException');
    expect(await errorOf(admin('GetAliasHistory', { AliasName: k1.Arn }))).toBe('ValidationException');
  });
});

describe('the audit trail', () => {
  it('finds records by operation, key, alias, principal, outcome and time, and pages through them', async () => {
    const encrypts = await admin('LookupAuditEvents', { Operation: 'Encrypt' });
    expect(encrypts.Records.map((r) => [r.eventName, r.resources.map((x) => x.ARN)])).toEqual([['Encrypt', [k1.Arn]]]);
    const k1Changes = await admin('LookupAuditEvents', { Key: k1.KeyId, Until: at('03:00') });
    expect(k1Changes.Records.map((r) => r.eventName)).toEqual(['CreateKey', 'CreateAlias', 'Encrypt', 'UpdateAlias', 'DisableKey']);
    const aliasChanges = await admin('LookupAuditEvents', { Alias: 'alias/app', Until: at('03:00') });
    expect(aliasChanges.Records.map((r) => r.eventName)).toEqual(['CreateAlias', 'Encrypt', 'UpdateAlias']);

    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page: AdminOutput<'LookupAuditEvents'> = await admin('LookupAuditEvents', { Key: k1.KeyId, Until: at('03:00'), Limit: 2, ...(token ? { NextToken: token } : {}) });
      pages.push(page.Records.map((r) => r.eventName));
      token = page.NextToken;
    } while (token !== undefined);
    expect(pages).toEqual([['CreateKey', 'CreateAlias'], ['Encrypt', 'UpdateAlias'], ['DisableKey']]);
  });

  it('refuses a malformed key or alias criterion as a ValidationException naming it', async () => {
    expect(await errorOf(admin('LookupAuditEvents', { Key: 'alias/app' }))).toBe('ValidationException');
    expect(await errorOf(admin('LookupAuditEvents', { Alias: 'alias/has space' }))).toBe('ValidationException');
  });
});

describe('who may ask, and the trace each request leaves', () => {
  it('refuses a principal without the auditor or admin role, and records the refusal', async () => {
    const before = await h.store.headPosition();
    const bob = caller({ principalArn: 'arn:aws:iam::111122223333:user/bob' });
    const error = await h.kms.executeAdmin('LookupAuditEvents', {}, { ...bob, roles: [] }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect((error as Error).message).toMatch(/^User: arn:aws:iam::111122223333:user\/bob is not authorized to perform: keyledger:LookupAuditEvents/);
    const after = (await readAll()).filter((e) => e.position > before);
    expect(after.map((e) => [e.type, e.data['operation'], e.data['outcome'], e.data['errorCode']])).toEqual([
      ['RequestRecorded', 'LookupAuditEvents', 'Failure', 'AccessDeniedException'],
    ]);
  });

  it('lets an admin ask too', async () =>
    expect((await admin('GetKeyStateAsOf', { KeyId: k1.KeyId }, { roles: ['admin'] })).Key?.KeyState).toBe('Disabled'));

  it('leaves one read-only record per admin request, naming the key read, the parameters asked and the outcome', async () => {
    const before = await h.store.headPosition();
    await admin('GetKeyHistory', { KeyId: k1.KeyId, At: at('01:00'), Limit: 5 }, { requestId: 'read-1' });
    await errorOf(admin('GetAliasStateAsOf', { AliasName: 'alias/never' }, { requestId: 'read-2' }));
    const after = (await readAll()).filter((e) => e.position > before);
    expect(after.map((e) => e.type)).toEqual(['RequestRecorded', 'RequestRecorded']);
    expect(after[0]?.data).toMatchObject({ requestId: 'read-1', operation: 'GetKeyHistory', readOnly: true, outcome: 'Success', resources: [k1.Arn] });
    expect(after[0]?.metadata['request']).toMatchObject({ parameters: { keyId: k1.KeyId, at: at('01:00'), limit: 5 } });
    expect(after[1]?.data).toMatchObject({ requestId: 'read-2', operation: 'GetAliasStateAsOf', outcome: 'Failure', errorCode: 'NotFoundException' });
    // …and reading the audit trail finds them, as readOnly records of who looked.
    const found = await admin('LookupAuditEvents', { Operation: 'GetKeyHistory', Principal: AUDITOR.principalArn });
    expect(found.Records.at(-1)).toMatchObject({ requestID: 'read-1', readOnly: true, userIdentity: { arn: AUDITOR.principalArn } });
  });
});

describe('verify', () => {
  it('finds the live log intact, with the audit key, the checkpoints and what they do not cover yet', async () => {
    const r = await admin('VerifyLog', {});
    expect(r).toMatchObject({ LogIntact: true, Checkpoints: 1, AuditKeyId: expect.stringMatching(/^[0-9a-f]{16}$/), StartedAt: expect.any(String) });
    expect(r.EventsChecked).toBeGreaterThan(8);
    expect(r.Uncovered).toBeGreaterThan(0); // the admin requests' own records came after the checkpoint
    expect(r.NewestCheckpoint).toMatchObject({ Sequence: 0, Digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('names the first broken link of an edited log', async () => {
    const log = await ArrayLog.copyOf(h.store);
    const target = log.rows.find((e) => e.type === 'KeyDisabled')!;
    log.rows[log.rows.indexOf(target)] = { ...target, data: target.data.replace('{', '{"x":1,') };
    const r = await new VerifyRuns(log, () => h.kms.auditPublicKey(), h.clock).run();
    expect(r).toMatchObject({ LogIntact: false, Problem: { Kind: 'edited', Stream: `key-${k1.Arn}`, Revision: 2 } });
  });

  it('runs once for callers who ask while a run is under way, and afresh after it ended', async () => {
    const runs = new VerifyRuns(h.store, () => h.kms.auditPublicKey(), h.clock);
    const a = runs.run();
    const b = runs.run();
    expect(b).toBe(a);
    const first = await a;
    h.clock.advanceMs(1000);
    const second = await runs.run();
    expect(Date.parse(second.StartedAt) - Date.parse(first.StartedAt)).toBe(1000);
  });
});
