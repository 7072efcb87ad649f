// The embedded default adapter: one SQLite file (WAL, synchronous=FULL) holding the event log
// and the key vault. Writes go to a single writer thread that group-commits them (writer.ts);
// reads run here, on a read-only connection (reader.ts); live subscriptions follow the
// writer's replies (subscription.ts).
//
// One process per database file: the live feed only knows the commits of this process's
// writer, so a second process appending to the same file would go unseen by subscribers.
//
// `readOnly` opens a file without a writer at all — for `keyledger verify` on a copy of a data
// directory: nothing is migrated or written, every write is refused, and reads see the file
// as it is.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Observable } from 'rxjs';
import {
  StoreUnavailableError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type KeyVault,
  type NewEvent,
  type MembersWindow,
  type OccurredWindow,
  type OpenedStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredEvent,
  type StreamHeads,
  type EventMembers,
  type MemberPaths,
} from '../eventStore.js';
import { checkMemberPaths } from '../members.js';
import { checkAfter, checkHeadsAfter, checkMembersWindow, checkOccurredWindow, checkReadAll, checkReadStream, checkRequestId, checkStream, encodeAppend } from '../appendRules.js';
import type { SegmentRange, SegmentSummary } from '../chainSegments.js';
import { catchUpThenLive, LiveFeed } from '../subscription.js';
import { checkSegmentsInParallel } from './segmentPool.js';
import { checkVaultId, checkWrapped } from '../vaultRules.js';
import type { WriterStats } from './protocol.js';
import { decodeEvent, Reader } from './reader.js';
import { openReadConnection, openReadOnlyDatabase } from './schema.js';
import { DEFAULT_COMMIT_WINDOW_MS, MAX_COMMIT_WINDOW_MS } from './commitWindow.js';
import { WriterClient } from './writerClient.js';

export interface SqliteStoreOptions {
  /** The database file, e.g. `<dataDir>/keyledger.db`; its directory is created if missing. */
  readonly path: string;
  /** Most requests the writer commits in one transaction (default 1000). */
  readonly maxBatch?: number;
  /**
   * How long a commit may wait for more requests while others are writing, in ms (default 1,
   * at most 100; 0 commits at once). See commitWindow.ts: it trades up to this much latency for
   * less CPU per request under concurrent load, and never holds a lone writer.
   */
  readonly commitWindowMs?: number;
  /** Open an existing, migrated file without a writer: reads only, appends and vault writes
   *  fail with StoreUnavailableError (default false). */
  readonly readOnly?: boolean;
}

export interface SqliteStore extends OpenedStore {
  /** Counters of the writer thread (as of its last reply), for benchmarks and tests. */
  stats(): WriterStats;
}

const pageSize = 1000;

export const openSqliteStore = async (options: SqliteStoreOptions): Promise<SqliteStore> => {
  const { path, maxBatch = 1000, commitWindowMs = DEFAULT_COMMIT_WINDOW_MS, readOnly = false } = options;
  if (typeof path !== 'string' || path === '' || path === ':memory:' || path.startsWith('file:')) {
    throw new TypeError('"path" expected the path of a database file');
  }
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new RangeError('"maxBatch" expected an integer >= 1');
  if (typeof commitWindowMs !== 'number' || !(commitWindowMs >= 0 && commitWindowMs <= MAX_COMMIT_WINDOW_MS)) {
    throw new RangeError(`"commitWindowMs" expected a number of milliseconds from 0 to ${MAX_COMMIT_WINDOW_MS}`);
  }
  if (readOnly) return openReadOnly(path);
  mkdirSync(dirname(path), { recursive: true });
  const feed = new LiveFeed();
  // The writer creates and migrates the file; only then can a read-only connection open it.
  const writer = await WriterClient.start(
    { path, maxBatch, commitWindowMs },
    { decode: decodeEvent, committed: (events) => feed.publish(events), failed: (error) => feed.end(error) },
  );
  let reader: Reader;
  try {
    reader = new Reader(openReadConnection(path));
  } catch (error) {
    await writer.shutdown();
    throw new StoreUnavailableError(`could not open ${path} for reading: ${error instanceof Error ? error.message : String(error)}`);
  }
  const store = new SqliteEventStore(writer, reader, feed, path);
  return { store, vault: new SqliteKeyVault(writer, store), close: () => store.close(), stats: () => writer.stats() };
};

const readOnlyStats: WriterStats = { transactions: 0, appends: 0, events: 0, conflicts: 0, vaultWrites: 0, largestBatch: 0, heldCommits: 0 };

const openReadOnly = (path: string): SqliteStore => {
  let reader: Reader;
  try {
    reader = new Reader(openReadOnlyDatabase(path));
  } catch (error) {
    throw new StoreUnavailableError(`could not open ${path} read-only: ${error instanceof Error ? error.message : String(error)}`);
  }
  const store = new SqliteEventStore(undefined, reader, new LiveFeed(), path);
  return { store, vault: new SqliteKeyVault(undefined, store), close: () => store.close(), stats: () => readOnlyStats };
};

/** The writer, or StoreUnavailableError when the store was opened read-only. */
const writable = (writer: WriterClient | undefined): WriterClient => {
  if (writer === undefined) throw new StoreUnavailableError('the SQLite store is open read-only');
  return writer;
};

