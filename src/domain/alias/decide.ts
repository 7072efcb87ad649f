// decide(command, alias) → events for one alias (reference/aws-kms-api.md §1.3 and the
// key-state table in §5). Guards in AWS's order: the name, the alias, the target key's
// existence, its state, then the rules relating alias and key.
import { kmsError, type KmsError } from '../errors.js';
import { isReservedAliasName, parseAliasName, type AliasArn, type KeyArn } from '../ids.js';
import { keyNotFoundError, keyPendingDeletionError } from '../key/guards.js';
import { keyTypeOf } from '../key/keySpecs.js';
import { isLive, type LiveKey } from '../key/queries.js';
import type { Key } from '../key/state.js';
import { epochMs } from '../time.js';
import type { AliasCommand, CreateAlias, DeleteAlias, UpdateAlias } from './commands.js';
import type { AliasEvent } from './events.js';
import type { ActiveAlias, Alias } from './state.js';

export const MAX_ALIASES_PER_KEY = 50;

// AWS answers writes to `alias/aws/…` with an empty message (as moto reproduces it).
const reserved = (): KmsError => kmsError('NotAuthorizedException', '');

const aliasNotFound = (aliasArn: string): KmsError => kmsError('NotFoundException', `Alias ${aliasArn} is not found.`);

/** `arn:aws:kms:r:a:alias/x` → `alias/x`. */
const aliasNameOf = (aliasArn: AliasArn): string => aliasArn.slice(aliasArn.indexOf(':alias/') + 1);

const requireActive = (aliasArn: AliasArn, alias: Alias): ActiveAlias => {
  if (alias.status !== 'Active') throw aliasNotFound(aliasArn);
  return alias;
};

/**
 * A target must exist, not be pending deletion (Disabled is fine), and live in the alias's
 * account and Region; a key elsewhere is, for this alias, a key that does not exist.
 */
const requireTarget = (aliasArn: AliasArn, targetKeyArn: KeyArn, target: Key): LiveKey => {
  if (!isLive(target)) throw keyNotFoundError(targetKeyArn);
  if (target.keyArn !== targetKeyArn) throw new Error(`the snapshot of ${target.keyArn} was given for ${targetKeyArn}`);
  const scopePrefix = targetKeyArn.slice(0, targetKeyArn.indexOf(':key/'));
  if (!aliasArn.startsWith(`${scopePrefix}:alias/`)) throw keyNotFoundError(targetKeyArn);
  if (target.status === 'PendingDeletion') throw keyPendingDeletionError(target.keyArn);
  return target;
};

const requireRoomFor = (target: LiveKey, aliasesOnTarget: number): void => {
  if (aliasesOnTarget >= MAX_ALIASES_PER_KEY) {
    throw kmsError('LimitExceededException', `${target.keyArn} already has the maximum of ${MAX_ALIASES_PER_KEY} aliases.`);
  }
};

const createAlias = (command: CreateAlias, alias: Alias): AliasEvent[] => {
  const { aliasArn, now } = command;
  const aliasName = parseAliasName(command.aliasName);
  if (isReservedAliasName(aliasName)) throw reserved();
  if (aliasNameOf(aliasArn) !== aliasName) throw new Error(`alias ARN ${aliasArn} does not name ${aliasName}`);
  if (alias.status === 'Active') throw kmsError('AlreadyExistsException', `An alias with the name ${aliasArn} already exists`);
  const target = requireTarget(aliasArn, command.targetKeyArn, command.target);
  requireRoomFor(target, command.aliasesOnTarget);
  return [{ type: 'AliasCreated', data: { aliasName, aliasArn, targetKeyId: target.keyId, at: now } }];
};

/**
 * The old and new key must have the same key usage and the same key type (symmetric,
 * asymmetric, HMAC), so code using the alias keeps working. AWS documents the rule but not its
 * exception; it is a request the service refuses as invalid, hence ValidationException.
 */
const requireCompatible = (aliasArn: AliasArn, current: Key, next: LiveKey): void => {
  if (current.status === 'Nonexistent') return;
  if (current.keyUsage !== next.keyUsage || keyTypeOf(current.keySpec) !== keyTypeOf(next.keySpec)) {
    throw kmsError(
      'ValidationException',
      `Alias ${aliasArn} cannot be updated to ${next.keyArn}: the current and new KMS key must be the same type ` +
        `(both symmetric or both asymmetric or both HMAC) and have the same key usage.`,
    );
  }
};

const updateAlias = (command: UpdateAlias, state: Alias): AliasEvent[] => {
  const { aliasArn, currentTarget, now } = command;
  if (isReservedAliasName(aliasNameOf(aliasArn))) throw reserved();
  const alias = requireActive(aliasArn, state);
  // The current target may be pending deletion: moving an alias away from it is allowed.
  const target = requireTarget(aliasArn, command.targetKeyArn, command.newTarget);
  if (currentTarget.status !== 'Nonexistent' && currentTarget.keyId !== alias.targetKeyId) {
    // A snapshot from a stale view; failing as a server fault lets the client's retry re-read it.
    throw new Error(`currentTarget ${currentTarget.keyId} is not the target of ${aliasArn} (${alias.targetKeyId})`);
  }
  // Pointing an alias where it already points changes nothing, so nothing is recorded.
  if (target.keyId === alias.targetKeyId) return [];
  requireCompatible(aliasArn, currentTarget, target);
  requireRoomFor(target, command.aliasesOnTarget);
  return [{ type: 'AliasUpdated', data: { targetKeyId: target.keyId, previousTargetKeyId: alias.targetKeyId, at: now } }];
};

/** Any key state allows DeleteAlias, so the target is not consulted. */
const deleteAlias = (command: DeleteAlias, state: Alias): AliasEvent[] => {
  if (isReservedAliasName(aliasNameOf(command.aliasArn))) throw reserved();
  requireActive(command.aliasArn, state);
  return [{ type: 'AliasDeleted', data: { at: command.now } }];
};

export const decide = (command: AliasCommand, state: Alias): AliasEvent[] => {
  epochMs(command.now);
  switch (command.type) {
    case 'CreateAlias':
      return createAlias(command, state);
    case 'UpdateAlias':
      return updateAlias(command, state);
    case 'DeleteAlias':
      return deleteAlias(command, state);
  }
};
