// The audit projection over hand-written events: one CloudTrail record per request, whatever
// the interleaving; a refusal's errorCode; the service's own actions; filters; and, as a
// property, no record ever carries wrapped key material.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesAudit } from '../../src/projections/auditFilter.js';
import { AuditTrail, auditTrail, recordKeyOf } from '../../src/projections/auditTrail.js';
import { usageCounts } from '../../src/projections/usageCounts.js';
import type { JsonObject, RecordedEvent } from '../../src/store/eventStore.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const K1 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const K2 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const ALIAS = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`;
const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
const AT = '2026-01-01T10:20:30.456Z';

let position = 0;
const event = (stream: string, type: string, data: JsonObject, metadata: JsonObject): RecordedEvent => {
  position += 1;
  return { id: `e${position}`, stream, revision: 0, position, type, data, metadata };
};

const meta = (requestId: string, operation: string, parameters: JsonObject = {}, principalArn = ALICE): JsonObject => ({
  occurredAt: AT,
  actor: { principalArn, account: ACCOUNT, accessKeyId: 'AKIAEXAMPLE' },
  request: { requestId, operation, region: REGION, sourceIp: '10.0.0.1', userAgent: 'aws-cli/2', parameters },
});
const serviceMeta = (operation: string): JsonObject => ({ occurredAt: AT, actor: { principalArn: 'kms.amazonaws.com', account: ACCOUNT }, request: { operation, region: REGION } });

const keyCreated = (arn: string, requestId: string, wrapped = 'V1JBUFBFRA=='): RecordedEvent =>
  event(`key-${arn}`, 'KeyCreated', {
    keyId: arn.slice(arn.lastIndexOf('/') + 1), keyArn: arn, account: ACCOUNT, region: REGION, at: AT, description: 'd', keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', multiRegion: false, policy: '{}', tags: [], material: { keyMaterialId: 'a'.repeat(64), wrapped },
  }, meta(requestId, 'CreateKey', { description: 'd' }));
const keyUsed = (arn: string, requestId: string, operation: string): RecordedEvent =>
  event(`key-${arn}`, 'KeyUsed', { at: AT, operation, requestId, algorithm: 'SYMMETRIC_DEFAULT', encryptionContextDigest: 'b'.repeat(64) }, meta(requestId, operation, { keyId: arn }));
const recorded = (requestId: string, operation: string, resources: string[], error?: { errorCode: string; errorMessage: string }): RecordedEvent =>
  event(`audit-${ACCOUNT}-${REGION}-2026-01-01`, 'RequestRecorded', {
    at: AT, requestId, operation, readOnly: operation === 'DescribeKey', outcome: error ? 'Failure' : 'Success', ...error, resources,
  }, meta(requestId, operation, { keyId: resources[0] ?? 'alias/app' }));