class SqliteEventStore implements EventStore {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly writer: WriterClient | undefined,
    private readonly reader: Reader,
    private readonly feed: LiveFeed,
    private readonly path: string,
  ) {}

  /** On threads of their own, each with a read-only connection (segmentPool.ts). */
  async checkSegments(ranges: readonly SegmentRange[], onSummary?: (summary: SegmentSummary) => void): Promise<SegmentSummary[]> {
    this.open();
    return checkSegmentsInParallel(this.path, ranges, onSummary);
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const request = encodeAppend(stream, events, expected);
    const result = await writable(this.writer).submit({ op: 'append', ...request });
    if (result === undefined) throw new Error('the SQLite writer answered an append without a result');
    return result;
  }

  async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    checkStream(stream);
    const checked = checkReadStream(options);
    const { backwards, types } = checked;
    let { from, limit } = checked;
    while (limit > 0 && from >= 0) {
      const want = Math.min(limit, pageSize);
      const reader = this.open();
      const page = types === undefined ? reader.streamPage(stream, from, backwards, want) : reader.typedStreamPage(stream, types, from, backwards, want);
      yield* page;
      const last = page.at(-1);
      if (page.length < want || last === undefined) return;
      limit -= page.length;
      from = backwards ? last.revision - 1 : last.revision + 1;
    }
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    for await (const page of this.pagesAfter(options, (after, want) => this.open().allPage(after, want))) yield* page;
  }

  /**
   * The log after `options.after`, up to `options.limit` events, one page per read: no read
   * transaction is held open across a yield. `read(after, want)` fetches one page.
   */
  private async *pagesAfter<T extends { readonly position: number }>(
    options: ReadAllOptions | undefined,
    read: (after: number, want: number) => T[],
  ): AsyncIterable<readonly T[]> {
    let { after, limit } = checkReadAll(options);
    while (limit > 0) {
      const want = Math.min(limit, pageSize);
      const page = read(after, want);
      if (page.length > 0) yield page;
      const last = page.at(-1);
      if (page.length < want || last === undefined) return;
      limit -= page.length;
      after = last.position;
    }
  }

  async *readOccurred(window: OccurredWindow): AsyncIterable<RecordedEvent> {
    const { since, until, stream } = checkOccurredWindow(window);
    yield* this.atPositions(this.open().occurred(since, until, stream));
  }

  async *readOccurredMembers(window: MembersWindow, paths: MemberPaths): AsyncIterable<readonly EventMembers[]> {
    const { since, until, stream, dataMentions, fromRevision = 0 } = checkMembersWindow(window);
    checkMemberPaths(paths);
    const range = this.open().occurredRange(stream, since, until);
    if (range === undefined) return;
    let from = Math.max(range[0], fromRevision);
    const to = range[1];
    // A page per read, as atPositions: no read held open across a yield. Revisions below `to`
    // are immutable, so pages read at different times still make one window.
    while (from < to) {
      const { members, next } = this.open().membersPage({ stream, from, to, since, until, dataMentions }, paths, pageSize);
      if (members.length > 0) yield members;
      from = next;
    }
  }

  async *readRequest(requestId: string): AsyncIterable<RecordedEvent> {
    yield* this.atPositions(this.open().ofRequest(checkRequestId(requestId)));
  }

  /** The events at `positions` (sorted), a page per call: no read held open across a yield. */
  private async *atPositions(positions: readonly number[]): AsyncIterable<RecordedEvent> {
    for (let i = 0; i < positions.length; i += pageSize) yield* this.open().atPositionsPage(positions.slice(i, i + pageSize));
  }

  replayPages(options?: ReadAllOptions): AsyncIterable<readonly RecordedEvent[]> {
    const load = (position: number) => this.open().rowAt(position);
    return this.pagesAfter(options, (after, want) => this.open().replayPage(after, want, load));
  }

  subscribeAll(after?: number): Observable<RecordedEvent> {
    const start = checkAfter(after);
    return catchUpThenLive(this.feed, (from, limit) => this.open().allPage(from, limit), start);
  }

  async headPosition(): Promise<number> {
    return this.open().headPosition();
  }

  async *readStored(options?: ReadAllOptions): AsyncIterable<StoredEvent> {
    for await (const page of this.pagesAfter(options, (after, want) => this.open().storedPage(after, want))) yield* page;
  }

  async streamHeads(options?: { readonly after?: number }): Promise<StreamHeads> {
    const after = checkHeadsAfter(options);
    return this.open().streamHeads(after);
  }

  /** Stops accepting, lets in-flight writes commit, then closes the reader before the writer:
   *  the last connection to close checkpoints the WAL and removes it. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writer?.drain();
      this.reader.close();
      await this.writer?.shutdown();
      this.feed.end();
    })();
    return this.closing;
  }

  /** The reader, or StoreUnavailableError once close() has begun. */
  open(): Reader {
    if (this.closing !== undefined) throw new StoreUnavailableError('the SQLite store is closed');
    return this.reader;
  }
}

class SqliteKeyVault implements KeyVault {
  constructor(
    private readonly writer: WriterClient | undefined,
    private readonly store: SqliteEventStore,
  ) {}

  async put(id: string, wrapped: Uint8Array): Promise<void> {
    // Copied now: the request is cloned to the writer at the end of this turn of the event
    // loop, and a caller that wipes its buffer right after calling put must not have zeros stored.
    const request = { op: 'put', id: checkVaultId(id), wrapped: Uint8Array.from(checkWrapped(wrapped)) } as const;
    await writable(this.writer).submit(request);
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    return this.store.open().vaultEntry(checkVaultId(id));
  }

  async destroy(id: string): Promise<void> {
    const request = { op: 'destroy', id: checkVaultId(id) } as const;
    await writable(this.writer).submit(request);
  }
}
