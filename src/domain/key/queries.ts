// Pure read-side questions about a key's state, shared by the deciders, the projections and
// the service.
import type { Key, Material } from './state.js';

/** AWS's KeyState enum (reference/aws-kms-api.md §2). */
export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

/** A key callers can see: created and not yet deleted. */
export type LiveKey = Extract<Key, { status: 'Enabled' | 'Disabled' | 'PendingDeletion' }>;

export const isLive = (key: Key): key is LiveKey =>
  key.status === 'Enabled' || key.status === 'Disabled' || key.status === 'PendingDeletion';

/**
 * The key's AWS KeyState, or undefined when callers must be told the key does not exist
 * (never created, or deleted at the end of its waiting period).
 */
export const keyState = (key: Key): KeyState | undefined => (isLive(key) ? key.status : undefined);

/** The material a ciphertext names, if the key has it. Old materials are kept for ever. */
export const findMaterial = (key: Key, keyMaterialId: string): Material | undefined =>
  key.status === 'Nonexistent' ? undefined : key.materials.find((m) => m.keyMaterialId === keyMaterialId);
