// Key lifecycle rules: CreateKey, existence, UpdateKeyDescription, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, FinishKeyDeletion (reference/aws-kms-api.md §1.1 and
// the key-state table in §5).
import { describe, expect, it } from 'vitest';
import { keyDecider } from '../../../src/domain/key/index.js';
import { refusal } from '../given.js';
import {
  ARN,
  command,
  createKey,
  deletionCanceled,
  deletionScheduled,
  everyCommandButCreate,
  given,
  gone,
  histories,
  keyCreated,
  keyDeleted,
  keyDisabled,
  material,
  schedulerCommands,
  T0,
  T2,
  T3,
} from './fixtures.js';

describe('CreateKey', () => {
  it('records KeyCreated with everything the command carries', () =>
    given([]).when(createKey()).then([keyCreated()]));

  it('creates an Enabled key with one material, rotation off (365 days) and no on-demand rotations', () =>
    given([]).when(createKey({ tags: [{ TagKey: 'team', TagValue: 'payments' }] })).thenState((key) => {
      expect(key.status).toBe('Enabled');
      if (key.status !== 'Enabled') return;
      expect(key.materials).toEqual([{ ...material(1), createdAt: T0 }]);
      expect(key.rotation).toEqual({ enabled: false, periodInDays: 365 });
      expect(key.onDemandRotations).toBe(0);
      expect(key.tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
      expect(key.createdAt).toBe(T0);
    }));

  it.each(Object.entries({ ...histories, Deleted: gone.Deleted }))('refuses a key that already exists (%s)', (_, history) =>
    given(history).when(createKey()).thenThrows('AlreadyExistsException', `Key '${ARN}' already exists`));

  it('refuses a key usage the key spec does not allow', () =>
    given([])
      .when(createKey({ keySpec: 'ECC_SECG_P256K1', keyUsage: 'KEY_AGREEMENT' }))
      .thenThrows('ValidationException', 'KeyUsage KEY_AGREEMENT is not compatible with KeySpec ECC_SECG_P256K1'));

  it('accepts the other key specs with a usage they allow', () =>
    given([]).when(createKey({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' })).thenState((key) =>
      expect(key.status).toBe('Enabled'),
    ));

  it.each(['EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const)('refuses origin %s (no PendingImport state yet)', (origin) =>
    given([]).when(createKey({ origin })).thenThrows('UnsupportedOperationException'));

  it('refuses a description over 8192 characters', () =>
    given([]).when(createKey({ description: 'x'.repeat(8193) })).thenThrows('ValidationException'));

  it('applies the tag rules', () => {
    given([]).when(createKey({ tags: [{ TagKey: 'aws:x', TagValue: '' }] })).thenThrows('TagException');
    given([])
      .when(createKey({ tags: Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: '' })) }))
      .thenThrows('TagException', 'Too many tags');
  });

  it('applies the policy rules', () => {
    given([]).when(createKey({ policy: 'not json' })).thenThrows('MalformedPolicyDocumentException');
    given([]).when(createKey({ policy: `{"a":"${'x'.repeat(32_768)}"}` })).thenThrows('LimitExceededException');
  });

  it('treats ids that do not match as a bug, not a refusal', () => {
    expect(() => keyDecider.decide(createKey({ multiRegion: true }), { status: 'Nonexistent' })).toThrow(/MultiRegion/);
    expect(() => keyDecider.decide(createKey({ account: '999999999999' }), { status: 'Nonexistent' })).toThrow(/does not name/);
  });

  it('treats a malformed `now` as a bug', () =>
    expect(() => keyDecider.decide(createKey({}, 'yesterday'), { status: 'Nonexistent' })).toThrow(/ISO-8601/));
});

describe('a key that does not exist, or was deleted, is not found', () => {
  const callerCommands = everyCommandButCreate.filter((c) => !schedulerCommands.includes(c.type));

  it.each(callerCommands.map((c) => [c.type, c] as const))('%s on a key that never existed', (_, c) =>
    given(gone.Nonexistent).when(c).thenThrows('NotFoundException', `Key '${ARN}' does not exist`));

  it.each(callerCommands.map((c) => [c.type, c] as const))('%s on a deleted key', (_, c) =>
    given(gone.Deleted).when(c).thenThrows('NotFoundException', `Key '${ARN}' does not exist`));

  it.each(schedulerCommands)('the scheduler’s %s finds nothing to do on a deleted key, and no key when there never was one', (type) => {
    const c = everyCommandButCreate.find((x) => x.type === type);
    if (c === undefined) throw new Error(type);
    given(gone.Deleted).when(c).thenNothing();
    given(gone.Nonexistent).when(c).thenThrows('NotFoundException', `Key '${ARN}' does not exist`);
  });
});

describe('UpdateKeyDescription', () => {
  const update = command('UpdateKeyDescription', { description: 'new' });

  it.each(['Enabled', 'Disabled'] as const)('records the new description (%s)', (state) =>
    given(histories[state]).when(update).then([{ type: 'KeyDescriptionUpdated', data: { description: 'new', at: T3 } }]));

  it('is refused while the key is pending deletion', () =>
    given(histories.PendingDeletion).when(update).thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));

  it('records nothing when the description is unchanged', () =>
    given(histories.Enabled).when(command('UpdateKeyDescription', { description: 'test key' })).thenNothing());
});

