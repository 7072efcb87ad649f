// The key aggregate: its decider and the pure helpers the service and projections share.
import type { Decider } from '../decider.js';
import type { KeyCommand } from './commands.js';
import { decide } from './decide.js';
import type { KeyEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialKey, type Key } from './state.js';

export const keyDecider: Decider<KeyCommand, KeyEvent, Key> = { decide, evolve, initialState: initialKey };

export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export { keyEventTypes } from './events.js';
export { currentMaterial, initialKey } from './state.js';
export { decide } from './decide.js';
export { evolve } from './evolve.js';
export { isDeletionDue, MAX_PENDING_WINDOW_IN_DAYS, MIN_PENDING_WINDOW_IN_DAYS } from './deletion.js';
export { keyDisabledError, keyNotFoundError, keyPendingDeletionError } from './guards.js';
export { checkKeyPolicy, DEFAULT_POLICY_NAME, defaultKeyPolicy, MAX_KEY_POLICY_BYTES } from './keyPolicy.js';
export { keyTypeOf, keyUsageFor, keyUsagesFor, type KeyType } from './keySpecs.js';
export { findMaterial, isLive, keyState, type KeyState, type LiveKey } from './queries.js';
export {
  DEFAULT_ROTATION_PERIOD_IN_DAYS,
  isRotationDue,
  MAX_ON_DEMAND_ROTATIONS,
  MAX_ROTATION_PERIOD_IN_DAYS,
  MIN_ROTATION_PERIOD_IN_DAYS,
  nextRotationDate,
  requireRotatable,
} from './rotation.js';
export { MAX_TAGS_PER_KEY, upsertTags, removeTags } from './tags.js';
export { INVALID_CIPHERTEXT_MESSAGE } from './useKey.js';
