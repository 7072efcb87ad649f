// Small helpers shared by the store tests.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, NewEvent, OpenedStore, RecordedEvent } from '../../src/store/eventStore.js';

export type StoreFactory = () => Promise<OpenedStore>;

export const newEvent = (type = 'ThingHappened', data: JsonObject = {}, metadata: JsonObject = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata,
});

export const newEvents = (n: number, type = 'ThingHappened'): NewEvent[] =>
  Array.from({ length: n }, (_, i) => newEvent(type, { i }));

/** A stream name no other test (or property run) uses. */
export const freshStream = (prefix = 'test'): string => `${prefix}-${randomUUID()}`;

export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** The rejection of a promise that must reject (fails the test if it resolves). */
export const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
};

export const ids = (events: readonly { id: string }[]): string[] => events.map((e) => e.id);

export const positionsIncrease = (events: readonly RecordedEvent[]): boolean =>
  events.every((e, i) => i === 0 || e.position > (events[i - 1]?.position ?? 0));

export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A fresh temporary directory, and a function that removes it. */
export const tempDir = (): { dir: string; remove(): void } => {
  const dir = mkdtempSync(join(tmpdir(), 'keyledger-store-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};