describe('EnableKey and DisableKey', () => {
  it('disables an Enabled key', () =>
    given(histories.Enabled).when(command('DisableKey', {})).then([{ type: 'KeyDisabled', data: { at: T3 } }]));

  it('enables a Disabled key', () =>
    given(histories.Disabled).when(command('EnableKey', {})).then([{ type: 'KeyEnabled', data: { at: T3 } }]));

  it('is idempotent: enabling an Enabled key or disabling a Disabled one records nothing', () => {
    given(histories.Enabled).when(command('EnableKey', {})).thenNothing();
    given(histories.Disabled).when(command('DisableKey', {})).thenNothing();
  });

  it.each(['EnableKey', 'DisableKey'] as const)('%s is refused while the key is pending deletion', (type) =>
    given(histories.PendingDeletion).when(command(type, {})).thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));
});

describe('ScheduleKeyDeletion', () => {
  it.each(['Enabled', 'Disabled'] as const)('starts the waiting period: deletion date = now + days (%s)', (state) =>
    given(histories[state])
      .when(command('ScheduleKeyDeletion', { pendingWindowInDays: 7 }))
      .then([{ type: 'KeyDeletionScheduled', data: { at: T3, deletionDate: '2024-01-11T00:00:00.000Z', pendingWindowInDays: 7 } }]));

  it('puts the key in PendingDeletion with its date and window', () =>
    given(histories.Enabled)
      .when(command('ScheduleKeyDeletion', { pendingWindowInDays: 30 }))
      .thenState((key) => expect(key).toMatchObject({ status: 'PendingDeletion', deletionDate: '2024-02-03T00:00:00.000Z', pendingWindowInDays: 30 })));

  it('is refused when the key is already pending deletion', () =>
    given(histories.PendingDeletion)
      .when(command('ScheduleKeyDeletion', { pendingWindowInDays: 7 }))
      .thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));

  it.each([6, 31, 7.5, 0, -7])('refuses a waiting period of %s days', (days) =>
    given(histories.Enabled)
      .when(command('ScheduleKeyDeletion', { pendingWindowInDays: days }))
      .thenThrows('ValidationException', `PendingWindowInDays should be between 7 and 30, but it is ${days}`));

  it('checks the waiting period before the key (AWS validates parameters first)', () =>
    given(gone.Nonexistent).when(command('ScheduleKeyDeletion', { pendingWindowInDays: 31 })).thenThrows('ValidationException'));
});

describe('CancelKeyDeletion', () => {
  it('ends the waiting period', () =>
    given(histories.PendingDeletion).when(command('CancelKeyDeletion', {})).then([{ type: 'KeyDeletionCanceled', data: { at: T3 } }]));

  it('leaves the key Disabled, not Enabled, even if it was Enabled before', () =>
    given(histories.PendingDeletion).when(command('CancelKeyDeletion', {})).thenState((key) => {
      expect(key.status).toBe('Disabled');
      expect(key).not.toHaveProperty('deletionDate');
      expect(key).not.toHaveProperty('pendingWindowInDays');
    }));

  it.each(['Enabled', 'Disabled'] as const)('is refused when the key is not pending deletion (%s)', (state) =>
    given(histories[state]).when(command('CancelKeyDeletion', {})).thenThrows('KMSInvalidStateException', `${ARN} is not pending deletion.`));
});

describe('FinishKeyDeletion (the scheduler, at the end of the waiting period)', () => {
  const pending = [keyCreated(), deletionScheduled(T0, 7, '2024-01-08T00:00:00.000Z')];

  it('deletes the key once now ≥ deletion date (boundary included)', () => {
    given(pending).when(command('FinishKeyDeletion', {}, '2024-01-08T00:00:00.000Z')).then([keyDeleted('2024-01-08T00:00:00.000Z')]);
    given(pending).when(command('FinishKeyDeletion', {}, '2024-02-01T00:00:00.000Z')).then([keyDeleted('2024-02-01T00:00:00.000Z')]);
  });

  it('records nothing before the deletion date', () =>
    given(pending).when(command('FinishKeyDeletion', {}, '2024-01-07T23:59:59.999Z')).thenNothing());

  it.each(['Enabled', 'Disabled'] as const)('records nothing when the deletion was canceled or never scheduled (%s)', (state) =>
    given(histories[state]).when(command('FinishKeyDeletion', {}, '2030-01-01T00:00:00.000Z')).thenNothing());

  it('records nothing after a cancel raced it', () =>
    given([...pending, deletionCanceled()]).when(command('FinishKeyDeletion', {}, '2030-01-01T00:00:00.000Z')).thenNothing());

  it('leaves a Deleted key, for which every caller command is NotFound', () => {
    const deleted = given([...pending, keyDeleted('2024-01-08T00:00:00.000Z')]).state();
    expect(deleted).toMatchObject({ status: 'Deleted', deletedAt: '2024-01-08T00:00:00.000Z' });
    expect(refusal(() => keyDecider.decide(command('EnableKey', {}), deleted)).code).toBe('NotFoundException');
  });
});

describe('DisableKey then EnableKey round trip', () => {
  it('ends Enabled again', () =>
    given([keyCreated(), keyDisabled(T2)]).when(command('EnableKey', {})).thenState((key) => expect(key.status).toBe('Enabled')));
});
