// Deleting a key: ScheduleKeyDeletion starts a waiting period, CancelKeyDeletion ends it
// (the key comes back Disabled, as at AWS), and when the period is over the scheduler
// destroys the key's KEK and records KeyDeleted (DESIGN.md, "Crypto-shredding").
import { kmsError } from '../errors.js';
import { addDays, isAtOrAfter } from '../time.js';
import type { CancelKeyDeletion, FinishKeyDeletion, ScheduleKeyDeletion } from './commands.js';
import type { KeyEvent } from './events.js';
import { keyNotFoundError, keyPendingDeletionError, requireLive } from './guards.js';
import type { Key } from './state.js';

export const MIN_PENDING_WINDOW_IN_DAYS = 7;
export const MAX_PENDING_WINDOW_IN_DAYS = 30;

/** True once the waiting period of a key pending deletion has ended at `now`. */
export const isDeletionDue = (key: Key, now: string): boolean =>
  key.status === 'PendingDeletion' && isAtOrAfter(now, key.deletionDate);

export const scheduleKeyDeletion = (command: ScheduleKeyDeletion, state: Key): KeyEvent[] => {
  const days = command.pendingWindowInDays;
  // The model allows 1–365; the service itself answers 7–30 (message as LocalStack's snapshot).
  if (!Number.isInteger(days) || days < MIN_PENDING_WINDOW_IN_DAYS || days > MAX_PENDING_WINDOW_IN_DAYS) {
    throw kmsError(
      'ValidationException',
      `PendingWindowInDays should be between ${MIN_PENDING_WINDOW_IN_DAYS} and ${MAX_PENDING_WINDOW_IN_DAYS}, but it is ${days}`,
    );
  }
  const key = requireLive(command.keyArn, state);
  if (key.status === 'PendingDeletion') throw keyPendingDeletionError(key.keyArn);
  return [
    {
      type: 'KeyDeletionScheduled',
      data: { at: command.now, deletionDate: addDays(command.now, days), pendingWindowInDays: days },
    },
  ];
};

export const cancelKeyDeletion = (command: CancelKeyDeletion, state: Key): KeyEvent[] => {
  const key = requireLive(command.keyArn, state);
  if (key.status !== 'PendingDeletion') {
    throw kmsError('KMSInvalidStateException', `${key.keyArn} is not pending deletion.`);
  }
  return [{ type: 'KeyDeletionCanceled', data: { at: command.now } }];
};

/**
 * The scheduler may race a CancelKeyDeletion or run twice, so anything but "pending deletion
 * and due" is nothing to record rather than an error — including a key already deleted. A
 * key that never existed is a bug in the scheduler, answered as for any caller.
 */
export const finishKeyDeletion = (command: FinishKeyDeletion, state: Key): KeyEvent[] => {
  if (state.status === 'Nonexistent') throw keyNotFoundError(command.keyArn);
  if (!isDeletionDue(state, command.now)) return [];
  return [{ type: 'KeyDeleted', data: { at: command.now } }];
};
