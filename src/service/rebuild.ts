// Rebuilding projections from zero (DESIGN.md, "Projections and time travel"): a fresh runner
// over the same log, from position 0 to the head. The server does this at every start for its
// in-memory views; `keyledger rebuild` does it on a data directory and reports what it found,
// which is how an operator proves the views follow from the log alone.
import type { Projection } from '../projections/projection.js';
import { ProjectionRunner, replayOf } from '../projections/runner.js';
import type { EventStore } from '../store/eventStore.js';

export interface RebuildResult {
  /** Events applied. */
  readonly events: number;
  /** Position of the last event applied; 0 for an empty log. */
  readonly position: number;
}

export interface RebuildOptions {
  /** Called every `progressEvery` events with the position reached. */
  readonly onProgress?: (position: number) => void;
  readonly progressEvery?: number;
}

export const rebuildProjections = async (store: EventStore, projections: readonly Projection[], options: RebuildOptions = {}): Promise<RebuildResult> => {
  const { onProgress, progressEvery = 65_536 } = options;
  const runner = new ProjectionRunner(projections);
  let events = 0;
  let reported = 0;
  for await (const page of replayOf(store)) {
    for (const event of page) runner.apply(event);
    events += page.length;
    if (events - reported >= progressEvery) {
      reported = events;
      onProgress?.(runner.checkpoint);
    }
  }
  return { events, position: runner.checkpoint };
};
