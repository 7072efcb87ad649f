// Contract: the hash chain every adapter writes (DESIGN.md, "Tamper evidence"; chain.ts), the
// stored form verify reads, and the stream heads a checkpoint folds.
import { expect, it } from 'vitest';
import { chainFieldsOf, eventHash } from '../../../src/store/chain.js';
import type { OpenedStore, RecordedEvent } from '../../../src/store/eventStore.js';
import { canonicalJson } from '../../../src/store/json.js';
import { collect, freshStream, newEvent, newEvents, rejectionOf } from '../helpers.js';

const zeros = '0'.repeat(64);

/** The link as handed out in metadata. */
const link = (e: RecordedEvent | undefined): [unknown, unknown] => [e?.metadata['prev'], e?.metadata['hash']];

export const chainContract = (opened: () => OpenedStore): void => {
  const store = () => opened().store;

  it('links each event to the one before it in its stream, from 64 zeros at revision 0', async () => {
    const stream = freshStream();
    await store().append(stream, newEvents(3), 'no_stream');
    await store().append(freshStream(), newEvents(2), 'no_stream'); // another stream in between
    await store().append(stream, newEvents(2), 2);
    const events = await collect(store().readStream(stream));
    expect(link(events[0])[0]).toBe(zeros);
    for (const [i, event] of events.entries()) {
      const [prev, hash] = link(event);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(prev).toBe(link(events[i - 1])[1]);
      expect(eventHash(chainFieldsOf(event))).toBe(hash);
    }
  });

  // The expected hash was computed independently (Python hashlib over the encoding in chain.ts).
  it('computes the same hash on every adapter (known answer)', async () => {
    const event = {
      id: '00000000-0000-4000-8000-000000000001',
      type: 'KeyCreated',
      data: { b: [1, 2.5, 'x'], a: { z: null, y: true } },
      metadata: { occurredAt: '2026-01-01T00:00:00.000Z', actor: { account: '111122223333' } },
    };
    const { events } = await store().append('key-known-answer', [event], 'no_stream');
    expect(link(events[0])).toEqual([zeros, '7185a8eb2c3509fcce185db22021c8e6914ab3f5ea9d45529a9d11b4146b56e7']);
  });

  it('hands out the same link on append, read, readAll, a retry and a subscription', async () => {
    const stream = freshStream();
    const events = newEvents(2);
    const appended = await store().append(stream, events, 'no_stream');
    expect(await store().append(stream, events, 'no_stream')).toEqual(appended);
    expect(await collect(store().readStream(stream))).toEqual(appended.events);
    expect(await collect(store().readAll())).toEqual(appended.events);
  });

  it('refuses metadata that sets the link itself', async () => {
    for (const member of ['prev', 'hash']) {
      const error = await rejectionOf(store().append(freshStream(), [newEvent('T', {}, { [member]: zeros })], 'any'));
      expect(error).toBeInstanceOf(TypeError);
      expect(String(error)).toMatch(new RegExp(`metadata.${member} is reserved`));
    }
  });

  it('reads stored events as hashed: canonical text, raw link, in position order', async () => {
    const streams = [freshStream(), freshStream()];
    for (const s of streams) await store().append(s, [newEvent('T', { z: 1, a: [{ y: 2, b: 3 }] }, { m: 'x', c: 'y' })], 'any');
    await store().append(streams[0] ?? '', newEvents(3), 0);
    const all = await collect(store().readAll());
    const stored = await collect(store().readStored());
    expect(stored.map((e) => [e.stream, e.revision, e.position, e.id, e.type])).toEqual(
      all.map((e) => [e.stream, e.revision, e.position, e.id, e.type]),
    );
    for (const [i, s] of stored.entries()) {
      const event = all[i] as RecordedEvent;
      const { prev: _prev, hash: _hash, ...metadata } = event.metadata;
      expect(s.data).toBe(canonicalJson(event.data));
      expect(s.metadata).toBe(canonicalJson(metadata));
      expect([s.prev, s.hash]).toEqual(link(event));
      expect(eventHash(s)).toBe(s.hash);
    }
    expect(await collect(store().readStored({ after: all[1]?.position ?? 0, limit: 2 }))).toEqual(stored.slice(2, 4));
  });

  it('lists stream heads from one snapshot, sorted by name, filtered by position', async () => {
    expect(await store().streamHeads()).toEqual({ streams: 0, heads: [] });
    const [b, a, c] = ['b-stream', 'a-stream', 'c-stream'];
    await store().append(b, newEvents(2), 'no_stream');
    await store().append(a, newEvents(1), 'no_stream');
    const middle = await store().headPosition();
    const last = await store().append(c, newEvents(3), 'no_stream');
    await store().append(b, newEvents(1), 1);
    const head = async (stream: string) => {
      const [e] = await collect(store().readStream(stream, { direction: 'backwards', limit: 1 }));
      return { stream, revision: e?.revision, position: e?.position, hash: e?.metadata['hash'] };
    };
    expect(await store().streamHeads()).toEqual({ streams: 3, heads: [await head(a), await head(b), await head(c)] });
    expect(await store().streamHeads({ after: middle })).toEqual({ streams: 3, heads: [await head(b), await head(c)] });
    expect((await store().streamHeads({ after: last.position })).heads.map((h) => h.stream)).toEqual([b]);
    expect(await rejectionOf(store().streamHeads({ after: -1 }))).toBeInstanceOf(RangeError);
  });
};
