// Running a key command: through the key's stream writer, decided by the key decider against
// the current state, answered from the state its events lead to.
import { keyDecider } from '../domain/key/index.js';
import type { KeyCommand } from '../domain/key/commands.js';
import type { KeyEvent } from '../domain/key/events.js';
import { keyStream, type KeyArn } from '../domain/ids.js';
import type { Key } from '../domain/key/state.js';
import { eventMetadata, type ServiceContext } from './context.js';
import type { Decision } from './streamWriter.js';
import type { RequestContext } from './shapes.js';

type Omitted = 'type' | 'keyArn' | 'now';
type CommandFields<T extends KeyCommand['type']> = Omit<Extract<KeyCommand, { type: T }>, Omitted>;

/** The events a command decides on `state`, and the state they lead to. */
export const decideKey = (command: KeyCommand, state: Key): { events: KeyEvent[]; after: Key } => {
  const events = keyDecider.decide(command, state);
  return { events, after: events.reduce(keyDecider.evolve, state) };
};

/**
 * Submits a management command for `keyArn` on behalf of `request`; `answer` builds the
 * response from the key's state after the command. Resolves once the events are durable.
 */
export const runKeyCommand = <T extends KeyCommand['type'], R>(
  svc: ServiceContext,
  request: RequestContext,
  operation: string,
  keyArn: KeyArn,
  type: T,
  fields: CommandFields<T>,
  answer: (after: Key) => R,
): Promise<R> => {
  const now = svc.clock.now();
  const command = { ...fields, type, keyArn, now: now.toISOString() } as unknown as KeyCommand;
  return svc.keyWriter.submit(keyStream(keyArn), eventMetadata(request, operation, now), (state): Decision<KeyEvent, R> => {
    const { events, after } = decideKey(command, state);
    return { events, result: answer(after) };
  });
};
