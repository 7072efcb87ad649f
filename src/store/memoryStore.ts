// The in-memory adapter, for unit tests. It keeps the SQLite adapter's semantics to the letter:
// the same argument checks, the same `decideAppend`, events stored as JSON text (so what reads
// back is exactly what the durable store would return), dense positions from 1, and the same
// catch-up-then-live subscription, and the same hash chain (chain.ts). Appends are applied in
// call order, synchronously, so concurrent appends behave as the SQLite writer's arrival order
// does.
import {
  StoreUnavailableError,
  VaultConflictError,
  type AppendResult,
  type EventMembers,
  type EventStore,
  type MemberPaths,
  type MembersWindow,
  type ExpectedRevision,
  type KeyVault,
  type NewEvent,
  type OccurredWindow,
  type OpenedStore,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StoredEvent,
  type StreamHead,
  type StreamHeads,
} from './eventStore.js';
import {
  checkAfter,
  checkHeadsAfter,
  checkMembersWindow,
  checkOccurredWindow,
  checkReadAll,
  checkRequestId,
  checkReadStream,
  checkStream,
  decideAppend,
  encodeAppend,
  type StoredRef,
} from './appendRules.js';
import { eventHash, GENESIS_HASH, metadataWithLinks, type ChainFields } from './chain.js';
import { summarizeSegment, type SegmentRange, type SegmentSummary } from './chainSegments.js';
import { decodeJsonObject } from './json.js';
import { checkMemberPaths, pickMembers } from './members.js';
import { checkVaultId, checkWrapped, sameBytes } from './vaultRules.js';
import { catchUpThenLive, LiveFeed } from './subscription.js';
import type { Observable } from 'rxjs';

/** A stored event: what the chain hashes, and its hash. */
type Row = ChainFields & { readonly hash: string };

const pageSize = 1000;

export class MemoryEventStore implements EventStore {
  /** rows[p - 1] is the event at position p. */
  private readonly rows: Row[] = [];
  /** Positions of each stream's events, by revision. */
  private readonly streams = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();
  private readonly feed = new LiveFeed();
  private outage = false;
  private closed = false;

  /** `onClose` lets the vault opened beside this store close with it, as on SQLite. */
  constructor(private readonly onClose: () => void = () => undefined) {}

  /** Makes every later append fail with StoreUnavailableError until called with false —
   *  for testing that callers fail closed. */
  simulateOutage(on: boolean): void {
    this.outage = on;
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const request = encodeAppend(stream, events, expected);
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
    if (this.outage) throw new StoreUnavailableError('simulated store outage');
    const positions = this.streams.get(request.stream);
    const ids = request.events.map((e) => e.id);
    const decision = decideAppend(
      request.stream,
      ids,
      request.expected,
      positions === undefined ? undefined : positions.length - 1,
      ids.map((id) => this.refOf(this.byId.get(id))),
    );
    switch (decision.kind) {
      case 'refuse':
        throw decision.error;
      case 'empty': {
        const last = positions?.at(-1);
        return { nextExpectedRevision: (positions?.length ?? 0) - 1, position: last ?? 0, events: [] };
      }
      case 'retry':
        return this.resultOf(decision.refs.map((ref) => ref.position));
    }
    const streamPositions = positions ?? [];
    this.streams.set(request.stream, streamPositions);
    let prev = this.rows[(streamPositions.at(-1) ?? 0) - 1]?.hash ?? GENESIS_HASH;
    const written = request.events.map((event, i) => {
      const fields = { stream: request.stream, revision: decision.firstRevision + i, ...event, prev };
      const hash = eventHash(fields);
      this.rows.push({ ...fields, hash });
      prev = hash;
      const position = this.rows.length;
      streamPositions.push(position);
      this.byId.set(event.id, position);
      return position;
    });
    const result = this.resultOf(written);
    this.feed.publish(result.events);
    return result;
  }

