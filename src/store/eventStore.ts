// The EventStore port (DESIGN.md, "The EventStore port"). Modeled on KurrentDB/EventStoreDB
// semantics so that every adapter — memory, SQLite, PostgreSQL, KurrentDB — can honour it.
// The store knows events only as JSON: it never imports domain types.
import type { Observable } from 'rxjs';
import type { SegmentRange, SegmentSummary } from './chainSegments.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** An event as the writer hands it over. `id` is a UUID; appends are idempotent by it. */
export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** An event as read back. `revision` counts from 0 within its stream; `position` is global,
 *  strictly increasing in commit order, and may have gaps. Its metadata carries the chain link
 *  the store added (DESIGN.md, "Tamper evidence"): `prev` and `hash`, 64 lowercase hex each. */
export interface RecordedEvent extends NewEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/**
 * An event exactly as the store keeps and hashes it (chain.ts): data and metadata as canonical
 * JSON text (metadata without its link), and the link in 64 lowercase hex. What `verify`
 * reads: no JSON is parsed on its hot path.
 */
export interface StoredEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly prev: string;
  readonly hash: string;
}

/** The last event of a stream: what a signed checkpoint folds together. */
export interface StreamHead {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  /** 64 lowercase hex. */
  readonly hash: string;
}

export interface StreamHeads {
  /** How many streams exist (whatever `after` filtered out of `heads`). */
  readonly streams: number;
  /** The heads at a position above `after`, sorted by stream name (UTF-16 code units). */
  readonly heads: readonly StreamHead[];
}

/**
 * What the writer believes about the stream before this append:
 * - 'any': no check;
 * - 'no_stream': the stream must not exist yet (how alias uniqueness is enforced);
 * - 'stream_exists': the stream must have at least one event;
 * - a number: the revision of the stream's last event must be exactly this.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the last event written (or already present, for an idempotent retry). */
  readonly nextExpectedRevision: number;
  /** Global position of the last event written. */
  readonly position: number;
  /** The events as stored, in order (with revision and position). */
  readonly events: readonly RecordedEvent[];
}

/** Raised when the expected revision does not match. `actual` is 'no_stream' when absent. */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Append to '${stream}' expected ${String(expected)}, but the stream is at ${String(actual)}`);
  }
}

/**
 * The event ids of an append are already stored, but not as a retry of this same append would
 * have left them (some stored and some new, in another stream or order, or under an
 * expectation the original write could not have met). A kind of version conflict, so
 * `isWrongExpectedVersion` holds for it too.
 */
export class EventIdConflictError extends WrongExpectedVersionError {
  constructor(
    stream: string,
    expected: ExpectedRevision,
    actual: number | 'no_stream',
    readonly eventIds: readonly string[],
  ) {
    super(stream, expected, actual);
    this.message =
      `Append to '${stream}' reuses event ids that are already stored otherwise ` +
      `(${eventIds.join(', ')}); appends are idempotent only for an exact retry`;
  }
}

/**
 * The store is closed or failed; the append (or vault change) was not acknowledged. When the
 * store was already closed nothing was written; when it failed during a commit (I/O error,
 * crash of the writer) the outcome is unknown, so retry with the same event ids — appends are
 * idempotent by id.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** `put` found a different wrapped key under the id. The vault never replaces a KEK silently:
 *  that would make every key material wrapped under the old one unreadable. */
export class VaultConflictError extends Error {
  override readonly name = 'VaultConflictError';
  constructor(readonly id: string) {
    super(`The key vault already holds a different entry for '${id}'`);
  }
}

export const isWrongExpectedVersion = (e: unknown): e is WrongExpectedVersionError =>
  e instanceof WrongExpectedVersionError;

export interface ReadStreamOptions {
  /** Revision to start from (inclusive). Forwards default 0; backwards default: the end. */
  readonly from?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
  /**
   * Only events of these types. For reading a stream's rare events past its frequent ones (a
   * key's lifecycle past its usage) without reading the frequent ones: served by an index.
   */
  readonly types?: readonly string[];
}

/**
 * A window of time by each event's metadata `occurredAt` (DESIGN.md: every event has one), as
 * `Date#toISOString` writes it, so that instants compare as strings.
 */
export interface OccurredWindow {
  /** Inclusive; default: the beginning. */
  readonly since?: string;
  /** Exclusive; default: no end. */
  readonly until?: string;
  /** Only events of this stream. */
  readonly stream?: string;
}

/** The window of readOccurredMembers: one stream's. */
export interface MembersWindow extends OccurredWindow {
  readonly stream: string;
  /**
   * A hint: an event whose data holds no string equal to this one (as a member's value or name,
   * at any depth) may be left out. The events handed out are a superset of those whose data
   * does — the reader still decides — but a store can skip most of a stream cheaply: the audit
   * of one key reads the audit log's day streams, where few requests name that key.
   */
  readonly dataMentions?: string;
  /** Only the stream's events from this revision on (default 0): a reader resuming where it left off. */
  readonly fromRevision?: number;
}

