// subscribeAll for every adapter: catch up from storage, then follow the live feed of freshly
// committed events, with no gap and no duplicate at the switch-over.
//
// Why it is gap-free: the subscriber starts listening to the live feed BEFORE its first read,
// and buffers what arrives while it catches up. An event published before that moment was
// committed before it, so the reads see it; an event published after it lands in the buffer.
// Events that are both read and buffered are dropped by position (positions only grow, and
// the feed publishes in commit order), so nothing is delivered twice or out of order.
import { Observable, type Subscriber } from 'rxjs';
import { StoreUnavailableError, type RecordedEvent } from './eventStore.js';

interface Listener {
  next(event: RecordedEvent): void;
  end(error?: Error): void;
}

/** Fan-out of committed events, in commit order, to the subscriptions that are live. */
export class LiveFeed {
  private readonly listeners = new Set<Listener>();
  private readonly queue: RecordedEvent[] = [];
  private draining = false;
  private ended: { error?: Error } | undefined;

  /** Publishes committed events. Re-entrant calls (a subscriber that appends from inside
   *  `next`) are queued behind the current events, so every subscriber sees one order. */
  publish(events: readonly RecordedEvent[]): void {
    if (this.ended !== undefined) return;
    for (const event of events) this.queue.push(event); // no spread: batches can be huge
    if (this.draining) return;
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const event = this.queue[i] as RecordedEvent;
        for (const listener of [...this.listeners]) listener.next(event);
      }
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  listen(listener: Listener): () => void {
    if (this.ended !== undefined) {
      listener.end(this.ended.error);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every subscription: completes on a clean close, errors on a failure. */
  end(error?: Error): void {
    if (this.ended !== undefined) return;
    this.ended = error === undefined ? {} : { error };
    for (const listener of [...this.listeners]) listener.end(error);
    this.listeners.clear();
  }
}

/** Reads up to `limit` committed events with position > `after`, in position order. */
export type PageReader = (after: number, limit: number) => readonly RecordedEvent[] | Promise<readonly RecordedEvent[]>;

const pageSize = 1000;

/** Lets other work run between catch-up pages, so a long catch-up never starves the loop. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const catchUpThenLive = (feed: LiveFeed, readPage: PageReader, after: number): Observable<RecordedEvent> =>
  new Observable<RecordedEvent>((subscriber: Subscriber<RecordedEvent>) => {
    let last = after;
    let live = false;
    const buffered: RecordedEvent[] = [];
    const deliver = (event: RecordedEvent): void => {
      if (event.position <= last || subscriber.closed) return;
      last = event.position;
      subscriber.next(event);
    };
    const stop = feed.listen({
      next: (event) => (live ? deliver(event) : void buffered.push(event)),
      end: (error) => (error === undefined ? subscriber.complete() : subscriber.error(error)),
    });
    const catchUp = async (): Promise<void> => {
      for (;;) {
        const page = await readPage(last, pageSize);
        for (const event of page) deliver(event);
        if (subscriber.closed || page.length < pageSize) break;
        await yieldToLoop();
      }
      // Synchronous from here on: nothing can be published between draining and going live.
      for (const event of buffered) deliver(event);
      buffered.length = 0;
      live = true;
    };
    catchUp().catch((error: unknown) =>
      subscriber.error(error instanceof Error ? error : new StoreUnavailableError(String(error))),
    );
    return stop;
  });
