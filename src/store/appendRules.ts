// The append rules every adapter applies the same way: argument checks at the door, then one
// pure decision — write, acknowledge a retry, or refuse — from the stream's head and whatever
// is already stored under the request's event ids. The memory store and the SQLite writer
// both call `decideAppend`, so their answers cannot drift apart.
import {
  EventIdConflictError,
  WrongExpectedVersionError,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type MembersWindow,
  type OccurredWindow,
  type ReadStreamOptions,
} from './eventStore.js';
import { CHAIN_MEMBERS } from './chain.js';
import { encodeJsonObject } from './json.js';

/** A new event with its data and metadata already checked and encoded as canonical JSON text. */
export interface EncodedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** Where an event id is stored. */
export interface StoredRef {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isRevision = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;

export const checkStream = (stream: unknown): string => {
  if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('"stream" expected a non-empty string');
  return stream;
};

export const checkExpected = (expected: unknown): ExpectedRevision => {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists' || isRevision(expected)) {
    return expected;
  }
  throw new RangeError(`"expected" must be 'any', 'no_stream', 'stream_exists' or a revision >= 0, got ${String(expected)}`);
};

/** Checks an append's arguments and encodes its events; throws TypeError/RangeError (a bug in
 *  the caller, never a store condition). */
export const encodeAppend = (
  stream: unknown,
  events: readonly NewEvent[],
  expected: unknown,
): { stream: string; events: EncodedEvent[]; expected: ExpectedRevision } => {
  const checkedStream = checkStream(stream);
  const checkedExpected = checkExpected(expected);
  if (!Array.isArray(events)) throw new TypeError('"events" expected an array');
  const seen = new Set<string>();
  const encoded = events.map((event: NewEvent, i): EncodedEvent => {
    const { id, type } = event;
    if (typeof id !== 'string' || !uuid.test(id)) throw new TypeError(`events[${i}].id expected a UUID, got ${String(id)}`);
    if (seen.has(id)) throw new TypeError(`events[${i}].id ${id} appears twice in one append`);
    seen.add(id);
    if (typeof type !== 'string' || type.length === 0) throw new TypeError(`events[${i}].type expected a non-empty string`);
    const { metadata } = event;
    for (const member of CHAIN_MEMBERS) {
      if (typeof metadata === 'object' && metadata !== null && Object.hasOwn(metadata, member)) {
        throw new TypeError(`events[${i}].metadata.${member} is reserved: the store writes the chain link`);
      }
    }
    return {
      id,
      type,
      data: encodeJsonObject(event.data, `events[${i}].data`),
      metadata: encodeJsonObject(metadata, `events[${i}].metadata`),
    };
  });
  return { stream: checkedStream, events: encoded, expected: checkedExpected };
};

const checkLimit = (limit: unknown): number => {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!isRevision(limit)) throw new RangeError(`"limit" expected an integer >= 0, got ${String(limit)}`);
  return limit;
};

/** Read options with defaults filled in; `from` is where to start, inclusive. */
export const checkReadStream = (
  options: ReadStreamOptions = {},
): { from: number; backwards: boolean; limit: number; types: readonly string[] | undefined } => {
  const { types } = options;
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || t.length === 0))) {
    throw new TypeError('"types" expected an array of event type names');
  }
  const backwards = options.direction === 'backwards';
  if (options.direction !== undefined && !backwards && options.direction !== 'forwards') {
    throw new RangeError(`"direction" expected 'forwards' or 'backwards', got ${String(options.direction)}`);
  }
  if (options.from !== undefined && !isRevision(options.from)) {
    throw new RangeError(`"from" expected a revision >= 0, got ${String(options.from)}`);
  }
  const from = options.from ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
  return { from, backwards, limit: checkLimit(options.limit), types };
};

