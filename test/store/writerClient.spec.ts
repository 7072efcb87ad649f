// The SQLite writer client's own rule for an answer that does not fit its request (a bug in the
// writer thread, which the real thread cannot be made to commit): that append fails, the rest of
// the batch is answered as the writer said, and the store then refuses everything (fail stop).
// A stand-in for the thread plays the writer, since no real one answers wrongly on purpose.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError, type RecordedEvent } from '../../src/store/eventStore.js';
import type { FromWriter, ToWriter, WireEvent } from '../../src/store/sqlite/protocol.js';
import { WriterClient, type WriterHooks } from '../../src/store/sqlite/writerClient.js';

class StandInThread extends EventEmitter {
  readonly received: ToWriter[] = [];
  postMessage(message: ToWriter): void {
    this.received.push(message);
  }
  ref(): void {}
  unref(): void {}
  async terminate(): Promise<number> {
    return 0;
  }
  answer(message: FromWriter): void {
    this.emit('message', message);
  }
}

const hex = (byte: string): string => byte.repeat(64);
const stats = { transactions: 1, appends: 2, events: 2, conflicts: 0, vaultWrites: 0, largestBatch: 2, heldCommits: 0 };

describe('WriterClient', () => {
  it('fails an append whose answer does not fit it, answers the rest of the batch, then refuses everything', async () => {
    const thread = new StandInThread();
    const failures: StoreUnavailableError[] = [];
    const committed: RecordedEvent[][] = [];
    const hooks: WriterHooks = {
      decode: (e: WireEvent) => ({ ...e, data: JSON.parse(e.data), metadata: JSON.parse(e.metadata) }) as unknown as RecordedEvent,
      committed: (events) => void committed.push([...events]),
      failed: (error) => void failures.push(error),
    };
    // The constructor is private: start() spawns the real thread, which this test stands in for.
    const client = new (WriterClient as unknown as new (worker: StandInThread, hooks: WriterHooks) => WriterClient)(thread, hooks);
    const event = (id: string) => ({ id, type: 'KeyUsed', data: '{}', metadata: '{}' });
    const good = client.submit({ op: 'append', stream: 'key-a', expected: 'no_stream', events: [event('e1')] });
    const bad = client.submit({ op: 'append', stream: 'key-b', expected: 'no_stream', events: [event('e2')] });
    // Both travel in one message, sent at the end of this turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(thread.received).toHaveLength(1);

    thread.answer({
      kind: 'settled',
      stats,
      replies: [
        { seq: 1, ok: true, append: { kind: 'linked', nextExpectedRevision: 0, position: 1, prev: hex('0'), hashes: hex('a') } },
        // One event sent, two hashes answered.
        { seq: 2, ok: true, append: { kind: 'linked', nextExpectedRevision: 0, position: 2, prev: hex('0'), hashes: hex('b') + hex('c') } },
      ],
    });

    await expect(good).resolves.toMatchObject({ nextExpectedRevision: 0, position: 1, events: [{ id: 'e1', stream: 'key-a', revision: 0, position: 1, hash: hex('a') }] });
    await expect(bad).rejects.toThrow(StoreUnavailableError);
    expect(committed.flat().map((e) => e.id)).toEqual(['e1']);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/did not match its request/);
    await expect(client.submit({ op: 'append', stream: 'key-c', expected: 'any', events: [event('e3')] })).rejects.toThrow(StoreUnavailableError);
  });
});
