// CreateKey, DescribeKey, ListKeys, UpdateKeyDescription, EnableKey, DisableKey,
// ScheduleKeyDeletion, CancelKeyDeletion, GetKeyLastUsage (reference/aws-kms-api.md §1.1, §1.11).
import { kmsError } from '../../domain/errors.js';
import { keyArnOf, type KeyId } from '../../domain/ids.js';
import { defaultKeyPolicy, isLive, type LiveKey } from '../../domain/key/index.js';
import { keyUsagesFor } from '../../domain/key/keySpecs.js';
import type { Key } from '../../domain/key/state.js';
import type { Handler } from '../context.js';
import { runKeyCommand } from '../keyCommands.js';
import { keyMetadata } from '../keyMetadata.js';
import { ordinal, pageInfo, paginate } from '../pagination.js';
import { existingKey, resolveKey, resolveKeyArn } from '../resolve.js';

const live = (key: Key): LiveKey => {
  if (!isLive(key)) throw new Error('command left no live key');
  return key;
};

export const createKey: Handler<'CreateKey'> = async (svc, input, request) => {
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw kmsError('ValidationException', 'You cannot specify both KeySpec and CustomerMasterKeySpec in the same request.');
  }
  const keySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const keyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (!keyUsagesFor[keySpec].includes(keyUsage)) {
    throw kmsError('ValidationException', `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
  }
  if (keySpec !== 'SYMMETRIC_DEFAULT') {
    throw kmsError('UnsupportedOperationException', `KeySpec ${keySpec} is not supported by this keyledger version`);
  }
  if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined) {
    throw kmsError('UnsupportedOperationException', 'Custom key stores are not supported by keyledger');
  }
  if ((input.Origin ?? 'AWS_KMS') !== 'AWS_KMS') {
    throw kmsError('UnsupportedOperationException', `Origin ${String(input.Origin)} is not supported by this keyledger version`);
  }
  if (input.MultiRegion === true) {
    throw kmsError('UnsupportedOperationException', 'Multi-Region keys are not supported by this keyledger version');
  }
  const keyId = svc.newKeyId() as KeyId;
  const keyArn = keyArnOf(request, keyId);
  // The KEK is durable in the vault before any event names the key.
  const material = await svc.keyRing.createKey(keyArn);
  const fields = {
    keyId,
    account: request.account,
    region: request.region,
    description: input.Description ?? '',
    keyUsage,
    keySpec,
    origin: 'AWS_KMS' as const,
    multiRegion: false,
    policy: input.Policy ?? defaultKeyPolicy(request.account),
    tags: input.Tags ?? [],
    material,
  };
  return runKeyCommand(svc, request, 'CreateKey', keyArn, 'CreateKey', fields, (after) => ({ KeyMetadata: keyMetadata(live(after)) }));
};

export const describeKey: Handler<'DescribeKey'> = async (svc, input, request) => {
  const { key } = resolveKey(input.KeyId, request, svc, true);
  return { KeyMetadata: keyMetadata(key) };
};

export const listKeys: Handler<'ListKeys'> = async (svc, input, request) => {
  const all = svc.keys.arnsIn(request.account, request.region).flatMap((arn, i) => {
    const key = svc.keys.get(arn)?.key;
    return key && (key.status === 'Enabled' || key.status === 'Disabled' || key.status === 'PendingDeletion')
      ? [{ sortKey: ordinal(i), item: { KeyId: key.keyId, KeyArn: key.keyArn } }]
      : [];
  });
  const page = paginate('ListKeys', all, input.Limit, 100, input.Marker);
  return { Keys: page.items, ...pageInfo(page) };
};

export const updateKeyDescription: Handler<'UpdateKeyDescription'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'UpdateKeyDescription', keyArn, 'UpdateKeyDescription', { description: input.Description }, () => ({}));
};

export const enableKey: Handler<'EnableKey'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'EnableKey', keyArn, 'EnableKey', {}, () => ({}));
};

export const disableKey: Handler<'DisableKey'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'DisableKey', keyArn, 'DisableKey', {}, () => ({}));
};

export const scheduleKeyDeletion: Handler<'ScheduleKeyDeletion'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const pendingWindowInDays = input.PendingWindowInDays ?? 30;
  return runKeyCommand(svc, request, 'ScheduleKeyDeletion', keyArn, 'ScheduleKeyDeletion', { pendingWindowInDays }, (after) => {
    const key = live(after);
    if (key.status !== 'PendingDeletion') throw new Error('ScheduleKeyDeletion left the key not pending deletion');
    return {
      KeyId: key.keyArn,
      DeletionDate: new Date(key.deletionDate),
      KeyState: key.status,
      PendingWindowInDays: key.pendingWindowInDays,
    };
  });
};

export const cancelKeyDeletion: Handler<'CancelKeyDeletion'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  return runKeyCommand(svc, request, 'CancelKeyDeletion', keyArn, 'CancelKeyDeletion', {}, () => ({ KeyId: keyArn }));
};

export const getKeyLastUsage: Handler<'GetKeyLastUsage'> = async (svc, input, request) => {
  const keyArn = resolveKeyArn(input.KeyId, request, svc.aliases, false);
  const key = existingKey(keyArn, svc.keys);
  const last = svc.lastUsage.get(keyArn);
  const created = new Date(key.createdAt);
  return {
    KeyId: keyArn,
    KeyLastUsage: last
      ? { Operation: last.operation, Timestamp: new Date(last.at), CloudTrailEventId: last.eventId, KmsRequestId: last.requestId }
      : {},
    // Every use of a key is an event of its stream from its creation on: tracking starts with the key.
    TrackingStartDate: created,
    KeyCreationDate: created,
  };
};
