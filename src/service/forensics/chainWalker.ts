// Verify, second pass: walk the log once in position order, holding each stream's last
// revision and hash, and hold every authentic checkpoint against the heads as of its position.
//
// The hot path (`visit`) is synchronous and allocates nothing per event beyond the hash string
// it computes: it compares the revision with the stream's expected next one, recomputes the
// event's hash from its stored bytes (chain.ts), and compares `prev` with the predecessor's
// hash. Only when something is wrong does `diagnose` look further (one indexed read) to tell a
// deleted event from a misplaced one.
import { eventHash, GENESIS_HASH, malformedChainColumn } from '../../store/chain.js';
import type { SegmentStream } from '../../store/chainSegments.js';
import type { EventStore, StoredEvent, StreamHead } from '../../store/eventStore.js';
import { CHECKPOINT_STREAM, type HeadEntry } from './checkpointFormat.js';
import type { AuthenticCheckpoint } from './checkpointLedger.js';
import { problem, type VerifyProblem } from './verifyProblem.js';

interface StreamState {
  revision: number;
  hash: string;
  position: number;
}

/** What each column of a stored event holds, for naming one that holds something else. */
const COLUMN_KINDS: Readonly<Record<string, string>> = {
  stream: 'a stream name',
  revision: 'a revision (an integer from 0)',
  id: 'an event id',
  type: 'an event type',
  data: 'JSON text',
  metadata: 'JSON text',
  prev: 'a hash (32 bytes)',
};

/** What `visit` found wrong, before `diagnose` names it. */
export type Suspect =
  | { readonly what: 'order'; readonly event: StoredEvent; readonly expected: number }
  | { readonly what: 'content'; readonly event: StoredEvent; readonly computed: string }
  | { readonly what: 'link'; readonly event: StoredEvent; readonly expectedPrev: string }
  | { readonly what: 'malformed'; readonly event: StoredEvent; readonly expected: number };

export class ChainWalker {
  private readonly streams = new Map<string, StreamState>();
  /** Streams (not `$checkpoints`) touched since the last checkpoint checked → first revision. */
  private touched = new Map<string, number>();

  constructor(private readonly store: EventStore) {}

  /** Streams seen so far, `$checkpoints` not counted. */
  get streamCount(): number {
    return this.streams.size - (this.streams.has(CHECKPOINT_STREAM) ? 1 : 0);
  }

  visit(e: StoredEvent): Suspect | undefined {
    const state = this.streams.get(e.stream);
    const expected = state === undefined ? 0 : state.revision + 1;
    if (e.revision !== expected) return { what: 'order', event: e, expected };
    let computed: string;
    try {
      computed = eventHash(e);
    } catch {
      // A column of the wrong kind (edited past the schema's checks): nothing to hash.
      return { what: 'malformed', event: e, expected };
    }
    if (computed !== e.hash) return { what: 'content', event: e, computed };
    const expectedPrev = state === undefined ? GENESIS_HASH : state.hash;
    if (e.prev !== expectedPrev) return { what: 'link', event: e, expectedPrev };
    if (state === undefined) this.streams.set(e.stream, { revision: e.revision, hash: e.hash, position: e.position });
    else {
      state.revision = e.revision;
      state.hash = e.hash;
      state.position = e.position;
    }
    if (e.stream !== CHECKPOINT_STREAM && !this.touched.has(e.stream)) this.touched.set(e.stream, e.revision);
    return undefined;
  }

  /**
   * Takes in a segment checked elsewhere (chainSegments.ts) as if its events had been visited:
   * each stream's first event there must follow the stream's last one so far, exactly as
   * `visit` demands of every event. False when one does not: walk the log in one piece to find
   * and name what is wrong.
   */
  absorb(streams: readonly SegmentStream[]): boolean {
    for (const [stream, firstRevision, firstPrev, revision, hash, position] of streams) {
      const state = this.streams.get(stream);
      if (firstRevision !== (state === undefined ? 0 : state.revision + 1)) return false;
      if (firstPrev !== (state === undefined ? GENESIS_HASH : state.hash)) return false;
      if (state === undefined) this.streams.set(stream, { revision, hash, position });
      else {
        state.revision = revision;
        state.hash = hash;
        state.position = position;
      }
      if (stream !== CHECKPOINT_STREAM && !this.touched.has(stream)) this.touched.set(stream, firstRevision);
    }
    return true;
  }

