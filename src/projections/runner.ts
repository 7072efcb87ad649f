// Feeds committed events to a set of projections in global position order and keeps their
// checkpoint. Live: subscribeAll delivers catch-up then new commits; `waitFor(position)` lets
// a writer read its own writes (the service waits for its append's position before it
// answers). Rebuild: a fresh runner from position 0 over the same store.
import type { Subscription } from 'rxjs';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import type { Projection } from './projection.js';

interface Waiter {
  readonly position: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** The log after `after` in pages: the store's replay when it has one, else readAll. */
export async function* replayOf(store: EventStore, after = 0): AsyncIterable<readonly RecordedEvent[]> {
  if (store.replayPages !== undefined) {
    yield* store.replayPages({ after });
    return;
  }
  let page: RecordedEvent[] = [];
  for await (const e of store.readAll({ after })) {
    page.push(e);
    if (page.length === 1000) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

export class ProjectionRunner {
  private position = 0;
  private waiters: Waiter[] = [];
  private subscription: Subscription | undefined;
  private failure: unknown;

  constructor(private readonly projections: readonly Projection[]) {}

  /** Position of the last event applied. */
  get checkpoint(): number {
    return this.position;
  }

  apply(event: RecordedEvent): void {
    if (event.position <= this.position) return;
    for (const p of this.projections) p.apply(event);
    this.position = event.position;
    if (this.waiters.length > 0 && this.waiters[0]!.position <= this.position) this.release();
  }

  /** Applies every stored event up to the head, then follows new commits. */
  async start(store: EventStore): Promise<void> {
    for await (const page of replayOf(store, this.position)) for (const e of page) this.apply(e);
    this.subscription = store.subscribeAll(this.position).subscribe({
      next: (e) => this.apply(e),
      error: (e: unknown) => this.fail(e),
    });
  }

  /** Resolves once the event at `position` has been applied. */
  waitFor(position: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (position <= this.position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ position, resolve, reject });
      this.waiters.sort((a, b) => a.position - b.position);
    });
  }

  stop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.fail(new Error('projection runner stopped'));
  }

  private release(): void {
    let i = 0;
    while (i < this.waiters.length && this.waiters[i]!.position <= this.position) this.waiters[i++]!.resolve();
    this.waiters = this.waiters.slice(i);
  }

  private fail(e: unknown): void {
    this.failure = e;
    for (const w of this.waiters) w.reject(e);
    this.waiters = [];
  }
}
