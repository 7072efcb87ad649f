// Reads on the main thread through a read-only connection. WAL gives each statement a
// consistent snapshot without waiting for the writer, and reads are small: each call fetches
// one page with `.all()`, so no read transaction is held open across an `await` (an open one
// would pin the WAL and stop checkpoints).
import type Database from 'better-sqlite3';
import { metadataWithLinks } from '../chain.js';
import type { EventMembers, JsonObject, MemberPaths, RecordedEvent, StoredEvent, StreamHead, StreamHeads } from '../eventStore.js';
import { decodeJsonObject } from '../json.js';
import { pickFrom } from '../members.js';
import type { WireEvent } from './protocol.js';
import { SPANNING_OPERATION, UNINDEXED_TYPE } from './schema.js';

type Db = Database.Database;

// Links as hex text, converted by SQLite: a JavaScript string per value is several times
// cheaper to hand out than a Buffer (measured on the verify path).
const columns = 'position, stream, revision, id, type, data, metadata, lower(hex(prev)) AS prev, lower(hex(hash)) AS hash';

/**
 * A recorded event whose data and metadata are parsed on first read, then kept. A replay
 * hands every event to every projection, and most look at the stream and type alone — a key
 * view skips a KeyUsed's payload, an alias index skips key events — so parsing every payload
 * up front was most of what a rebuild cost. Own enumerable getters: spreading, JSON.stringify
 * and deep equality see the same members a plain object has.
 */
export const decodeEvent = (row: WireEvent): RecordedEvent => lazyEvent(row.position, row.stream, row.revision, row.id, row.type, row.data, row.metadata, row.prev, row.hash);

/** A row of `columns`, in order, as `.raw()` hands it out. */
type StoredRow = [number, string, number, string, string, string, string, string, string];

// Rows as arrays: better-sqlite3 builds an array per row far faster than an object with
// named members (measured ~1.7x on the verify path).
const decodeRow = ([position, stream, revision, id, type, data, metadata, prev, hash]: StoredRow): RecordedEvent =>
  lazyEvent(position, stream, revision, id, type, data, metadata, prev, hash);

const lazyEvent = (
  position: number,
  stream: string,
  revision: number,
  id: string,
  type: string,
  dataText: string,
  metadataText: string,
  prev: string,
  hash: string,
): RecordedEvent => {
  let data: JsonObject | undefined;
  let metadata: JsonObject | undefined;
  return {
    stream,
    revision,
    position,
    id,
    type,
    get data(): JsonObject {
      return (data ??= decodeJsonObject(dataText));
    },
    get metadata(): JsonObject {
      return (metadata ??= decodeJsonObject(metadataWithLinks(metadataText, prev, hash)));
    },
  };
};

/** Which rows membersPage reads: revisions [from, to) of a stream, see MembersWindow. */
export interface MembersRange {
  readonly stream: string;
  readonly from: number;
  readonly to: number;
  readonly since: string | undefined;
  readonly until: string | undefined;
  readonly dataMentions: string | undefined;
}

/** A row of membersPage: position, revision, id, type, data, metadata (no links). */
type PayloadRow = [number, number, string, string, string, string];

/** A replay's row: the payload columns are null for KeyUsed. */
type ReplayRow = [number, string, number, string, string, string | null, string | null, string | null, string | null];

/**
 * An event of a replay. Its members are the prototype's getters, not own properties: creating
 * an object literal with getters costs ~1 µs an event, a class instance a tenth of that. So a
 * replayed event does not survive spreading or JSON.stringify with its payload — projections
 * read members by name, and only projections get replayed events (EventStore.replayPages).
 */
class ReplayedEvent implements RecordedEvent {
  private parsedData: JsonObject | undefined;
  private parsedMetadata: JsonObject | undefined;

  constructor(
    private row: ReplayRow | StoredRow,
    private readonly load: (position: number) => StoredRow | undefined,
  ) {}

  get position(): number {
    return this.row[0];
  }
  get stream(): string {
    return this.row[1];
  }
  get revision(): number {
    return this.row[2];
  }
  get id(): string {
    return this.row[3];
  }
  get type(): string {
    return this.row[4];
  }
  get data(): JsonObject {
    return (this.parsedData ??= decodeJsonObject(this.full()[5]));
  }
  get metadata(): JsonObject {
    const [, , , , , , metadata, prev, hash] = this.full();
    return (this.parsedMetadata ??= decodeJsonObject(metadataWithLinks(metadata, prev, hash)));
  }

