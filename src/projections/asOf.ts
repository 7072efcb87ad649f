// Time travel (DESIGN.md, "Projections and time travel"): the state of a key or an alias as of
// an instant or a log position, computed by the same reducers (`evolve`) as the live views —
// so "as of now" and the live view cannot disagree.
import { aliasDecider } from '../domain/alias/index.js';
import type { AliasEvent } from '../domain/alias/events.js';
import type { Alias } from '../domain/alias/state.js';
import { keyDecider } from '../domain/key/index.js';
import type { KeyEvent } from '../domain/key/events.js';
import type { Key } from '../domain/key/state.js';
import type { RecordedEvent } from '../store/eventStore.js';

/** A point in history: an instant (ISO-8601), a global log position, or both (both must hold). */
export interface AsOf {
  readonly time?: string;
  readonly position?: number;
}

/** When the event happened: its metadata's occurredAt, else its data's `at`. */
export const occurredAt = (e: RecordedEvent): string | undefined => {
  const fromMetadata = e.metadata['occurredAt'];
  if (typeof fromMetadata === 'string') return fromMetadata;
  const at = e.data['at'];
  return typeof at === 'string' ? at : undefined;
};

/** True when the event belongs to history as of `asOf`. ISO-8601 UTC instants compare as strings. */
export const within = (e: RecordedEvent, asOf: AsOf): boolean => {
  if (asOf.position !== undefined && e.position > asOf.position) return false;
  if (asOf.time !== undefined) {
    const t = occurredAt(e);
    if (t === undefined || Date.parse(t) > Date.parse(asOf.time)) return false;
  }
  return true;
};

export interface Folded<S> {
  readonly state: S;
  /** Revision of the last event folded; -1 when none. */
  readonly revision: number;
  /** Position of the last event folded; 0 when none. */
  readonly position: number;
}

const fold = <S, E>(events: Iterable<RecordedEvent>, asOf: AsOf, initial: S, evolve: (s: S, e: E) => S): Folded<S> => {
  let state = initial;
  let revision = -1;
  let position = 0;
  for (const e of events) {
    if (!within(e, asOf)) continue;
    state = evolve(state, e as unknown as E);
    revision = e.revision;
    position = e.position;
  }
  return { state, revision, position };
};

/** A key's state as of `asOf`, from its stream's events (in revision order). */
export const keyAsOf = (events: Iterable<RecordedEvent>, asOf: AsOf): Folded<Key> =>
  fold<Key, KeyEvent>(events, asOf, keyDecider.initialState, keyDecider.evolve);

/** An alias's state as of `asOf`, from its stream's events. */
export const aliasAsOf = (events: Iterable<RecordedEvent>, asOf: AsOf): Folded<Alias> =>
  fold<Alias, AliasEvent>(events, asOf, aliasDecider.initialState, aliasDecider.evolve);
