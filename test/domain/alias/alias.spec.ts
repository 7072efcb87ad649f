// Alias rules: CreateAlias, UpdateAlias, DeleteAlias (reference/aws-kms-api.md §1.3 and the
// key-state table in §5), decided on snapshots of the keys involved.
import { describe, expect, it } from 'vitest';
import { aliasDecider } from '../../../src/domain/alias/index.js';
import { aliasArnOf, keyArnOf, type AliasName, type KeyId } from '../../../src/domain/ids.js';
import {
  ALIAS_ARN,
  aliasCreated,
  aliasDeleted,
  aliasUpdated,
  createAlias,
  deleteAlias,
  deletedKey,
  disabledKey,
  enabledKey,
  given,
  keyArnOfN,
  keyIdOf,
  NAME,
  pendingKey,
  scope,
  signingKey,
  snapshot,
  T0,
  T1,
  T2,
  updateAlias,
} from './fixtures.js';

const K1 = keyArnOfN(1);
const K2 = keyArnOfN(2);

describe('CreateAlias', () => {
  it('records the alias and its target key id', () =>
    given([]).when(createAlias(enabledKey(1), K1)).then([aliasCreated(1, T2)]));

  it('makes an Active alias created and last updated now', () =>
    given([]).when(createAlias(enabledKey(1), K1)).thenState((alias) =>
      expect(alias).toEqual({ status: 'Active', aliasName: NAME, aliasArn: ALIAS_ARN, targetKeyId: keyIdOf(1), createdAt: T2, lastUpdatedAt: T2 }),
    ));

  it('accepts a Disabled target', () => given([]).when(createAlias(disabledKey(1), K1)).then([aliasCreated(1, T2)]));

  it('refuses a target pending deletion', () =>
    given([]).when(createAlias(pendingKey(1), K1)).thenThrows('KMSInvalidStateException', `${K1} is pending deletion.`));

  it.each([
    ['a key that never existed', { status: 'Nonexistent' } as const],
    ['a deleted key', deletedKey(1)],
  ])('refuses %s as target', (_, target) =>
    given([]).when(createAlias(target, K1)).thenThrows('NotFoundException', `Key '${K1}' does not exist`));

  it('refuses a target in another account (alias and key share account and Region)', () => {
    const foreign = keyArnOf({ account: '999999999999', region: scope.region }, keyIdOf(1) as KeyId);
    const target = snapshot(1, { keyArn: foreign, account: '999999999999' });
    given([]).when(createAlias(target, foreign)).thenThrows('NotFoundException', `Key '${foreign}' does not exist`);
  });

  it.each(['alias/has space', 'payments', 'alias/', 'alias/a:b', `alias/${'x'.repeat(251)}`])('refuses the name %j', (name) =>
    given([]).when(createAlias(enabledKey(1), K1, { aliasName: name })).thenThrows('ValidationException'));

  it('refuses the reserved prefix alias/aws/', () => {
    const name = 'alias/aws/ebs';
    given([])
      .when(createAlias(enabledKey(1), K1, { aliasName: name, aliasArn: aliasArnOf(scope, name as AliasName) }))
      .thenThrows('NotAuthorizedException');
  });

  it('refuses a name that is taken', () =>
    given([aliasCreated(2)])
      .when(createAlias(enabledKey(1), K1))
      .thenThrows('AlreadyExistsException', `An alias with the name ${ALIAS_ARN} already exists`));

  it('allows the 50th alias of a key and refuses the 51st', () => {
    given([]).when(createAlias(enabledKey(1), K1, { aliasesOnTarget: 49 })).then([aliasCreated(1, T2)]);
    given([]).when(createAlias(enabledKey(1), K1, { aliasesOnTarget: 50 })).thenThrows('LimitExceededException');
  });

  it('creates the alias again after it was deleted, in the same stream', () =>
    given([aliasCreated(2, T0), aliasDeleted(T1)]).when(createAlias(enabledKey(1), K1)).thenState((alias) =>
      expect(alias).toMatchObject({ status: 'Active', targetKeyId: keyIdOf(1), createdAt: T2 }),
    ));

  it('treats a snapshot of another key than the one named as a bug', () =>
    expect(() => aliasDecider.decide(createAlias(enabledKey(1), K2), { status: 'Nonexistent' })).toThrow(/snapshot/));

  it('treats an alias ARN that does not name the alias as a bug', () =>
    expect(() => aliasDecider.decide(createAlias(enabledKey(1), K1, { aliasName: 'alias/other' }), { status: 'Nonexistent' })).toThrow(
      /does not name/,
    ));
});