  async diagnose(suspect: Suspect): Promise<VerifyProblem> {
    const { stream, revision, position } = suspect.event;
    const at = { position };
    // A column of the wrong kind, edited past the schema's checks — a revision that is no
    // integer, a payload that is a blob, a link that is no hash — is what is wrong, whatever
    // else the walk made of the event.
    const column = malformedChainColumn(suspect.event);
    if (column !== undefined) {
      const value: unknown = suspect.event[column as keyof StoredEvent];
      const shown = typeof value === 'string' ? `'${value.length > 80 ? `${value.slice(0, 80)}…` : value}'` : Buffer.isBuffer(value) ? `a ${value.length}-byte blob` : String(value);
      const where = column === 'revision' && 'expected' in suspect ? suspect.expected : revision;
      return problem('edited', String(stream), where, `its ${column} is ${shown}, not ${COLUMN_KINDS[column] ?? 'what the schema holds'}`, at);
    }
    switch (suspect.what) {
      case 'content':
        return problem('edited', stream, revision, `its content hashes to ${suspect.computed}, not its stored ${suspect.event.hash}`, at);
      case 'malformed':
        return problem('edited', String(stream), revision, 'its columns cannot be hashed', at);
      case 'link': {
        const before = revision === 0 ? 'a first event links to 64 zeros' : `revision ${revision - 1} hashes to ${suspect.expectedPrev}`;
        return problem('edited', stream, revision, `it links to ${suspect.event.prev}, but ${before}`, at);
      }
      case 'order': {
        const { expected } = suspect;
        if (revision < expected) return problem('reordered', stream, revision, `revision ${revision} appears again at position ${position}`, at);
        const later = await this.firstFrom(stream, expected);
        if (later?.revision === expected) {
          const detail = `revision ${revision} is at position ${position}, before revision ${expected} (position ${later.position})`;
          return problem('reordered', stream, expected, detail, at);
        }
        const detail = `revision ${expected} is missing: revision ${revision} (position ${position}) follows ${expected - 1}`;
        return problem('missing', stream, expected, detail, at);
      }
    }
  }

  /** Holds the heads as of `c.position` (the walk's state right now) against checkpoint `c`. */
  async check(c: AuthenticCheckpoint, heads: readonly HeadEntry[]): Promise<VerifyProblem | undefined> {
    for (const head of heads) {
      const found = await this.checkHead(c, head);
      if (found !== undefined) return found;
    }
    const cp = { checkpoint: c.sequence };
    const [unlisted] = this.touched;
    if (unlisted !== undefined) {
      const [stream, revision] = unlisted;
      const detail =
        `checkpoint ${c.sequence} (signed, position ${c.position}) does not list ${stream}, ` +
        `which has events from revision ${revision} on since the checkpoint before`;
      return problem('inserted', stream, revision, detail, cp);
    }
    if (this.streamCount !== c.streams) {
      const detail = `checkpoint ${c.sequence} (signed) counts ${c.streams} streams; the log has ${this.streamCount}`;
      return problem(this.streamCount > c.streams ? 'inserted' : 'stream-removed', CHECKPOINT_STREAM, c.sequence, detail, cp);
    }
    this.touched = new Map();
    return undefined;
  }

  private async checkHead(c: AuthenticCheckpoint, [stream, revision, hash]: HeadEntry): Promise<VerifyProblem | undefined> {
    const says = `checkpoint ${c.sequence} (signed, position ${c.position}) has ${stream} at revision ${revision}`;
    const cp = { checkpoint: c.sequence };
    const state = this.streams.get(stream);
    if (state === undefined || state.revision < revision) {
      const next = state === undefined ? 0 : state.revision + 1;
      const later = await this.firstFrom(stream, next);
      if (later === undefined) {
        return state === undefined
          ? problem('stream-removed', stream, 0, `${says}; no event of the stream is left`, cp)
          : problem('truncated', stream, next, `${says}; the log ends at revision ${state.revision}`, cp);
      }
      const where = { ...cp, position: later.position };
      return later.revision === next
        ? problem('reordered', stream, next, `${says}; revision ${next} is at position ${later.position}, after the checkpoint`, where)
        : problem('missing', stream, next, `${says}; revision ${next} is missing, ${later.revision} is at position ${later.position}`, where);
    }
    const where = { ...cp, position: state.position };
    if (state.revision > revision) return problem('inserted', stream, revision + 1, `${says}; the log has revision ${state.revision} there`, where);
    if (state.hash !== hash) return problem('rewritten', stream, revision, `${says} with hash ${hash}; the log's chain ends in ${state.hash}`, where);
    if (!this.touched.delete(stream)) {
      return problem('reordered', stream, revision, `${says}, moved since the checkpoint before; the log has that revision before it`, where);
    }
    return undefined;
  }

  /**
   * Holds the store's own index of stream heads, taken BEFORE the walk, against the walk (see
   * verify.ts: weaker evidence than a checkpoint, but it covers the tail after the last one).
   * A stream that moved on since the index was read (a live store) is only held to its length.
   */
  checkIndex(index: readonly StreamHead[]): VerifyProblem | undefined {
    const source = "the store's index of stream heads (unsigned)";
    for (const { stream, revision, hash } of index) {
      const state = this.streams.get(stream);
      if (state === undefined) return problem('stream-removed', stream, 0, `${source} lists it at revision ${revision}; no event of it is left`);
      if (state.revision < revision) {
        return problem('truncated', stream, state.revision + 1, `${source} has it at revision ${revision}; the log ends at ${state.revision}`);
      }
      if (state.revision === revision && state.hash !== hash) {
        return problem('rewritten', stream, revision, `${source} has its head hash as ${hash}; the log's chain ends in ${state.hash}`);
      }
    }
    return undefined;
  }

  /** The first event of `stream` at `revision` or above, wherever it is in the log. */
  private async firstFrom(stream: string, revision: number): Promise<{ revision: number; position: number } | undefined> {
    for await (const e of this.store.readStream(stream, { from: revision, limit: 1 })) return { revision: e.revision, position: e.position };
    return undefined;
  }
}
