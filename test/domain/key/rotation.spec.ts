// Rotation rules: EnableKeyRotation, DisableKeyRotation, RotateKeyOnDemand,
// RotateKeyAutomatically and the computed schedule (reference/aws-kms-api.md §1.6, §5).
import { describe, expect, it } from 'vitest';
import { isRotationDue, nextRotationDate, type KeyEvent } from '../../../src/domain/key/index.js';
import {
  ARN,
  command,
  given,
  histories,
  keyCreated,
  keyDisabled,
  keyEnabled,
  material,
  materialRotated,
  rotationDisabled,
  rotationEnabled,
  T1,
  T2,
  T3,
} from './fixtures.js';

const rsaSigning = [keyCreated({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' })];
const hmac = [keyCreated({ keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' })];
const imported = [keyCreated({ origin: 'EXTERNAL' })];
const unrotatable = [
  ['an asymmetric key', rsaSigning],
  ['an HMAC key', hmac],
  ['imported key material', imported],
] as const;
const rotating = [keyCreated(), rotationEnabled(T1, 90)];
/** T1 + 90 days. */
const DUE = '2024-04-01T00:00:00.000Z';

describe('EnableKeyRotation', () => {
  it('enables rotation with the default period of 365 days', () =>
    given(histories.Enabled).when(command('EnableKeyRotation', {})).then([rotationEnabled(T3, 365)]));

  it('enables rotation with a given period', () =>
    given(histories.Enabled).when(command('EnableKeyRotation', { rotationPeriodInDays: 180 })).then([rotationEnabled(T3, 180)]));

  it.each([90, 2560])('accepts the boundary period %s', (days) =>
    given(histories.Enabled).when(command('EnableKeyRotation', { rotationPeriodInDays: days })).then([rotationEnabled(T3, days)]));

  it('records nothing when rotation is already enabled with the same period', () =>
    given([keyCreated(), rotationEnabled(T1, 365)]).when(command('EnableKeyRotation', {})).thenNothing());

  it('records a new period for rotation already enabled', () =>
    given([keyCreated(), rotationEnabled(T1, 365)])
      .when(command('EnableKeyRotation', { rotationPeriodInDays: 90 }))
      .then([rotationEnabled(T3, 90)]));

  it.each([
    [89, 'greater than or equal to 90'],
    [2561, 'less than or equal to 2560'],
    [90.5, 'greater than or equal to 90'],
  ] as const)('refuses a period of %s days', (days, bound) =>
    given(histories.Enabled)
      .when(command('EnableKeyRotation', { rotationPeriodInDays: days }))
      .thenThrows(
        'ValidationException',
        `1 validation error detected: Value '${days}' at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value ${bound}`,
      ));

  it('is refused for a Disabled key', () =>
    given(histories.Disabled).when(command('EnableKeyRotation', {})).thenThrows('DisabledException', `${ARN} is disabled.`));

  it('is refused while the key is pending deletion', () =>
    given(histories.PendingDeletion).when(command('EnableKeyRotation', {})).thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));

  it.each([
    ['an asymmetric key', rsaSigning],
    ['an HMAC key', hmac],
  ] as const)('is unsupported for %s', (_, history) =>
    given(history).when(command('EnableKeyRotation', {})).thenThrows('UnsupportedOperationException', `${ARN} is not a symmetric encryption KMS key.`));

  it('is unsupported for imported key material', () =>
    given(imported)
      .when(command('EnableKeyRotation', {}))
      .thenThrows('UnsupportedOperationException', `${ARN} origin is EXTERNAL which is not valid for this operation.`));
});

describe('DisableKeyRotation', () => {
  it('disables rotation', () =>
    given(rotating).when(command('DisableKeyRotation', {})).then([{ type: 'KeyRotationDisabled', data: { at: T3 } }]));

  it('records nothing when rotation is not enabled', () => given(histories.Enabled).when(command('DisableKeyRotation', {})).thenNothing());

  it('keeps the period for a later EnableKeyRotation to report', () =>
    given(rotating).when(command('DisableKeyRotation', {})).thenState((key) =>
      expect(key).toMatchObject({ rotation: { enabled: false, periodInDays: 90 } }),
    ));

  it('is refused for a Disabled key', () =>
    given([...rotating, keyDisabled(T2)]).when(command('DisableKeyRotation', {})).thenThrows('DisabledException', `${ARN} is disabled.`));

  it('is refused while the key is pending deletion', () =>
    given(histories.PendingDeletion).when(command('DisableKeyRotation', {})).thenThrows('KMSInvalidStateException'));

  it.each(unrotatable)('is unsupported for %s', (_, history) =>
    given(history).when(command('DisableKeyRotation', {})).thenThrows('UnsupportedOperationException'));
});

describe('RotateKeyOnDemand', () => {
  it('appends new material, rotation type ON_DEMAND', () =>
    given(histories.Enabled).when(command('RotateKeyOnDemand', { material: material(2) })).then([materialRotated(2, T3, 'ON_DEMAND')]));

  it('keeps old material, counts the rotation, and leaves the automatic setting alone', () =>
    given(rotating).when(command('RotateKeyOnDemand', { material: material(2) })).thenState((key) => {
      expect(key).toMatchObject({ onDemandRotations: 1, rotation: { enabled: true, periodInDays: 90 } });
      if (key.status === 'Nonexistent') return;
      expect(key.materials.map((m) => m.keyMaterialId)).toEqual([material(1).keyMaterialId, material(2).keyMaterialId]);
      expect(key.materials[1]).toMatchObject({ createdAt: T3, rotationType: 'ON_DEMAND' });
    }));

  it('is refused for a Disabled key', () =>
    given(histories.Disabled).when(command('RotateKeyOnDemand', { material: material(2) })).thenThrows('DisabledException', `${ARN} is disabled.`));

  it('is refused while the key is pending deletion', () =>
    given(histories.PendingDeletion).when(command('RotateKeyOnDemand', { material: material(2) })).thenThrows('KMSInvalidStateException'));

  it.each(unrotatable)('is unsupported for %s', (_, history) =>
    given(history).when(command('RotateKeyOnDemand', { material: material(2) })).thenThrows('UnsupportedOperationException'));

  const onDemand = (n: number): KeyEvent[] => Array.from({ length: n }, (_, i) => materialRotated(i + 2, T2));

  it('allows the 25th on-demand rotation', () =>
    given([keyCreated(), ...onDemand(24)]).when(command('RotateKeyOnDemand', { material: material(99) })).then([materialRotated(99, T3)]));

  it('refuses a 26th on-demand rotation', () =>
    given([keyCreated(), ...onDemand(25)])
      .when(command('RotateKeyOnDemand', { material: material(99) }))
      .thenThrows(
        'LimitExceededException',
        `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${ARN}`,
      ));

  it('does not count automatic rotations against the on-demand limit', () =>
    given([keyCreated(), ...Array.from({ length: 30 }, (_, i) => materialRotated(i + 2, T2, 'AUTOMATIC'))])
      .when(command('RotateKeyOnDemand', { material: material(99) }))
      .then([materialRotated(99, T3)]));

  it('treats a repeated material id as a bug', () =>
    expect(() => given(histories.Enabled).when(command('RotateKeyOnDemand', { material: material(1) })).thenNothing()).toThrow(/already belongs/));
});

describe('the automatic schedule', () => {
  it('has no next rotation while rotation is off', () => {
    expect(nextRotationDate(given(histories.Enabled).state())).toBeUndefined();
    expect(nextRotationDate(given([...rotating, rotationDisabled()]).state())).toBeUndefined();
    expect(nextRotationDate({ status: 'Nonexistent' })).toBeUndefined();
  });

  it('counts from when rotation was enabled, if later than the current material', () =>
    expect(nextRotationDate(given([keyCreated(), rotationEnabled(T1, 365)]).state())).toBe('2025-01-01T00:00:00.000Z'));

  it('counts from the current material, if later (an on-demand rotation pushes it back)', () =>
    expect(nextRotationDate(given([keyCreated(), rotationEnabled(T1, 365), materialRotated(2, T2)]).state())).toBe(
      '2025-01-02T00:00:00.000Z',
    ));

  it('keeps its start when only the period changes', () =>
    expect(nextRotationDate(given([...rotating, rotationEnabled(T3, 120)]).state())).toBe('2024-05-01T00:00:00.000Z'));

  it('restarts when rotation is enabled again', () =>
    expect(nextRotationDate(given([...rotating, rotationDisabled(T2), rotationEnabled(T3, 90)]).state())).toBe('2024-04-03T00:00:00.000Z'));

  it('is due at and after the next rotation date, for Enabled keys only', () => {
    const key = given(rotating).state();
    expect(isRotationDue(key, '2024-03-31T23:59:59.999Z')).toBe(false);
    expect(isRotationDue(key, DUE)).toBe(true);
    expect(isRotationDue(given([...rotating, keyDisabled(T2)]).state(), '2030-01-01T00:00:00.000Z')).toBe(false);
  });
});

describe('RotateKeyAutomatically (the scheduler)', () => {
  const rotate = (now: string) => command('RotateKeyAutomatically', { material: material(2) }, now);

  it('rotates when due, rotation type AUTOMATIC', () =>
    given(rotating).when(rotate(DUE)).then([materialRotated(2, DUE, 'AUTOMATIC')]));

  it('records nothing before the date', () => given(rotating).when(rotate('2024-03-31T00:00:00.000Z')).thenNothing());

  it('records nothing when rotation is off', () => given(histories.Enabled).when(rotate('2030-01-01T00:00:00.000Z')).thenNothing());

  it('does not rotate a Disabled key, and rotates it once it is enabled again', () => {
    given([...rotating, keyDisabled(T2)]).when(rotate('2024-06-01T00:00:00.000Z')).thenNothing();
    given([...rotating, keyDisabled(T2), keyEnabled('2024-05-01T00:00:00.000Z')])
      .when(rotate('2024-06-01T00:00:00.000Z'))
      .then([materialRotated(2, '2024-06-01T00:00:00.000Z', 'AUTOMATIC')]);
  });

  it('records nothing for a key pending deletion', () =>
    given([...rotating, { type: 'KeyDeletionScheduled', data: { at: T2, deletionDate: '2030-01-01T00:00:00.000Z', pendingWindowInDays: 30 } }])
      .when(rotate('2024-06-01T00:00:00.000Z'))
      .thenNothing());

  it('moves the schedule to the new material', () =>
    given(rotating).when(rotate(DUE)).thenState((key) => expect(nextRotationDate(key)).toBe('2024-06-30T00:00:00.000Z')));

  it('does not count as an on-demand rotation', () =>
    given(rotating).when(rotate(DUE)).thenState((key) => expect(key).toMatchObject({ onDemandRotations: 0 })));
});
