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
import { eventHash } from './chain.js';
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
  const open = new Map<string, Open>();
  let count = 0;
  for (const e of events) {
    const state = open.get(e.stream);
    if (eventHash(e) !== e.hash || (state !== undefined && (e.revision !== state.revision + 1 || e.prev !== state.hash))) {
      return { ...range, events: count, streams: [], broken: e.position };
    }
    if (state === undefined) open.set(e.stream, { firstRevision: e.revision, firstPrev: e.prev, revision: e.revision, hash: e.hash, position: e.position });
    else {
      state.revision = e.revision;
      state.hash = e.hash;
      state.position = e.position;
    }
    count++;
  }
  const streams = [...open].map(([stream, s]): SegmentStream => [stream, s.firstRevision, s.firstPrev, s.revision, s.hash, s.position]);
  return { ...range, events: count, streams };
};

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