describe('auditTrail', () => {
  it('a ReEncrypt interleaved with another request is one record, both keys its resources', () => {
    const entries = auditTrail([keyUsed(K1, 'r1', 'ReEncrypt'), keyUsed(K2, 'r2', 'Encrypt'), keyUsed(K2, 'r1', 'ReEncrypt')]);
    expect(entries.map((e) => e.record.requestID)).toEqual(['r1', 'r2']);
    const [reEncrypt] = entries;
    expect(reEncrypt?.record).toMatchObject({
      eventVersion: '1.08', eventSource: 'kms.amazonaws.com', eventName: 'ReEncrypt', eventTime: '2026-01-01T10:20:30Z', awsRegion: REGION,
      sourceIPAddress: '10.0.0.1', userAgent: 'aws-cli/2', eventID: 'e1', readOnly: true, eventType: 'AwsApiCall', managementEvent: true,
      eventCategory: 'Management', recipientAccountId: ACCOUNT,
      userIdentity: { type: 'IAMUser', principalId: 'alice', arn: ALICE, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLE' },
      responseElements: { keyId: K2, sourceKeyId: K1, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: K1 }, { accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: K2 }],
    });
    expect(reEncrypt?.record.errorCode).toBeUndefined();
  });

  it('a ReEncrypt whose destination refused carries the refusal, and no response', () => {
    const [entry] = auditTrail([keyUsed(K1, 'r1', 'ReEncrypt'), recorded('r1', 'ReEncrypt', [K1, K2], { errorCode: 'DisabledException', errorMessage: 'disabled' })]);
    expect(entry?.record).toMatchObject({ errorCode: 'DisabledException', errorMessage: 'disabled', responseElements: null });
    expect(entry?.record.resources.map((r) => r.ARN)).toEqual([K1, K2]);
    // Members in CloudTrail's order, the error right after userAgent; none set undefined.
    expect(Object.keys(entry?.record ?? {})).toEqual([
      'eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName', 'awsRegion', 'sourceIPAddress', 'userAgent', 'errorCode', 'errorMessage',
      'requestParameters', 'responseElements', 'requestID', 'eventID', 'readOnly', 'resources', 'eventType', 'managementEvent', 'recipientAccountId', 'eventCategory',
    ]);
    const [success] = auditTrail([keyUsed(K1, 'r2', 'Encrypt')]);
    expect(Object.keys(success?.record ?? {})).not.toContain('errorCode');
    expect(Object.values(success?.record ?? {})).not.toContain(undefined);
  });

  it('CreateKey answers a keyMetadata subset; a read answers null', () => {
    const [create, describe] = auditTrail([keyCreated(K1, 'c'), recorded('d', 'DescribeKey', [K1])]);
    expect(create?.record.responseElements).toEqual({
      keyMetadata: expect.objectContaining({ keyId: '11111111-1111-1111-1111-111111111111', arn: K1, keyState: 'Enabled', keySpec: 'SYMMETRIC_DEFAULT' }),
    });
    expect(create?.record.readOnly).toBe(false);
    expect(describe?.record).toMatchObject({ eventName: 'DescribeKey', readOnly: true, responseElements: null, requestParameters: { keyId: K1 } });
  });

  it("the service's rotation and deletion are AwsServiceEvents named as CloudTrail names them", () => {
    const entries = auditTrail([
      event(`key-${K1}`, 'KeyMaterialRotated', { at: AT, rotationType: 'AUTOMATIC', material: { keyMaterialId: 'c'.repeat(64), wrapped: 'U0VDUkVU' } }, serviceMeta('RotateKey')),
      event(`key-${K2}`, 'KeyDeleted', { at: AT }, serviceMeta('DeleteKey')),
    ]);
    expect(entries.map((e) => [e.record.eventName, e.record.eventType, e.record.userIdentity.type, e.record.requestID])).toEqual([
      ['RotateKey', 'AwsServiceEvent', 'AWSService', null],
      ['DeleteKey', 'AwsServiceEvent', 'AWSService', null],
    ]);
    expect(entries.filter((e) => matchesAudit({ principalArn: 'kms.amazonaws.com', keyArn: K2 }, e)).map((e) => e.record.eventName)).toEqual(['DeleteKey']);
  });

  it('a request refused at the edge takes its account and Region from its audit stream', () => {
    const [entry] = auditTrail([
      event(`audit-${ACCOUNT}-eu-west-1-2026-01-01`, 'RequestRejected', { at: AT, requestId: 'x', stage: 'authentication', errorCode: 'IncompleteSignatureException', sourceIp: '10.0.0.9' }, { occurredAt: AT }),
    ]);
    expect(entry?.record).toMatchObject({ requestID: 'x', errorCode: 'IncompleteSignatureException', awsRegion: 'eu-west-1', recipientAccountId: ACCOUNT, requestParameters: null, userIdentity: { type: 'Unknown' } });
  });

  it('alias events name the key they point at, before and after', () => {
    const entries = auditTrail([
      event(`alias-${ALIAS}`, 'AliasCreated', { aliasName: 'alias/app', aliasArn: ALIAS, targetKeyId: K1.slice(-36), at: AT }, meta('a1', 'CreateAlias', { aliasName: 'alias/app' })),
      event(`alias-${ALIAS}`, 'AliasDeleted', { at: AT }, meta('a2', 'DeleteAlias', { aliasName: 'alias/app' })),
    ]);
    expect(entries.map((e) => e.record.resources.map((r) => r.ARN))).toEqual([[K1], [K1]]);
    expect(entries.every((e) => matchesAudit({ aliasArn: ALIAS, keyArn: K1 }, e))).toBe(true);
  });

  it('one record by its key, as entries() builds it; forgotten, it is gone but its alias is still followed', () => {
    const trail = new AuditTrail();
    const created = event(`alias-${ALIAS}`, 'AliasCreated', { aliasName: 'alias/app', aliasArn: ALIAS, targetKeyId: K1.slice(-36), at: AT }, meta('a1', 'CreateAlias'));
    const used = [keyUsed(K1, 'r1', 'ReEncrypt'), keyUsed(K2, 'r1', 'ReEncrypt')];
    for (const e of [created, ...used]) trail.apply(e);
    expect(used.map(recordKeyOf)).toEqual(['request:r1', 'request:r1']);
    expect(trail.entry('request:r1')).toEqual([...trail.entries()][1]);
    trail.forget('request:a1');
    expect([...trail.entries()].map((e) => e.record.requestID)).toEqual(['r1']);
    trail.apply(event(`alias-${ALIAS}`, 'AliasDeleted', { at: AT }, meta('a2', 'DeleteAlias')));
    expect(trail.entry('request:a2')?.record.resources.map((r) => r.ARN)).toEqual([K1]);
    expect(recordKeyOf(event('$checkpoints', 'CheckpointRecorded', {}, {}))).toBeUndefined();
  });

  it('filters by key, outcome, principal, operation and time', () => {
    const entries = auditTrail([keyUsed(K1, 'ok', 'Encrypt'), recorded('no', 'Decrypt', [K2], { errorCode: 'DisabledException', errorMessage: 'm' })]);
    const ids = (filter: Parameters<typeof matchesAudit>[0]): (string | null)[] => entries.filter((e) => matchesAudit(filter, e)).map((e) => e.record.requestID);
    expect(ids({ keyArn: K2, outcome: 'failure' })).toEqual(['no']);
    expect(ids({ outcome: 'success' })).toEqual(['ok']);
    expect(ids({ principalArn: ALICE, operation: 'Encrypt' })).toEqual(['ok']);
    expect(ids({ since: '2026-01-01T10:20:30Z', until: '2026-01-01T10:20:31Z' })).toEqual(['ok', 'no']);
    expect(ids({ until: '2026-01-01T10:20:30Z' })).toEqual([]);
  });

  it('usage counts KeyUsed per key and operation', () => {
    expect(usageCounts([keyUsed(K1, 'a', 'Encrypt'), keyUsed(K1, 'b', 'Encrypt'), keyUsed(K2, 'c', 'Decrypt')], 'operation')).toEqual([
      { keyArn: K1, group: 'Encrypt', count: 2 },
      { keyArn: K2, group: 'Decrypt', count: 1 },
    ]);
  });

  it('property: one record per request id, and no record holds wrapped material', () => {
    const arbSecret = fc.base64String({ minLength: 24, maxLength: 44 }).map((s) => `SECRET${s}`);
    const arbEvent = fc.tuple(fc.constantFrom('r1', 'r2', 'r3', 'r4'), fc.constantFrom(K1, K2), arbSecret, fc.nat(3)).map(([rid, arn, secret, kind]) => {
      switch (kind) {
        case 0: return keyCreated(arn, rid, secret);
        case 1: return keyUsed(arn, rid, 'Decrypt');
        case 2: return event(`key-${arn}`, 'KeyMaterialRotated', { at: AT, rotationType: 'ON_DEMAND', material: { keyMaterialId: 'd'.repeat(64), wrapped: secret } }, meta(rid, 'RotateKeyOnDemand', { keyId: arn }));
        default: return recorded(rid, 'Encrypt', [arn], { errorCode: 'DisabledException', errorMessage: 'm' });
      }
    });
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 30 }), (events) => {
        const records = auditTrail(events).map((e) => e.record);
        expect(records.map((r) => r.requestID).sort()).toEqual([...new Set(events.map((e) => (e.metadata['request'] as JsonObject)['requestId']))].sort());
        const text = JSON.stringify(records);
        expect(text).not.toContain('"wrapped"');
        expect(text).not.toContain('SECRET');
      }),
    );
  });
});
