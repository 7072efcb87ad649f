// given/when/then over a Decider (STYLE.md: tests read as the rule they pin; no store, no
// mocks). `given(events)` folds the history, `when(command)` decides on it, and `then…`
// states what must follow.
import { expect } from 'vitest';
import { replay, type Decider } from '../../src/domain/decider.js';
import { isKmsError, type KmsExceptionName } from '../../src/domain/errors.js';

export interface Then<E, S> {
  /** Exactly these events are recorded. */
  then(expected: readonly E[]): void;
  /** Nothing is recorded (the command is accepted and changes nothing). */
  thenNothing(): void;
  /** The command is refused with this AWS exception (and, if given, exactly this message). */
  thenThrows(code: KmsExceptionName, message?: string): void;
  /** The state after the command's events. */
  thenState(check: (state: S) => void): void;
}

export interface Given<C, E, S> {
  when(command: C): Then<E, S>;
  /** The state the history folds to. */
  state(): S;
}

/** A refused command's KmsError; fails the test if the command was accepted or threw anything else. */
export const refusal = (run: () => unknown): { code: string; message: string } => {
  try {
    run();
  } catch (e) {
    if (!isKmsError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected the command to be refused, but it was accepted');
};

export const givenFor =
  <C, E, S>(decider: Decider<C, E, S>) =>
  (events: readonly E[]): Given<C, E, S> => {
    const state = (): S => replay(decider, events);
    return {
      state,
      when: (command) => ({
        then: (expected) => expect(decider.decide(command, state())).toEqual(expected),
        thenNothing: () => expect(decider.decide(command, state())).toEqual([]),
        thenThrows: (code, message) => {
          const refused = refusal(() => decider.decide(command, state()));
          expect(refused.code).toBe(code);
          if (message !== undefined) expect(refused.message).toBe(message);
        },
        thenState: (check) => {
          const before = state();
          check(replay(decider, decider.decide(command, before), before));
        },
      }),
    };
  };