describe('UpdateAlias', () => {
  const moved = [aliasCreated(1)];

  it('points the alias at the new key and records the previous one', () =>
    given(moved).when(updateAlias(enabledKey(2), K2, enabledKey(1))).then([aliasUpdated(2, 1, T2)]));

  it('updates lastUpdatedAt and keeps createdAt', () =>
    given(moved).when(updateAlias(enabledKey(2), K2, enabledKey(1))).thenState((alias) =>
      expect(alias).toMatchObject({ targetKeyId: keyIdOf(2), createdAt: T0, lastUpdatedAt: T2 }),
    ));

  it.each([
    ['never created', []],
    ['deleted', [aliasCreated(1), aliasDeleted()]],
  ] as const)('refuses an alias that was %s', (_, history) =>
    given(history).when(updateAlias(enabledKey(2), K2, enabledKey(1))).thenThrows('NotFoundException', `Alias ${ALIAS_ARN} is not found.`));

  it('refuses a new target pending deletion', () =>
    given(moved).when(updateAlias(pendingKey(2), K2, enabledKey(1))).thenThrows('KMSInvalidStateException', `${K2} is pending deletion.`));

  it.each([
    ['that never existed', { status: 'Nonexistent' } as const],
    ['that was deleted', deletedKey(2)],
  ])('refuses a new target %s', (_, target) =>
    given(moved).when(updateAlias(target, K2, enabledKey(1))).thenThrows('NotFoundException', `Key '${K2}' does not exist`));

  it('moves an alias away from a key pending deletion, and onto a Disabled key', () =>
    given(moved).when(updateAlias(disabledKey(2), K2, pendingKey(1))).then([aliasUpdated(2, 1, T2)]));

  it('refuses a new target with another key usage', () =>
    given([aliasCreated(1)]).when(updateAlias(signingKey(2), K2, enabledKey(1))).thenThrows('ValidationException'));

  it('refuses a new target of another key type with the same usage (RSA vs symmetric ENCRYPT_DECRYPT)', () =>
    given([aliasCreated(1)])
      .when(updateAlias(snapshot(2, { keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT' }), K2, enabledKey(1)))
      .thenThrows('ValidationException'));

  it('accepts another spec of the same type and usage (RSA and ECC signing keys are both asymmetric)', () =>
    given([aliasCreated(1)])
      .when(updateAlias(snapshot(2, { keySpec: 'ECC_NIST_P256', keyUsage: 'SIGN_VERIFY' }), K2, signingKey(1)))
      .then([aliasUpdated(2, 1, T2)]));

  it('records nothing when the alias already points at the key', () =>
    given(moved).when(updateAlias(enabledKey(1), K1, enabledKey(1))).thenNothing());

  it('refuses a new target that already has 50 aliases', () =>
    given(moved).when(updateAlias(enabledKey(2), K2, enabledKey(1), { aliasesOnTarget: 50 })).thenThrows('LimitExceededException'));

  it('refuses the reserved prefix', () => {
    const arn = aliasArnOf(scope, 'alias/aws/s3' as AliasName);
    given([]).when(updateAlias(enabledKey(2), K2, enabledKey(1), { aliasArn: arn })).thenThrows('NotAuthorizedException');
  });

  it('treats a current-target snapshot that is not the alias’s target as a bug (stale view)', () =>
    expect(() => given(moved).when(updateAlias(enabledKey(2), K2, enabledKey(3))).thenNothing()).toThrow(/stale|not the target/));

  it('follows a chain of updates', () =>
    given([aliasCreated(1), aliasUpdated(2, 1)]).when(updateAlias(enabledKey(1), K1, enabledKey(2))).then([aliasUpdated(1, 2, T2)]));
});

describe('DeleteAlias', () => {
  it('deletes an Active alias', () => given([aliasCreated(1)]).when(deleteAlias()).then([aliasDeleted(T2)]));

  it('leaves a Deleted alias that remembers its name', () =>
    given([aliasCreated(1)]).when(deleteAlias()).thenState((alias) =>
      expect(alias).toEqual({ status: 'Deleted', aliasName: NAME, aliasArn: ALIAS_ARN, deletedAt: T2 }),
    ));

  it.each([
    ['never created', []],
    ['already deleted', [aliasCreated(1), aliasDeleted()]],
  ] as const)('refuses an alias that was %s', (_, history) =>
    given(history).when(deleteAlias()).thenThrows('NotFoundException', `Alias ${ALIAS_ARN} is not found.`));

  it('refuses the reserved prefix', () =>
    given([]).when(deleteAlias(aliasArnOf(scope, 'alias/aws/ebs' as AliasName))).thenThrows('NotAuthorizedException'));
});

describe('alias evolve', () => {
  it('ignores events that do not apply', () => {
    const active = given([aliasCreated(1)]).state();
    expect(aliasDecider.evolve(active, aliasCreated(2))).toBe(active);
    expect(given([aliasUpdated(2, 1)]).state()).toEqual({ status: 'Nonexistent' });
    expect(given([aliasDeleted()]).state()).toEqual({ status: 'Nonexistent' });
    const deleted = given([aliasCreated(1), aliasDeleted()]).state();
    expect(aliasDecider.evolve(deleted, aliasUpdated(2, 1))).toBe(deleted);
    expect(aliasDecider.evolve(deleted, aliasDeleted())).toBe(deleted);
  });
});