  private full(): StoredRow {
    const row = this.row;
    if (row[5] !== null && row[6] !== null && row[7] !== null && row[8] !== null) return row as StoredRow;
    const loaded = this.load(row[0]);
    if (loaded === undefined) throw new Error(`the event at position ${row[0]} is no longer in the store`);
    this.row = loaded;
    return loaded;
  }
}

/** How far out of time order a stream's events may be and still be found by time (occurred). */
export const OCCURRED_SLACK_MS = 5 * 60_000;

const byStream = (a: StreamHead, b: StreamHead): number => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0);

export class Reader {
  private readonly forwards;
  private readonly backwards;
  private readonly all;
  private readonly head;
  private readonly vault;
  private readonly stored;
  private readonly heads;
  private readonly streamCount;
  private readonly typedForwards;
  private readonly typedBackwards;
  private readonly usageForwards;
  private readonly usageBackwards;
  private readonly occurredAt;
  private readonly streamEnds;
  private readonly allStreams;
  private readonly occurredIn;
  private readonly requestPositions;
  private readonly atPositions;
  private readonly replay;
  private readonly atPosition;
  private readonly payloads;
  private readonly payloadsMentioning;

  constructor(private readonly db: Db) {
    this.forwards = db
      .prepare<[string, number, number], StoredRow>(`SELECT ${columns} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`)
      .raw(true);
    this.backwards = db
      .prepare<[string, number, number], StoredRow>(`SELECT ${columns} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
      .raw(true);
    this.all = db.prepare<[number, number], StoredRow>(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(true);
    // MAX over the INTEGER PRIMARY KEY is one probe of the table's b-tree.
    this.head = db.prepare<[], { head: number | null }>('SELECT MAX(position) AS head FROM events');
    this.vault = db.prepare<[string], { wrapped: Buffer }>('SELECT wrapped FROM vault WHERE id = ?');
    this.stored = db
      .prepare<[number, number], StoredRow>(`SELECT ${columns} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
      .raw(true);
    // A scan of the streams table: no index on position to keep up on every append, for a
    // query that runs once a checkpoint.
    this.heads = db.prepare<[number], StreamHead>('SELECT stream, revision, position, lower(hex(hash)) AS hash FROM streams WHERE position > ?');
    this.streamCount = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM streams');
    // The secondary reads (schema migration 3). INDEXED BY pins the plan: without statistics
    // the planner may prefer walking a stream in revision order, which for a key is every use
    // of it. Type lists and position lists travel as one JSON array parameter (json_each).
    // The type index leaves out KeyUsed (schema.ts): a question that includes it walks the
    // stream in revision order, which for usage is what it reads anyway.
    const typed = (order: string, cmp: string, usage: boolean) =>
      db
        .prepare<[string, string, number, number], StoredRow>(
          usage
            ? `SELECT ${columns} FROM events
                WHERE stream = ? AND type IN (SELECT value FROM json_each(?)) AND revision ${cmp} ? ORDER BY revision ${order} LIMIT ?`
            : `SELECT ${columns} FROM events INDEXED BY events_by_stream_type
                WHERE stream = ? AND type <> '${UNINDEXED_TYPE}' AND type IN (SELECT value FROM json_each(?)) AND revision ${cmp} ? ORDER BY revision ${order} LIMIT ?`,
        )
        .raw(true);
    this.typedForwards = typed('ASC', '>=', false);
    this.typedBackwards = typed('DESC', '<=', false);
    this.usageForwards = typed('ASC', '>=', true);
    this.usageBackwards = typed('DESC', '<=', true);
    // A window of time is found in each stream by binary search over its revisions (the
    // (stream, revision) key), not by an index on time: one would cost every cryptographic
    // request a b-tree page per commit (measured: a quarter of durable Encrypt throughput).
    this.occurredAt = db
      .prepare<[string, number], string | null>(`SELECT json_extract(metadata, '$.occurredAt') FROM events WHERE stream = ? AND revision = ?`)
      .pluck(true);
    this.streamEnds = db.prepare<[string], number>('SELECT revision FROM streams WHERE stream = ?').pluck(true);
    this.allStreams = db.prepare<[], string>('SELECT stream FROM streams').pluck(true);
    this.occurredIn = db
      .prepare<[string, number, number], [number, string | null]>(
        `SELECT position, json_extract(metadata, '$.occurredAt') FROM events WHERE stream = ? AND revision >= ? AND revision < ?`,
      )
      .raw(true);
    this.requestPositions = db
      .prepare<[string], number>(
        `SELECT position FROM events INDEXED BY events_by_request
          WHERE json_extract(metadata, '$.request.requestId') = ? AND json_extract(metadata, '$.request.operation') = '${SPANNING_OPERATION}'`,
      )
      .pluck(true);
    this.atPositions = db
      .prepare<[string], StoredRow>(`SELECT ${columns} FROM events WHERE position IN (SELECT value FROM json_each(?)) ORDER BY position`)
      .raw(true);
    // A replay's page: the payload of every event but KeyUsed, whose payload a projection
    // rarely reads (replayPage).
    const unlessUsage = (column: string) => `CASE WHEN type = '${UNINDEXED_TYPE}' THEN NULL ELSE ${column} END`;
    this.replay = db
      .prepare<[number, number], ReplayRow>(
        `SELECT position, stream, revision, id, type, ${unlessUsage('data')}, ${unlessUsage('metadata')}, ${unlessUsage('lower(hex(prev))')}, ${unlessUsage('lower(hex(hash))')}
          FROM events WHERE position > ? ORDER BY position LIMIT ?`,
      )
      .raw(true);
    this.atPosition = db.prepare<[number], StoredRow>(`SELECT ${columns} FROM events WHERE position = ?`).raw(true);
    this.payloads = db
      .prepare<[string, number, number, number], PayloadRow>(
        'SELECT position, revision, id, type, data, metadata FROM events WHERE stream = ? AND revision >= ? AND revision < ? ORDER BY revision LIMIT ?',
      )
      .raw(true);
    this.payloadsMentioning = db
      .prepare<[string, number, number, string, number], PayloadRow>(
        'SELECT position, revision, id, type, data, metadata FROM events WHERE stream = ? AND revision >= ? AND revision < ? AND instr(data, ?) > 0 ORDER BY revision LIMIT ?',
      )
      .raw(true);
  }

  /**
   * A page of events for projections to replay: a KeyUsed's payload is read from the store when
   * first asked for, by position, so the store must stay open while its events are read (the
   * server's projections live as long as its store). A replay reads every event once and a
   * projection reads almost no KeyUsed payload (the last-usage view, one per key, when asked):
   * leaving those ~750 bytes a row unread is most of what a replay costs.
   */
  replayPage(after: number, limit: number, load: (position: number) => StoredRow | undefined): RecordedEvent[] {
    return this.replay.all(after, limit).map((row) => new ReplayedEvent(row, load));
  }

  rowAt(position: number): StoredRow | undefined {
    return this.atPosition.get(position);
  }

  typedStreamPage(stream: string, types: readonly string[], from: number, backwards: boolean, limit: number): RecordedEvent[] {
    const usage = types.includes(UNINDEXED_TYPE);
    const statement = usage ? (backwards ? this.usageBackwards : this.usageForwards) : backwards ? this.typedBackwards : this.typedForwards;
    return statement.all(stream, JSON.stringify(types), from, limit).map(decodeRow);
  }

  /**
   * Positions of the events that occurred in [since, until), of one stream when given; sorted.
   * A stream's events are appended in the order they occur, give or take the milliseconds
   * between a request reading the clock and its append: the search looks OCCURRED_SLACK_MS
   * beyond each bound and then keeps exactly the events in the window. Exact unless a stream's
   * clock went back by more than that between two of its events.
   */
  occurred(since: string | undefined, until: string | undefined, stream: string | undefined): number[] {
    const positions: number[] = [];
    return this.db.transaction(() => {
      for (const s of stream === undefined ? this.allStreams.all() : [stream]) {
        const range = this.occurredRange(s, since, until);
        if (range === undefined) continue;
        for (const [position, at] of this.occurredIn.all(s, range[0], range[1])) {
          if (at !== null && (since === undefined || at >= since) && (until === undefined || at < until)) positions.push(position);
        }
      }
      return positions.sort((a, b) => a - b);
    })();
  }

  /**
   * The revisions [from, to) of `stream` that can hold events of [since, until) (see occurred:
   * OCCURRED_SLACK_MS beyond each bound); undefined when there is no such stream.
   */
  occurredRange(stream: string, since: string | undefined, until: string | undefined): [number, number] | undefined {
    const shifted = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
    return this.db.transaction((): [number, number] | undefined => {
      const head = this.streamEnds.get(stream);
      if (head === undefined) return undefined;
      const from = since === undefined ? 0 : this.firstAtOrAfter(stream, head, shifted(since, -OCCURRED_SLACK_MS));
      const to = until === undefined ? head + 1 : this.firstAtOrAfter(stream, head, shifted(until, OCCURRED_SLACK_MS));
      return [from, to];
    })();
  }

  /**
   * Up to `limit` events of `stream` from revision `from` (inclusive) to `to` (exclusive), read
   * as the members `paths` name, of those whose metadata's occurredAt is in [since, until) (all
   * of them when neither is given);
   * `next` is the revision to read from next. The rows come without their links (no hex to
   * make) and their payloads are parsed here and dropped: V8's JSON.parse of a whole payload is
   * several times faster than SQLite's json_extract of a few members of it (measured on a busy
   * key's day), and nothing but the members picked outlives the page. An event outside the
   * window has its data left unparsed. With `dataMentions`, SQLite passes over the rows whose
   * data's text lacks that string's JSON text (MembersWindow): data is stored as canonical
   * JSON, which writes every string as JSON.stringify does, so no row that holds it is missed.
   */
  membersPage(range: MembersRange, paths: MemberPaths, limit: number): { members: EventMembers[]; next: number } {
    const { stream, from, to, since, until, dataMentions } = range;
    const rows =
      dataMentions === undefined ? this.payloads.all(stream, from, to, limit) : this.payloadsMentioning.all(stream, from, to, JSON.stringify(dataMentions), limit);
    const members: EventMembers[] = [];
    for (let i = 0; i < rows.length; i++) {
      const [position, revision, id, type, dataText, metadataText] = rows[i]!;
      const metadata = JSON.parse(metadataText) as JsonObject;
      if (since !== undefined || until !== undefined) {
        const at = metadata['occurredAt'];
        if (typeof at !== 'string' || (since !== undefined && at < since) || (until !== undefined && at >= until)) continue;
      }
      members.push({
        stream,
        revision,
        position,
        id,
        type,
        data: pickFrom(JSON.parse(dataText) as JsonObject, paths.data),
        metadata: pickFrom(metadata, paths.metadata),
      });
    }
    const last = rows.at(-1);
    return { members, next: last === undefined || rows.length < limit ? to : last[1] + 1 };
  }

  /** The first revision of `stream` (0..head) whose occurredAt is at or after `iso`; head + 1 if none. */
  private firstAtOrAfter(stream: string, head: number, iso: string): number {
    let low = 0;
    let high = head + 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.occurredAt.get(stream, mid) ?? '') >= iso) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Positions of the events of one request; sorted. */
  ofRequest(requestId: string): number[] {
    return this.requestPositions.all(requestId).sort((a, b) => a - b);
  }

