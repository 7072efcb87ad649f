// Aliases and the key snapshots their commands carry, with literal instants.
import { aliasDecider, type AliasCommand, type AliasEvent } from '../../../src/domain/alias/index.js';
import { aliasArnOf, keyArnOf, type AliasArn, type AliasName, type KeyArn, type KeyId } from '../../../src/domain/ids.js';
import type { Key, KeyEvent } from '../../../src/domain/key/index.js';
import { givenFor } from '../given.js';
import { given as givenKey, keyCreated, scope, T0 } from '../key/fixtures.js';

export { scope, T0 };
export const T1 = '2024-02-01T00:00:00.000Z';
export const T2 = '2024-03-01T00:00:00.000Z';

export const NAME = 'alias/payments';
export const ALIAS_ARN: AliasArn = aliasArnOf(scope, NAME as AliasName);

export const given = givenFor(aliasDecider);

/** A key snapshot: key `n` of the test account, folded from its events. */
export const keyIdOf = (n: number): KeyId => `0000000${n}-0000-4000-8000-000000000000` as KeyId;
export const keyArnOfN = (n: number): KeyArn => keyArnOf(scope, keyIdOf(n));
export const snapshot = (n: number, created: Partial<Extract<KeyEvent, { type: 'KeyCreated' }>['data']> = {}, ...more: KeyEvent[]): Key =>
  givenKey([keyCreated({ keyId: keyIdOf(n), keyArn: keyArnOfN(n), ...created }), ...more]).state();

export const enabledKey = (n: number): Key => snapshot(n);
export const disabledKey = (n: number): Key => snapshot(n, {}, { type: 'KeyDisabled', data: { at: T0 } });
export const pendingKey = (n: number): Key =>
  snapshot(n, {}, { type: 'KeyDeletionScheduled', data: { at: T0, deletionDate: '2024-01-31T00:00:00.000Z', pendingWindowInDays: 30 } });
export const deletedKey = (n: number): Key =>
  snapshot(
    n,
    {},
    { type: 'KeyDeletionScheduled', data: { at: T0, deletionDate: '2024-01-31T00:00:00.000Z', pendingWindowInDays: 30 } },
    { type: 'KeyDeleted', data: { at: '2024-01-31T00:00:00.000Z' } },
  );
export const signingKey = (n: number): Key => snapshot(n, { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' });

// ---- events and commands ------------------------------------------------------------------

export const aliasCreated = (target = 1, at = T0): AliasEvent => ({
  type: 'AliasCreated',
  data: { aliasName: NAME, aliasArn: ALIAS_ARN, targetKeyId: keyIdOf(target), at },
});
export const aliasUpdated = (target: number, previous: number, at = T1): AliasEvent => ({
  type: 'AliasUpdated',
  data: { targetKeyId: keyIdOf(target), previousTargetKeyId: keyIdOf(previous), at },
});
export const aliasDeleted = (at = T1): AliasEvent => ({ type: 'AliasDeleted', data: { at } });

type Fields<T extends AliasCommand['type']> = Partial<Omit<Extract<AliasCommand, { type: T }>, 'type'>>;

export const createAlias = (target: Key, targetKeyArn: KeyArn, fields: Fields<'CreateAlias'> = {}): AliasCommand => ({
  type: 'CreateAlias',
  aliasName: NAME,
  aliasArn: ALIAS_ARN,
  targetKeyArn,
  target,
  aliasesOnTarget: 0,
  now: T2,
  ...fields,
});

export const updateAlias = (
  newTarget: Key,
  targetKeyArn: KeyArn,
  currentTarget: Key,
  fields: Fields<'UpdateAlias'> = {},
): AliasCommand => ({ type: 'UpdateAlias', aliasArn: ALIAS_ARN, targetKeyArn, newTarget, currentTarget, aliasesOnTarget: 0, now: T2, ...fields });

export const deleteAlias = (aliasArn: AliasArn = ALIAS_ARN): AliasCommand => ({ type: 'DeleteAlias', aliasArn, now: T2 });
