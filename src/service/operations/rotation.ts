// EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand,
// ListKeyRotations (reference/aws-kms-api.md §1.6). Old material is kept for ever, so every
// ciphertext made under it still decrypts; ListKeyRotations is the backing-key history.
import { nextRotationDate, requireRotatable } from '../../domain/key/index.js';
import type { Handler } from '../context.js';
import { runKeyCommand } from '../keyCommands.js';
import { ordinal, pageInfo, paginate } from '../pagination.js';
import { existingKey, resolveKeyArn } from '../resolve.js';

export const enableKeyRotation: Handler<'EnableKeyRotation'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const fields = input.RotationPeriodInDays === undefined ? {} : { rotationPeriodInDays: input.RotationPeriodInDays };
  return runKeyCommand(svc, request, 'EnableKeyRotation', keyArn, 'EnableKeyRotation', fields, () => ({}));
};

export const disableKeyRotation: Handler<'DisableKeyRotation'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'DisableKeyRotation', keyArn, 'DisableKeyRotation', {}, () => ({}));
};

export const getKeyRotationStatus: Handler<'GetKeyRotationStatus'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const key = existingKey(keyArn, svc.keys);
  requireRotatable(key);
  const next = nextRotationDate(key);
  return key.rotation.enabled && next !== undefined
    ? { KeyRotationEnabled: true, KeyId: keyArn, RotationPeriodInDays: key.rotation.periodInDays, NextRotationDate: new Date(next) }
    : { KeyRotationEnabled: false, KeyId: keyArn };
};

export const rotateKeyOnDemand: Handler<'RotateKeyOnDemand'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const key = existingKey(keyArn, svc.keys);
  requireRotatable(key);
  const material = await svc.keyRing.newMaterial(keyArn);
  return runKeyCommand(svc, request, 'RotateKeyOnDemand', keyArn, 'RotateKeyOnDemand', { material }, () => ({ KeyId: key.keyId }));
};

export const listKeyRotations: Handler<'ListKeyRotations'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const key = existingKey(keyArn, svc.keys);
  requireRotatable(key);
  const last = key.materials.length - 1;
  const all = key.materials.flatMap((m, i) => {
    const entry = {
      KeyId: key.keyId,
      KeyMaterialId: m.keyMaterialId,
      KeyMaterialState: i === last ? ('CURRENT' as const) : ('NON_CURRENT' as const),
      ...(m.rotationType ? { RotationDate: new Date(m.createdAt), RotationType: m.rotationType } : {}),
    };
    // ROTATIONS_ONLY (the default) lists rotations; the key's original material is not one.
    const rotationsOnly = (input.IncludeKeyMaterial ?? 'ROTATIONS_ONLY') === 'ROTATIONS_ONLY';
    return rotationsOnly && !m.rotationType ? [] : [{ sortKey: ordinal(i), item: entry }];
  });
  const page = paginate('ListKeyRotations', all, input.Limit, 100, input.Marker);
  return { Rotations: page.items, ...pageInfo(page) };
};
