// Checking the hash chain in pieces, so that a log can be verified on every core at once
// (the forensics issue: verify ≥ 300,000 events/s). A segment is a range of log positions
// (after, through]. Within it every event's hash is recomputed from its stored bytes (chain.ts)
// and each stream's events must follow one another — revision after revision, each `prev` the
// hash before it. What a segment cannot know alone, whether each stream's FIRST event in it
// follows that stream's last event in the segments before, it hands on: per stream, the first
// revision and `prev` and the last revision, hash and position. Whoever stitches the segments in
// order (src/service/forensics/verify.ts) checks exactly those joints, so the segments together
// check every link a walk of the whole log in one piece checks.
//
// A segment never explains a failure: it names the first position it could not vouch for, and
// the caller walks the log in one piece to say what is wrong there and where it starts.
import { eventHashOf } from './chain.js';
import type { StoredEvent } from './eventStore.js';

/** Log positions (after, through]. */
export interface SegmentRange {
  readonly after: number;
  readonly through: number;
}

/** One stream's part of a segment: [stream, first revision, first prev, last revision, last hash, last position]. */
export type SegmentStream = readonly [string, number, string, number, string, number];

export interface SegmentSummary extends SegmentRange {
  readonly events: number;
  /** Streams in the order the segment first met them. */
  readonly streams: readonly SegmentStream[];
  /** The first event whose hash or place in its stream is wrong, when there is one. */
  readonly broken?: number;
}

interface Open {
  readonly firstRevision: number;
  readonly firstPrev: string;
  revision: number;
  hash: string;
  position: number;
}

/** Checks the events of one segment, given in position order. */
export const summarizeSegment = (range: SegmentRange, events: Iterable<StoredEvent>): SegmentSummary => {
  const checker = new SegmentChecker(range);
  for (const e of events) if (!checker.add(e.position, e.stream, e.revision, e.id, e.type, e.data, e.metadata, e.prev, e.hash)) break;
  return checker.summary();
};

/** The segment check one event at a time, fields one by one: a thread reading rows as arrays
 *  builds no object per event (measured: a quarter of a verify thread's time). */
export class SegmentChecker {
  private readonly open = new Map<string, Open>();
  private count = 0;
  private broken: number | undefined;

  constructor(private readonly range: SegmentRange) {}

  /** False once an event is wrong: the segment is broken there, and later events are ignored. */
  add(position: number, stream: string, revision: number, id: string, type: string, data: string, metadata: string, prev: string, hash: string): boolean {
    if (this.broken !== undefined) return false;
    const state = this.open.get(stream);
    let computed: string | undefined;
    try {
      computed = eventHashOf(stream, revision, id, type, data, metadata, prev);
    } catch {
      // A column of the wrong kind breaks the segment like a wrong hash: the walk in one piece names it.
      computed = undefined;
    }
    if (computed !== hash || (state !== undefined && (revision !== state.revision + 1 || prev !== state.hash))) {
      this.broken = position;
      return false;
    }
    if (state === undefined) this.open.set(stream, { firstRevision: revision, firstPrev: prev, revision, hash, position });
    else {
      state.revision = revision;
      state.hash = hash;
      state.position = position;
    }
    this.count++;
    return true;
  }

  /** Marks the segment broken at `position` (an event this checker cannot even read). */
  refuse(position: number): void {
    this.broken ??= position;
  }

  summary(): SegmentSummary {
    const { after, through } = this.range;
    if (this.broken !== undefined) return { after, through, events: this.count, streams: [], broken: this.broken };
    const streams = [...this.open].map(([stream, s]): SegmentStream => [stream, s.firstRevision, s.firstPrev, s.revision, s.hash, s.position]);
    return { after, through, events: this.count, streams };
  }
}

/**
 * Cuts (0, head] into segments of about `size` events (positions are dense in practice, so a
 * span of positions is a count of events), never across one of `cuts`: the positions the
 * caller must stop at, such as signed checkpoints.
 */
export const segmentRanges = (head: number, size: number, cuts: Iterable<number>): SegmentRange[] => {
  const stops = [...new Set([...cuts].filter((c) => c > 0 && c < head))].sort((a, b) => a - b);
  stops.push(head);
  const ranges: SegmentRange[] = [];
  let after = 0;
  for (const stop of stops) {
    while (stop - after > size) {
      ranges.push({ after, through: after + size });
      after += size;
    }
    if (stop > after) ranges.push({ after, through: stop });
    after = stop;
  }
  return ranges;
};
