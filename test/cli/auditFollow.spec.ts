// The bookkeeping behind `keyledger audit --follow`, over hand-written events and a clock
// passed in: a record comes out once its request has been quiet for the settle time, in log
// order, and never twice. (The real binary tailing a real server: followCommand.spec.ts.)
import { describe, expect, it } from 'vitest';
import { FollowedTrail, REMEMBER_MS } from '../../src/cli/auditFollow.js';
import type { JsonObject, RecordedEvent } from '../../src/store/eventStore.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const K1 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/11111111-1111-1111-1111-111111111111`;
const K2 = `arn:aws:kms:${REGION}:${ACCOUNT}:key/22222222-2222-2222-2222-222222222222`;
const ALIAS = `arn:aws:kms:${REGION}:${ACCOUNT}:alias/app`;
const SETTLE = 1000;

let position = 0;
const event = (stream: string, type: string, data: JsonObject, requestId: string, operation: string): RecordedEvent => {
  position += 1;
  const metadata = {
    occurredAt: '2026-01-01T00:00:00.000Z',
    actor: { principalArn: `arn:aws:iam::${ACCOUNT}:user/alice`, account: ACCOUNT },
    request: { requestId, operation, region: REGION, parameters: {} },
  };
  return { id: `e${position}`, stream, revision: 0, position, type, data, metadata };
};
const keyUsed = (arn: string, requestId: string, operation = 'Encrypt'): RecordedEvent =>
  event(`key-${arn}`, 'KeyUsed', { at: '2026-01-01T00:00:00.000Z', operation, requestId }, requestId, operation);
const refused = (requestId: string, operation: string, errorCode: string): RecordedEvent =>
  event(`audit-${ACCOUNT}-${REGION}-2026-01-01`, 'RequestRecorded', { requestId, operation, outcome: 'Failure', errorCode, resources: [K1, K2] }, requestId, operation);
const aliasEvent = (type: string, target: string, requestId: string, operation: string): RecordedEvent =>
  event(`alias-${ALIAS}`, type, { targetKeyId: target.slice(target.lastIndexOf('/') + 1) }, requestId, operation);

const ids = (entries: readonly { record: { requestID: string | null } }[]): (string | null)[] => entries.map((e) => e.record.requestID);

describe('FollowedTrail', () => {
  it('prints a request once it has been quiet for the settle time, whole, even when read in two polls', () => {
    const trail = new FollowedTrail({}, SETTLE);
    trail.apply([keyUsed(K1, 'r1', 'ReEncrypt')], 0);
    expect(trail.settled(900)).toEqual([]);
    trail.apply([refused('r1', 'ReEncrypt', 'DisabledException')], 900);
    expect(trail.settled(1500)).toEqual([]);
    const [record] = trail.settled(1900);
    expect(record?.record).toMatchObject({ requestID: 'r1', eventName: 'ReEncrypt', errorCode: 'DisabledException' });
    expect(trail.settled(10_000)).toEqual([]);
  });

  it('keeps log order: a request still settling holds back a later one that is final', () => {
    const trail = new FollowedTrail({}, SETTLE);
    trail.apply([keyUsed(K1, 'a', 'ReEncrypt'), keyUsed(K1, 'b')], 0);
    trail.apply([keyUsed(K2, 'a', 'ReEncrypt')], 800);
    expect(ids(trail.settled(1200))).toEqual([]);
    expect(ids(trail.settled(1800))).toEqual(['a', 'b']);
  });

  it('never prints a request twice: an event after its record reports the request instead', () => {
    const trail = new FollowedTrail({}, SETTLE);
    trail.apply([keyUsed(K1, 'r1', 'ReEncrypt')], 0);
    expect(ids(trail.settled(1000))).toEqual(['r1']);
    expect(trail.apply([keyUsed(K2, 'r1', 'ReEncrypt'), keyUsed(K2, 'r2')], 5000)).toEqual(['request:r1']);
    expect(ids(trail.settled(7000))).toEqual(['r2']);
  });

  it('forgets a printed request after REMEMBER_MS, so that a long follow stays bounded', () => {
    const trail = new FollowedTrail({}, SETTLE);
    trail.apply([keyUsed(K1, 'old')], 0);
    trail.settled(SETTLE);
    trail.settled(SETTLE + REMEMBER_MS);
    expect(trail.apply([keyUsed(K1, 'old')], SETTLE + REMEMBER_MS)).toEqual([]);
  });

  it('drops the records the filter does not match, for good and without a word', () => {
    const trail = new FollowedTrail({ outcome: 'failure' }, SETTLE);
    trail.apply([keyUsed(K1, 'ok'), refused('no', 'Encrypt', 'DisabledException')], 0);
    expect(ids(trail.settled(1000))).toEqual(['no']);
    expect(trail.apply([keyUsed(K1, 'ok')], 1000)).toEqual([]);
    expect(ids(trail.settled(5000))).toEqual([]);
  });

  it('through a position: only requests that began by then, and whether any is still settling', () => {
    const trail = new FollowedTrail({}, SETTLE);
    const first = keyUsed(K1, 'before');
    trail.apply([first, keyUsed(K1, 'after')], 0);
    expect(trail.settling(first.position)).toBe(true);
    expect(ids(trail.settled(1000, first.position))).toEqual(['before']);
    expect(trail.settling(first.position)).toBe(false);
    expect(trail.settling()).toBe(true);
  });

  it('still follows an alias whose records are printed: a later move names the key it left', () => {
    const trail = new FollowedTrail({}, SETTLE);
    trail.apply([aliasEvent('AliasCreated', K1, 'c', 'CreateAlias')], 0);
    trail.settled(1000);
    trail.apply([event(`alias-${ALIAS}`, 'AliasUpdated', { targetKeyId: K2.slice(-36) }, 'u', 'UpdateAlias')], 2000);
    const [update] = trail.settled(3000);
    expect(update?.record.resources.map((r) => r.ARN)).toEqual([K1, K2]);
  });
});
