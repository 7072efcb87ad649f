// Rotation of key material (reference/aws-kms-api.md §1.6, §5): automatic rotation every
// RotationPeriodInDays (90–2560, default 365) and up to 25 on-demand rotations. Only
// symmetric keys with KMS-generated material rotate. Rotation appends material; the old
// material stays so old ciphertexts still decrypt.
//
// The automatic schedule is computed from state, never stored (DESIGN.md, "Deciders"): the
// scheduler asks `isRotationDue` with its clock and sends RotateKeyAutomatically.
import { kmsError } from '../errors.js';
import { addDays, isAtOrAfter, laterOf } from '../time.js';
import type { DisableKeyRotation, EnableKeyRotation, RotateKeyAutomatically, RotateKeyOnDemand } from './commands.js';
import type { KeyEvent, RotationType, WrappedMaterial } from './events.js';
import { constraintViolation, keyNotFoundError, requireEnabled, requireLive } from './guards.js';
import { findMaterial, isLive, type LiveKey } from './queries.js';
import { currentMaterial, type Key } from './state.js';

export const DEFAULT_ROTATION_PERIOD_IN_DAYS = 365;
export const MIN_ROTATION_PERIOD_IN_DAYS = 90;
export const MAX_ROTATION_PERIOD_IN_DAYS = 2560;
/** The SDK documents 25; an older quota table says 10. */
export const MAX_ON_DEMAND_ROTATIONS = 25;

/** Why AWS refuses to rotate this key, if it does (UnsupportedOperationException). */
const rotationUnsupported = (key: LiveKey): string | undefined => {
  if (key.origin !== 'AWS_KMS') return `${key.keyArn} origin is ${key.origin} which is not valid for this operation.`;
  // local-kms's wording; AWS's own message for a non-symmetric key is unverified.
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') return `${key.keyArn} is not a symmetric encryption KMS key.`;
  return undefined;
};

/** UnsupportedOperationException unless the key can rotate (also the rule for its rotation reads). */
export const requireRotatable = (key: LiveKey): void => {
  const reason = rotationUnsupported(key);
  if (reason !== undefined) throw kmsError('UnsupportedOperationException', reason);
};

/**
 * When automatic rotation is next due: the later of the current material's creation and the
 * moment rotation was enabled, plus the period. Counting from the *current* material means an
 * on-demand rotation also pushes the automatic one back — a simplification: AWS says
 * on-demand rotation leaves the automatic schedule as it was.
 */
export const nextRotationDate = (key: Key): string | undefined => {
  if (!isLive(key) || !key.rotation.enabled) return undefined;
  const current = currentMaterial(key).createdAt;
  const from = key.rotation.enabledAt === undefined ? current : laterOf(current, key.rotation.enabledAt);
  return addDays(from, key.rotation.periodInDays);
};

/** Only Enabled keys rotate; a key disabled past its date rotates once it is enabled again. */
export const isRotationDue = (key: Key, now: string): boolean => {
  if (key.status !== 'Enabled' || rotationUnsupported(key) !== undefined) return false;
  const next = nextRotationDate(key);
  return next !== undefined && isAtOrAfter(now, next);
};

const MEMBER = 'rotationPeriodInDays';

export const enableKeyRotation = (command: EnableKeyRotation, state: Key): KeyEvent[] => {
  const period = command.rotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_IN_DAYS;
  if (!Number.isInteger(period) || period < MIN_ROTATION_PERIOD_IN_DAYS) {
    throw constraintViolation(period, MEMBER, `Member must have value greater than or equal to ${MIN_ROTATION_PERIOD_IN_DAYS}`);
  }
  if (period > MAX_ROTATION_PERIOD_IN_DAYS) {
    throw constraintViolation(period, MEMBER, `Member must have value less than or equal to ${MAX_ROTATION_PERIOD_IN_DAYS}`);
  }
  const key = requireEnabled(requireLive(command.keyArn, state));
  requireRotatable(key);
  if (key.rotation.enabled && key.rotation.periodInDays === period) return [];
  return [{ type: 'KeyRotationEnabled', data: { at: command.now, rotationPeriodInDays: period } }];
};

export const disableKeyRotation = (command: DisableKeyRotation, state: Key): KeyEvent[] => {
  const key = requireEnabled(requireLive(command.keyArn, state));
  requireRotatable(key);
  if (!key.rotation.enabled) return [];
  return [{ type: 'KeyRotationDisabled', data: { at: command.now } }];
};

/** Material ids come from the service's random source; a repeat is a bug, not a caller error. */
const rotated = (key: Key, at: string, rotationType: RotationType, material: WrappedMaterial): KeyEvent[] => {
  if (findMaterial(key, material.keyMaterialId) !== undefined) {
    throw new Error(`key material ${material.keyMaterialId} already belongs to this key`);
  }
  return [{ type: 'KeyMaterialRotated', data: { at, rotationType, material } }];
};

export const rotateKeyOnDemand = (command: RotateKeyOnDemand, state: Key): KeyEvent[] => {
  const key = requireEnabled(requireLive(command.keyArn, state));
  requireRotatable(key);
  if (key.onDemandRotations >= MAX_ON_DEMAND_ROTATIONS) {
    // LocalStack's wording of AWS's message.
    throw kmsError(
      'LimitExceededException',
      'The on-demand rotations limit has been reached for the given keyId. ' +
        `No more on-demand rotations can be performed for this key: ${key.keyArn}`,
    );
  }
  return rotated(key, command.now, 'ON_DEMAND', command.material);
};

/**
 * The scheduler's command: a no-op unless rotation is due now (it may race a DisableKey, a
 * DisableKeyRotation, an on-demand rotation or a deletion).
 */
export const rotateKeyAutomatically = (command: RotateKeyAutomatically, state: Key): KeyEvent[] => {
  if (state.status === 'Nonexistent') throw keyNotFoundError(command.keyArn);
  if (!isRotationDue(state, command.now)) return [];
  return rotated(state, command.now, 'AUTOMATIC', command.material);
};