  async *readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    const { from, backwards, limit, types } = checkReadStream(options);
    this.ensureOpen();
    const positions = this.streams.get(checkStream(stream)) ?? [];
    const step = backwards ? -1 : 1;
    let count = 0;
    for (let r = Math.min(from, positions.length - (backwards ? 1 : 0)); count < limit; r += step) {
      const position = positions[r];
      if (position === undefined) return;
      if (types !== undefined && !types.includes(this.rows[position - 1]!.type)) continue;
      count++;
      yield this.eventAt(position);
    }
  }

  // The two secondary reads scan: this adapter is for unit tests, where logs are small. What
  // they must match is the SQLite adapter's indexed answers (the contract suite runs both).
  async *readOccurred(window: OccurredWindow): AsyncIterable<RecordedEvent> {
    const { since, until, stream } = checkOccurredWindow(window);
    this.ensureOpen();
    for (const [i, row] of this.rows.entries()) {
      if (stream !== undefined && row.stream !== stream) continue;
      const at = (JSON.parse(row.metadata) as { occurredAt?: unknown }).occurredAt;
      if (typeof at !== 'string' || (since !== undefined && at < since) || (until !== undefined && at >= until)) continue;
      yield this.eventAt(i + 1);
    }
  }

  async *readOccurredMembers(window: MembersWindow, paths: MemberPaths): AsyncIterable<readonly EventMembers[]> {
    checkMembersWindow(window);
    checkMemberPaths(paths);
    // The hint taken as SQLite takes it: the data's text holds the string's JSON text.
    const mentioned = window.dataMentions === undefined ? undefined : JSON.stringify(window.dataMentions);
    let page: EventMembers[] = [];
    const fromRevision = window.fromRevision ?? 0;
    const unbounded = window.since === undefined && window.until === undefined;
    for await (const event of unbounded ? this.readStream(window.stream) : this.readOccurred(window)) {
      if (event.revision < fromRevision) continue;
      if (mentioned !== undefined && !this.rows[event.position - 1]!.data.includes(mentioned)) continue;
      page.push(pickMembers(event, paths));
      if (page.length === pageSize) {
        yield page;
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async *readRequest(requestId: string): AsyncIterable<RecordedEvent> {
    const id = checkRequestId(requestId);
    this.ensureOpen();
    for (const [i, row] of this.rows.entries()) {
      const request = (JSON.parse(row.metadata) as { request?: { requestId?: unknown } }).request;
      if (request?.requestId === id) yield this.eventAt(i + 1);
    }
  }

  /** In this thread, one segment after another: the same answers as SQLite's threads. */
  async checkSegments(ranges: readonly SegmentRange[], onSummary?: (summary: SegmentSummary) => void): Promise<SegmentSummary[]> {
    const out: SegmentSummary[] = [];
    for (const range of ranges) {
      const events: StoredEvent[] = [];
      for await (const e of this.readStored({ after: range.after, limit: range.through - range.after })) if (e.position <= range.through) events.push(e);
      const summary = summarizeSegment(range, events);
      onSummary?.(summary);
      out.push(summary);
    }
    return out;
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    const { after, limit } = checkReadAll(options);
    this.ensureOpen();
    const end = Math.min(this.rows.length, after + limit);
    for (let p = after + 1; p <= end; p++) yield this.eventAt(p);
  }

  subscribeAll(after?: number): Observable<RecordedEvent> {
    const start = checkAfter(after);
    return catchUpThenLive(this.feed, (from, limit) => this.page(from, Math.min(limit, pageSize)), start);
  }

  async headPosition(): Promise<number> {
    this.ensureOpen();
    return this.rows.length;
  }

  async *readStored(options?: ReadAllOptions): AsyncIterable<StoredEvent> {
    const { after, limit } = checkReadAll(options);
    this.ensureOpen();
    const end = Math.min(this.rows.length, after + limit);
    for (let p = after + 1; p <= end; p++) {
      const row = this.rows[p - 1];
      if (row !== undefined) yield { ...row, position: p };
    }
  }

  async streamHeads(options?: { readonly after?: number }): Promise<StreamHeads> {
    const after = checkHeadsAfter(options);
    this.ensureOpen();
    const heads: StreamHead[] = [];
    for (const [stream, positions] of this.streams) {
      const position = positions.at(-1) ?? 0;
      const row = this.rows[position - 1];
      if (row !== undefined && position > after) heads.push({ stream, revision: row.revision, position, hash: row.hash });
    }
    heads.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    return { streams: this.streams.size, heads };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onClose();
    this.feed.end();
  }

  private page(after: number, limit: number): RecordedEvent[] {
    this.ensureOpen();
    const page: RecordedEvent[] = [];
    for (let p = after + 1; p <= Math.min(this.rows.length, after + limit); p++) page.push(this.eventAt(p));
    return page;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the event store is closed');
  }

  private refOf(position: number | undefined): StoredRef | undefined {
    const row = position === undefined ? undefined : this.rows[position - 1];
    return row === undefined || position === undefined ? undefined : { stream: row.stream, revision: row.revision, position };
  }

  private eventAt(position: number): RecordedEvent {
    const row = this.rows[position - 1];
    if (row === undefined) throw new RangeError(`no event at position ${position}`);
    const { stream, revision, id, type } = row;
    const metadata = decodeJsonObject(metadataWithLinks(row.metadata, row.prev, row.hash));
    return { stream, revision, id, type, position, data: decodeJsonObject(row.data), metadata };
  }

  private resultOf(positions: readonly number[]): AppendResult {
    const events = positions.map((p) => this.eventAt(p));
    const last = events.at(-1);
    if (last === undefined) throw new RangeError('an append result needs at least one event');
    return { nextExpectedRevision: last.revision, position: last.position, events };
  }
}

export class MemoryKeyVault implements KeyVault {
  private readonly entries = new Map<string, Uint8Array>();
  private closed = false;

  async put(id: string, wrapped: Uint8Array): Promise<void> {
    const key = checkVaultId(id);
    const bytes = checkWrapped(wrapped);
    this.ensureOpen();
    const current = this.entries.get(key);
    if (current !== undefined && !sameBytes(current, bytes)) throw new VaultConflictError(key);
    this.entries.set(key, Uint8Array.from(bytes));
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const key = checkVaultId(id);
    this.ensureOpen();
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : Uint8Array.from(entry);
  }

  async destroy(id: string): Promise<void> {
    const key = checkVaultId(id);
    this.ensureOpen();
    // Zeroing is the memory analogue of secure_delete; copies handed out by get are the
    // caller's to wipe.
    this.entries.get(key)?.fill(0);
    this.entries.delete(key);
  }

  close(): void {
    this.closed = true;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the key vault is closed');
  }
}

/** A memory event store and vault with the SQLite factory's shape. */
export const createMemoryStore = (): OpenedStore & { readonly store: MemoryEventStore } => {
  const vault = new MemoryKeyVault();
  const store = new MemoryEventStore(() => vault.close());
  return { store, vault, close: () => store.close() };
};