/** `Date#toISOString` form: the only one under which instants compare correctly as strings. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const checkOccurredWindow = (window: OccurredWindow): OccurredWindow => {
  if (typeof window !== 'object' || window === null) throw new TypeError('expected a window { since?, until?, stream? }');
  for (const bound of ['since', 'until'] as const) {
    const value = window[bound];
    if (value !== undefined && (typeof value !== 'string' || !ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value)))) {
      throw new RangeError(`"${bound}" expected an instant as Date#toISOString writes it (yyyy-mm-ddThh:mm:ss.sssZ), got ${String(value)}`);
    }
  }
  if (window.stream !== undefined) checkStream(window.stream);
  return window;
};

/** A window of one stream (readOccurredMembers). */
export const checkMembersWindow = (window: MembersWindow): MembersWindow => {
  checkOccurredWindow(window);
  if (window.stream === undefined) throw new TypeError('"stream" expected: members are read one stream at a time');
  if (window.dataMentions !== undefined && typeof window.dataMentions !== 'string') throw new TypeError('"dataMentions" expected a string');
  if (window.fromRevision !== undefined && !isRevision(window.fromRevision)) {
    throw new RangeError(`"fromRevision" expected a revision >= 0, got ${String(window.fromRevision)}`);
  }
  return window;
};

export const checkRequestId = (requestId: unknown): string => {
  if (typeof requestId !== 'string' || requestId.length === 0) throw new TypeError('"requestId" expected a non-empty string');
  return requestId;
};

export const checkReadAll = (options: ReadAllOptions = {}): { after: number; limit: number } => {
  if (options.after !== undefined && !isRevision(options.after)) {
    throw new RangeError(`"after" expected a position >= 0, got ${String(options.after)}`);
  }
  return { after: options.after ?? 0, limit: checkLimit(options.limit) };
};

/** `streamHeads` options with the default filled in. */
export const checkHeadsAfter = (options: { readonly after?: number } = {}): number => checkAfter(options.after);

export const checkAfter = (after: unknown): number => {
  if (after === undefined) return 0;
  if (!isRevision(after)) throw new RangeError(`"after" expected a position >= 0, got ${String(after)}`);
  return after;
};

/** `head` is the revision of the stream's last event, undefined when the stream does not exist. */
const meets = (expected: ExpectedRevision, head: number | undefined): boolean => {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return head === undefined;
  if (expected === 'stream_exists') return head !== undefined;
  return head === expected;
};

export type AppendDecision =
  /** Write the events at `firstRevision`, `firstRevision + 1`, … */
  | { readonly kind: 'write'; readonly firstRevision: number }
  /** A retry of an append that is already stored: answer with the stored events. */
  | { readonly kind: 'retry'; readonly refs: readonly StoredRef[] }
  /** No events and the expectation holds: nothing to do. */
  | { readonly kind: 'empty' }
  | { readonly kind: 'refuse'; readonly error: WrongExpectedVersionError };

/**
 * Idempotency, KurrentDB-style: an append whose event ids are ALL stored, in the same stream, at
 * consecutive revisions in the same order, and whose expectation held just before they were
 * written, is a retry and succeeds with the original revisions and positions — even if the
 * stream has moved on since. (A run of consecutive events from inside a larger append passes
 * too: ids cannot tell it from a retry, and answering with what is stored is harmless.) Any other reuse of stored ids (some of them, another stream, other
 * order, or an expectation the original could not have met) is an EventIdConflictError. Data
 * is not compared: the id names the event.
 *
 * `existing[i]` is where `ids[i]` is stored, if anywhere.
 */
export const decideAppend = (
  stream: string,
  ids: readonly string[],
  expected: ExpectedRevision,
  head: number | undefined,
  existing: readonly (StoredRef | undefined)[],
): AppendDecision => {
  const actual = head ?? 'no_stream';
  const stored = existing.filter((ref): ref is StoredRef => ref !== undefined);
  if (stored.length === 0) {
    if (!meets(expected, head)) return { kind: 'refuse', error: new WrongExpectedVersionError(stream, expected, actual) };
    return ids.length === 0 ? { kind: 'empty' } : { kind: 'write', firstRevision: (head ?? -1) + 1 };
  }
  const first = stored[0]?.revision ?? 0;
  const isRetry =
    stored.length === ids.length &&
    stored.every((ref, i) => ref.stream === stream && ref.revision === first + i) &&
    meets(expected, first === 0 ? undefined : first - 1);
  if (isRetry) return { kind: 'retry', refs: stored };
  const reused = ids.filter((_, i) => existing[i] !== undefined);
  return { kind: 'refuse', error: new EventIdConflictError(stream, expected, actual, reused) };
};
