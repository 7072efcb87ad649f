// A projection is a reducer over recorded events (DESIGN.md, "Projections and time travel").
// The per-entity reducers it delegates to are pure (the domain's `evolve`); the container is
// an index updated in place, so that applying an event costs O(1) rather than a copy of every
// view. Rebuilding from zero and applying the same events gives an equal view by construction:
// nothing but the events goes in.
import type { RecordedEvent } from '../store/eventStore.js';

export interface Projection {
  readonly name: string;
  /** Applies one committed event. Must not throw: an event it does not understand is skipped. */
  apply(event: RecordedEvent): void;
}
