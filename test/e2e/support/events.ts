// Reading what the server appended: the whole log, or what came after a position.
import type { EventStore, RecordedEvent } from '../../../src/store/eventStore.js';

export const eventsAfter = async (store: EventStore, after = 0): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const e of store.readAll({ after })) events.push(e);
  return events;
};

/**
 * Audit records are appended fire-and-forget after the answer is sent: wait until `count` new
 * events exist, then a little longer, so that an unexpected extra event would be seen too.
 */
export const settledEventsAfter = async (store: EventStore, after: number, count: number, timeoutMs = 3_000): Promise<RecordedEvent[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await eventsAfter(store, after);
    if (events.length >= count || Date.now() > deadline) {
      await new Promise((r) => setTimeout(r, 100));
      return eventsAfter(store, after);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
};
