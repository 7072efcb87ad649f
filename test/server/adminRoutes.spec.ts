// The admin API's URL table and parameter validation, without a server.
import { describe, expect, it } from 'vitest';
import { type AdminRouteMatch, isAdminPath, matchAdminRoute, parseAdminInput } from '../../src/server/adminRoutes.js';

const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-1:111122223333:key/${KEY_ID}`;
const ALIAS_ARN = 'arn:aws:kms:us-east-1:111122223333:alias/app/payments';

const parse = (path: string, query = '') => {
  const match = matchAdminRoute(path);
  if (match === undefined) throw new Error(`no route for ${path}`);
  return parseAdminInput(match, query);
};
const input = (path: string, query = '') => {
  const r = parse(path, query);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const refusal = (path: string, query = '') => {
  const r = parse(path, query);
  if (r.ok) throw new Error(`expected ${path}?${query} to be refused`);
  return r.error;
};

describe('which requests are admin requests', () => {
  it.each([
    ['/keyledger/v1/verify', true],
    ['/keyledger/v1/', true],
    ['/keyledger/v1', false],
    ['/keyledger/v2/verify', false],
    ['/', false],
    ['http://127.0.0.1/keyledger/v1/verify', false],
  ])('%s → %s', (url, admin) => expect(isAdminPath(url)).toBe(admin));
});

describe('routes', () => {
  it.each<[string, AdminRouteMatch]>([
    [`/keyledger/v1/keys/${KEY_ID}`, { operation: 'GetKeyStateAsOf', resource: KEY_ID }],
    [`/keyledger/v1/keys/${encodeURIComponent(KEY_ARN)}/history`, { operation: 'GetKeyHistory', resource: encodeURIComponent(KEY_ARN) }],
    ['/keyledger/v1/aliases/payments', { operation: 'GetAliasStateAsOf', resource: 'payments' }],
    ['/keyledger/v1/aliases/alias%2Fpayments/history', { operation: 'GetAliasHistory', resource: 'alias%2Fpayments' }],
    ['/keyledger/v1/audit', { operation: 'LookupAuditEvents' }],
    ['/keyledger/v1/verify', { operation: 'VerifyLog' }],
  ])('%s', (path, match) => expect(matchAdminRoute(path)).toEqual(match));

  it.each([
    '/keyledger/v1/',
    '/keyledger/v1/keys',
    '/keyledger/v1/keys/',
    `/keyledger/v1/keys/${KEY_ID}/`,
    `/keyledger/v1/keys/${KEY_ID}/rotations`,
    `/keyledger/v1/keys/${KEY_ID}/history/more`,
    `/keyledger/v1/keys/${KEY_ARN}`, // an ARN's '/' must be %2F
    '/keyledger/v1/audit/x',
    '/keyledger/v1/verify/',
    '/keyledger/v1/Verify',
    '/keyledger/v1//verify',
    '/keyledger/v1/./verify',
    '/keyledger/v1/keys/../verify',
    `/keyledger/v1/keys/${KEY_ID}/../../verify`,
  ])('nothing at %s', (path) => expect(matchAdminRoute(path)).toBeUndefined());
});

describe('inputs', () => {
  it('a key by id or ARN, at an instant and a position', () => {
    expect(input(`/keyledger/v1/keys/${KEY_ID}`)).toEqual({ KeyId: KEY_ID });
    expect(input(`/keyledger/v1/keys/${encodeURIComponent(KEY_ARN)}`, 'at=2026-01-01T12:00:00%2B01:00&position=42')).toEqual({
      KeyId: KEY_ARN,
      At: '2026-01-01T11:00:00.000Z',
      Position: 42,
    });
  });

  it("reads '+' as the plus sign the signature reads, not a space", () =>
    expect(input(`/keyledger/v1/keys/${KEY_ID}`, 'at=2026-01-01T12:00:00+01:00')).toEqual({ KeyId: KEY_ID, At: '2026-01-01T11:00:00.000Z' }));

  it("a history page; an alias with or without 'alias/', or by ARN", () => {
    expect(input(`/keyledger/v1/keys/${KEY_ID}/history`, 'limit=10&nextToken=abc_-9')).toEqual({ KeyId: KEY_ID, Limit: 10, NextToken: 'abc_-9' });
    expect(input('/keyledger/v1/aliases/payments')).toEqual({ AliasName: 'alias/payments' });
    expect(input('/keyledger/v1/aliases/alias%2Fapp%2Fpayments/history', 'at=2026-01-01')).toEqual({ AliasName: 'alias/app/payments', At: '2026-01-01T00:00:00.000Z' });
    expect(input(`/keyledger/v1/aliases/${encodeURIComponent(ALIAS_ARN)}`)).toEqual({ AliasName: ALIAS_ARN });
  });

  it('every audit criterion, and paging', () =>
    expect(
      input(
        '/keyledger/v1/audit',
        `key=${KEY_ID}&alias=payments&principal=${encodeURIComponent('arn:aws:iam::111122223333:user/alice')}&operation=Decrypt&outcome=failure` +
          '&since=2026-01-01&until=2026-01-02T00:00:00Z&limit=1000&nextToken=t0k3n',
      ),
    ).toEqual({
      Key: KEY_ID,
      Alias: 'alias/payments',
      Principal: 'arn:aws:iam::111122223333:user/alice',
      Operation: 'Decrypt',
      Outcome: 'failure',
      Since: '2026-01-01T00:00:00.000Z',
      Until: '2026-01-02T00:00:00.000Z',
      Limit: 1000,
      NextToken: 't0k3n',
    }));

  it('verify takes nothing; empty query parts are nothing', () => {
    expect(input('/keyledger/v1/verify')).toEqual({});
    expect(input('/keyledger/v1/verify', '&&')).toEqual({});
  });
});

describe('refusals: ValidationException, AWS-worded, every violation named', () => {
  it.each([
    ['/keyledger/v1/audit', 'limit=0', "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"],
    ['/keyledger/v1/audit', 'limit=1001', "Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000"],
    ['/keyledger/v1/audit', 'limit=ten', "Value 'ten' at 'limit' failed to satisfy constraint: Member must be a whole number"],
    ['/keyledger/v1/audit', 'limit=-1', 'Member must be a whole number'],
    ['/keyledger/v1/audit', 'since=yesterday', "Value 'yesterday' at 'since' failed to satisfy constraint: Member must be an ISO-8601 time"],
    ['/keyledger/v1/audit', 'until=2026-01-01T10:00', "at 'until'"],
    [`/keyledger/v1/keys/${KEY_ID}`, 'at=2026-02-30', "at 'at'"],
    [`/keyledger/v1/keys/${KEY_ID}`, 'position=1.5', "Value '1.5' at 'position' failed to satisfy constraint: Member must be a log position"],
    ['/keyledger/v1/audit', 'outcome=maybe', 'Member must satisfy enum value set: [success, failure]'],
    ['/keyledger/v1/audit', 'operation=Drop%20Table', "at 'operation'"],
    ['/keyledger/v1/audit', 'principal=', "Value '' at 'principal'"],
    ['/keyledger/v1/audit', 'key=a%20b', "at 'key'"],
    ['/keyledger/v1/audit', 'nextToken=not+base64url', "at 'nextToken'"],
    ['/keyledger/v1/audit', 'Limit=5', "'Limit' is not a parameter of LookupAuditEvents"],
    [`/keyledger/v1/keys/${KEY_ID}`, 'limit=5', "'limit' is not a parameter of GetKeyStateAsOf"],
    ['/keyledger/v1/verify', 'at=2026-01-01', "'at' is not a parameter of VerifyLog"],
    ['/keyledger/v1/audit', 'limit=5&limit=6', "'limit' is given more than once"],
    ['/keyledger/v1/audit', 'since=%E0%A4%A', 'malformed percent-encoding'],
    ['/keyledger/v1/keys/%ZZ', '', 'the keyId in the path has a malformed percent-encoding'],
    ['/keyledger/v1/aliases/has%20space', '', "at 'aliasName'"],
  ])('%s?%s', (path, query, message) => {
    const error = refusal(path, query);
    expect(error).toMatchObject({ type: 'ValidationException', status: 400 });
    expect(error.message).toMatch(/^\d+ validation errors? detected: /);
    expect(error.message).toContain(message);
  });

  it('names every violation at once', () =>
    expect(refusal('/keyledger/v1/audit', 'limit=0&outcome=x&bogus=1').message).toMatch(/^3 validation errors detected: /));

  it('echoes a long value only in part', () => {
    const message = refusal('/keyledger/v1/audit', `since=${'9'.repeat(5000)}`).message;
    expect(message.length).toBeLessThan(300);
    expect(message).toContain(`'${'9'.repeat(100)}…'`);
  });
});