/**
 * Members of events' data and metadata, each named by its path of object member names
 * (`['request', 'requestId']` is `metadata.request.requestId`).
 */
export interface MemberPaths {
  readonly data: readonly (readonly string[])[];
  readonly metadata: readonly (readonly string[])[];
}

/**
 * An event with some members of its payload instead of the whole of it: `data[i]` is the value
 * at `paths.data[i]` (MemberPaths), likewise `metadata[i]`; null where the path leads to nothing
 * (or passes through anything but an object), as where it leads to null. Values are frozen.
 */
export interface EventMembers {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly id: string;
  readonly type: string;
  readonly data: readonly Json[];
  readonly metadata: readonly Json[];
}

export interface ReadAllOptions {
  /** Global position to start after (exclusive); default: the beginning. */
  readonly after?: number;
  readonly limit?: number;
}

export interface EventStore {
  /**
   * Atomic per call: all events are written, or none. Durable when the promise resolves.
   * A retry (all ids already stored there, as this append would have stored them) succeeds
   * with the stored events; other reuse of stored ids is an EventIdConflictError. With no
   * events it only checks the expectation (nextExpectedRevision -1 and position 0 for an
   * absent stream). Data and metadata must be plain JSON (no undefined, NaN, Date, class
   * instances, cycles: a TypeError otherwise); -0 reads back as 0. Objects read back with
   * their members in canonical (sorted) order. Metadata may not set `prev` or `hash`: the store
   * writes the chain link itself.
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream; empty when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  /** All events in global position order. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Events whose metadata `occurredAt` falls in the window, in position order (events without
   * one never match). Its cost follows the window and the number of streams, not the log: on
   * SQLite a binary search of each stream, exact while no stream's events are out of time
   * order by more than five minutes (reader.ts).
   */
  readOccurred(window: OccurredWindow): AsyncIterable<RecordedEvent>;
  /**
   * Optional: readOccurred of one stream, a page at a time, each event with only the members
   * `paths` name — for a reader that needs a few members of many events (the audit of a busy
   * key): only the members picked outlive the read, and SQLite hands out no chain links. With
   * neither `since` nor `until`, every event of the stream, with an occurredAt or without.
   */
  readOccurredMembers?(window: MembersWindow, paths: MemberPaths): AsyncIterable<readonly EventMembers[]>;
  /**
   * The events one request that spans streams wrote — a ReEncrypt (`request.operation`), whose
   * source and destination keys each get a KeyUsed — found by the metadata's
   * `request.requestId`, in position order, through an index of those requests alone. For
   * another request the answer may be empty: only what a ReEncrypt wrote is promised.
   */
  readRequest(requestId: string): AsyncIterable<RecordedEvent>;
  /**
   * Optional: the log a page at a time for projections to replay, cheaper than readAll. The
   * events' members are read by name (they may be getters that do not survive spreading), and
   * their payloads may be read from the store only when first asked for: the store must stay
   * open while they are read.
   */
  replayPages?(options?: ReadAllOptions): AsyncIterable<readonly RecordedEvent[]>;
  /** Catch-up from `after` (exclusive; default the beginning), then live, in position order. */
  subscribeAll(after?: number): Observable<RecordedEvent>;
  /** Position of the last committed event, or 0 when empty. */
  headPosition(): Promise<number>;
  /** All events in global position order, as stored and hashed (see StoredEvent). */
  readStored(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  /**
   * The head of every stream whose last event is at a position above `after` (default 0: all),
   * and the number of streams — both from ONE consistent snapshot, so the heads are exactly
   * the heads as of their highest position.
   */
  streamHeads(options?: { readonly after?: number }): Promise<StreamHeads>;
  /**
   * Checks the hash chain of each segment of the log (chainSegments.ts), in parallel where the
   * adapter can; summaries in the order of `ranges`. Optional: verify walks the log in one
   * piece without it.
   */
  checkSegments?(ranges: readonly SegmentRange[], onSummary?: (summary: SegmentSummary) => void): Promise<SegmentSummary[]>;
  /** Finishes in-flight appends, then releases resources. Further calls fail. */
  close(): Promise<void>;
}

/**
 * The key vault: the one mutable thing beside the log. It holds each KMS key's KEK, wrapped
 * under the root key, so that destroying the entry makes the key's material (which lives in
 * the immutable log) unreadable for ever — crypto-shredding.
 */
export interface KeyVault {
  /** Stores the entry; a no-op when the same bytes are already there, VaultConflictError when
   *  different ones are. */
  put(id: string, wrapped: Uint8Array): Promise<void>;
  get(id: string): Promise<Uint8Array | undefined>;
  /** Overwrites and removes the entry; a later get returns undefined. Idempotent. */
  destroy(id: string): Promise<void>;
}

/** What an adapter's factory hands back: the log, the vault beside it, and one close for both. */
export interface OpenedStore {
  readonly store: EventStore;
  readonly vault: KeyVault;
  /** Closes the store and the vault; `store.close()` does the same. */
  close(): Promise<void>;
}
