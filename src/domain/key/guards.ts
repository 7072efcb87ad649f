// The guard clauses every key command starts with, and AWS's words for them
// (reference/aws-kms-api.md §5, key-state table; messages as AWS and the peers' snapshot tests
// show them). Check order follows AWS (§8): request shape (ValidationException), then the
// key's existence, then its state, then checks relating the request to the key.
import { kmsError, type KmsError } from '../errors.js';
import { isLive, type LiveKey } from './queries.js';
import type { Key, KeyProps } from './state.js';

export type EnabledKey = KeyProps & { readonly status: 'Enabled' };
export type NotPendingDeletionKey = KeyProps & { readonly status: 'Enabled' | 'Disabled' };

// Enabled and Disabled share one member of the Key union, so narrowing needs a predicate.
const isEnabled = (key: LiveKey): key is EnabledKey => key.status === 'Enabled';

export const keyNotFoundError = (keyArn: string): KmsError => kmsError('NotFoundException', `Key '${keyArn}' does not exist`);

export const keyDisabledError = (keyArn: string): KmsError => kmsError('DisabledException', `${keyArn} is disabled.`);

export const keyPendingDeletionError = (keyArn: string): KmsError =>
  kmsError('KMSInvalidStateException', `${keyArn} is pending deletion.`);

/** A key that was never created, or was deleted at the end of its waiting period, is gone for callers. */
export const requireLive = (keyArn: string, key: Key): LiveKey => {
  if (!isLive(key)) throw keyNotFoundError(keyArn);
  return key;
};

/** Management operations AWS refuses while the key waits for deletion. */
export const requireNotPendingDeletion = (key: LiveKey): NotPendingDeletionKey => {
  if (key.status === 'PendingDeletion') throw keyPendingDeletionError(key.keyArn);
  return key;
};

/** Cryptographic use and rotation need an Enabled key; Disabled is its own exception. */
export const requireEnabled = (key: LiveKey): EnabledKey => {
  if (isEnabled(key)) return key;
  if (key.status === 'PendingDeletion') throw keyPendingDeletionError(key.keyArn);
  throw keyDisabledError(key.keyArn);
};

/**
 * AWS's model-constraint message, for the checks the domain repeats after the API layer
 * (so that the domain alone never records an event AWS would have refused).
 */
export const constraintViolation = (value: string | number, member: string, constraint: string): KmsError =>
  kmsError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