  /** The events at these positions, in position order. */
  atPositionsPage(positions: readonly number[]): RecordedEvent[] {
    return this.atPositions.all(JSON.stringify(positions)).map(decodeRow);
  }

  streamPage(stream: string, from: number, backwards: boolean, limit: number): RecordedEvent[] {
    return (backwards ? this.backwards : this.forwards).all(stream, from, limit).map(decodeRow);
  }

  allPage(after: number, limit: number): RecordedEvent[] {
    return this.all.all(after, limit).map(decodeRow);
  }

  storedPage(after: number, limit: number): StoredEvent[] {
    return this.stored.all(after, limit).map(([position, stream, revision, id, type, data, metadata, prev, hash]) => ({
      position,
      stream,
      revision,
      id,
      type,
      data,
      metadata,
      prev,
      hash,
    }));
  }

  /** Both statements in one read transaction: one snapshot, and nothing awaited inside. */
  streamHeads(after: number): StreamHeads {
    return this.db.transaction((): StreamHeads => {
      const heads = this.heads.all(after);
      return { streams: this.streamCount.get()?.n ?? 0, heads: heads.sort(byStream) };
    })();
  }

  headPosition(): number {
    return this.head.get()?.head ?? 0;
  }

  vaultEntry(id: string): Uint8Array | undefined {
    const row = this.vault.get(id);
    // A copy: the caller may wipe it, and it must not alias better-sqlite3's buffer.
    return row === undefined ? undefined : Uint8Array.from(row.wrapped);
  }

  close(): void {
    this.db.close();
  }
}
