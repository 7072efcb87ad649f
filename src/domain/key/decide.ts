// decide(command, key) → events for one KMS key: the one place AWS's key-state rules live
// (reference/aws-kms-api.md §5, key-state table). Each handler starts with its guard clauses
// (request shape, existence, state, then request-versus-key checks, as AWS orders them) and
// returns [] when the command would change nothing. The lifecycle handlers are here; the
// others live with the rules they share: deletion.ts, rotation.ts, keyPolicy.ts, tags.ts,
// useKey.ts.
import { kmsError } from '../errors.js';
import { keyArnOf } from '../ids.js';
import { epochMs } from '../time.js';
import type { CreateKey, DisableKey, EnableKey, KeyCommand, UpdateKeyDescription } from './commands.js';
import { cancelKeyDeletion, finishKeyDeletion, scheduleKeyDeletion } from './deletion.js';
import type { KeyEvent } from './events.js';
import { constraintViolation, keyPendingDeletionError, requireLive, requireNotPendingDeletion } from './guards.js';
import { checkKeyPolicy, putKeyPolicy } from './keyPolicy.js';
import { keyUsagesFor } from './keySpecs.js';
import { disableKeyRotation, enableKeyRotation, rotateKeyAutomatically, rotateKeyOnDemand } from './rotation.js';
import type { Key } from './state.js';
import { checkTagRules, checkTagShapes, tagResource, untagResource } from './tags.js';
import { useKey } from './useKey.js';

const MAX_DESCRIPTION_LENGTH = 8192;

const checkDescription = (description: string): void => {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw constraintViolation(description, 'description', `Member must have length less than or equal to ${MAX_DESCRIPTION_LENGTH}`);
  }
};

const createKey = (command: CreateKey, state: Key): KeyEvent[] => {
  const { keyId, keyArn, account, region, keyUsage, keySpec, origin, multiRegion, tags, policy } = command;
  checkDescription(command.description);
  checkTagShapes(tags);
  if (!keyUsagesFor[keySpec].includes(keyUsage)) {
    // LocalStack's wording, snapshot-tested against AWS for KEY_AGREEMENT.
    throw kmsError('ValidationException', `KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
  }
  // The service made these ids; a mismatch is a bug, not something to tell a caller.
  if (keyArnOf({ account, region }, keyId) !== keyArn) throw new Error(`key ARN ${keyArn} does not name key ${keyId}`);
  if (multiRegion !== keyId.startsWith('mrk-')) throw new Error(`key id ${keyId} does not match MultiRegion=${multiRegion}`);
  if (state.status !== 'Nonexistent') throw kmsError('AlreadyExistsException', `Key '${keyArn}' already exists`);
  // Imported (PendingImport) and custom-key-store keys have no state to live in yet.
  if (origin !== 'AWS_KMS') throw kmsError('UnsupportedOperationException', `Origin ${origin} is not supported.`);
  checkTagRules(tags, []);
  checkKeyPolicy(policy);
  return [
    {
      type: 'KeyCreated',
      data: {
        keyId,
        keyArn,
        account,
        region,
        at: command.now,
        description: command.description,
        keyUsage,
        keySpec,
        origin,
        multiRegion,
        policy,
        tags,
        material: command.material,
      },
    },
  ];
};

const updateKeyDescription = (command: UpdateKeyDescription, state: Key): KeyEvent[] => {
  checkDescription(command.description);
  const key = requireNotPendingDeletion(requireLive(command.keyArn, state));
  if (key.description === command.description) return [];
  return [{ type: 'KeyDescriptionUpdated', data: { description: command.description, at: command.now } }];
};

const enableKey = (command: EnableKey, state: Key): KeyEvent[] => {
  const key = requireLive(command.keyArn, state);
  if (key.status === 'PendingDeletion') throw keyPendingDeletionError(key.keyArn);
  if (key.status === 'Enabled') return [];
  return [{ type: 'KeyEnabled', data: { at: command.now } }];
};

const disableKey = (command: DisableKey, state: Key): KeyEvent[] => {
  const key = requireLive(command.keyArn, state);
  if (key.status === 'PendingDeletion') throw keyPendingDeletionError(key.keyArn);
  if (key.status === 'Disabled') return [];
  return [{ type: 'KeyDisabled', data: { at: command.now } }];
};

export const decide = (command: KeyCommand, state: Key): KeyEvent[] => {
  // Every event is stamped with `now`; a malformed one is the service's bug (plain Error).
  epochMs(command.now);
  switch (command.type) {
    case 'CreateKey':
      return createKey(command, state);
    case 'UpdateKeyDescription':
      return updateKeyDescription(command, state);
    case 'EnableKey':
      return enableKey(command, state);
    case 'DisableKey':
      return disableKey(command, state);
    case 'ScheduleKeyDeletion':
      return scheduleKeyDeletion(command, state);
    case 'CancelKeyDeletion':
      return cancelKeyDeletion(command, state);
    case 'FinishKeyDeletion':
      return finishKeyDeletion(command, state);
    case 'EnableKeyRotation':
      return enableKeyRotation(command, state);
    case 'DisableKeyRotation':
      return disableKeyRotation(command, state);
    case 'RotateKeyOnDemand':
      return rotateKeyOnDemand(command, state);
    case 'RotateKeyAutomatically':
      return rotateKeyAutomatically(command, state);
    case 'PutKeyPolicy':
      return putKeyPolicy(command, state);
    case 'TagResource':
      return tagResource(command, state);
    case 'UntagResource':
      return untagResource(command, state);
    case 'UseKey':
      return useKey(command, state);
  }
};
