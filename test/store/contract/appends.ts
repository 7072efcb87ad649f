// Contract: expected revisions, atomicity, idempotency by event id, concurrency.
import { expect, it } from 'vitest';
import {
  EventIdConflictError,
  isWrongExpectedVersion,
  WrongExpectedVersionError,
  type ExpectedRevision,
  type OpenedStore,
} from '../../../src/store/eventStore.js';
import { collect, freshStream, ids, newEvent, newEvents, rejectionOf } from '../helpers.js';

const expectConflict = async (
  promise: Promise<unknown>,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): Promise<void> => {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect(error).toMatchObject({ expected, actual });
};

export const appendContract = (opened: () => OpenedStore): void => {
  const store = () => opened().store;

  it('appends to a new stream with no_stream, from revision 0', async () => {
    const stream = freshStream();
    const events = newEvents(3);
    const result = await store().append(stream, events, 'no_stream');
    expect(result.nextExpectedRevision).toBe(2);
    expect(result.events.map((e) => [e.stream, e.revision, e.id])).toEqual(events.map((e, i) => [stream, i, e.id]));
    expect(result.position).toBe(result.events.at(-1)?.position);
    expect(await collect(store().readStream(stream))).toEqual(result.events);
  });

  it('refuses no_stream when the stream exists, naming the actual revision', async () => {
    const stream = freshStream();
    await store().append(stream, newEvents(2), 'no_stream');
    await expectConflict(store().append(stream, [newEvent()], 'no_stream'), 'no_stream', 1);
  });

  it('appends at an exact revision and refuses any other', async () => {
    const stream = freshStream();
    await store().append(stream, [newEvent()], 'no_stream');
    const second = await store().append(stream, newEvents(2), 0);
    expect(second.nextExpectedRevision).toBe(2);
    await expectConflict(store().append(stream, [newEvent()], 1), 1, 2);
    await expectConflict(store().append(stream, [newEvent()], 3), 3, 2);
    await expectConflict(store().append(freshStream(), [newEvent()], 0), 0, 'no_stream');
    expect((await store().append(stream, [newEvent()], 2)).nextExpectedRevision).toBe(3);
  });

  it('stream_exists needs at least one event; any never checks', async () => {
    const stream = freshStream();
    await expectConflict(store().append(stream, [newEvent()], 'stream_exists'), 'stream_exists', 'no_stream');
    expect((await store().append(stream, [newEvent()], 'any')).nextExpectedRevision).toBe(0);
    expect((await store().append(stream, [newEvent()], 'stream_exists')).nextExpectedRevision).toBe(1);
    expect((await store().append(stream, [newEvent()], 'any')).nextExpectedRevision).toBe(2);
  });

  it('an empty append only checks the expectation', async () => {
    const stream = freshStream();
    expect(await store().append(stream, [], 'no_stream')).toEqual({ nextExpectedRevision: -1, position: 0, events: [] });
    const written = await store().append(stream, [newEvent()], 'no_stream');
    expect(await store().append(stream, [], 0)).toEqual({ nextExpectedRevision: 0, position: written.position, events: [] });
    await expectConflict(store().append(stream, [], 'no_stream'), 'no_stream', 0);
    expect(await collect(store().readStream(stream))).toHaveLength(1);
  });

  it('a refused multi-event append writes nothing', async () => {
    const stream = freshStream();
    await store().append(stream, [newEvent()], 'no_stream');
    const head = await store().headPosition();
    const refused = newEvents(5);
    await expectConflict(store().append(stream, refused, 7), 7, 0);
    expect(await store().headPosition()).toBe(head);
    expect(await collect(store().readStream(stream))).toHaveLength(1);
    // The refused ids were not consumed: the same events append fine at the right revision.
    expect((await store().append(stream, refused, 0)).nextExpectedRevision).toBe(5);
  });

  it('a retried append (same event ids) succeeds once, with the original revisions and positions', async () => {
    const stream = freshStream();
    const events = newEvents(3);
    const first = await store().append(stream, events, 'no_stream');
    const head = await store().headPosition();
    expect(await store().append(stream, events, 'no_stream')).toEqual(first);
    expect(await store().append(stream, events, 'any')).toEqual(first);
    await store().append(stream, [newEvent()], 2);
    // Still a retry after the stream moved on: the expectation held when they were written.
    expect(await store().append(stream, events, 'no_stream')).toEqual(first);
    expect(await store().headPosition()).toBe(head + 1);
    expect(await collect(store().readStream(stream))).toHaveLength(4);
  });

  it('the stored event wins over a retried payload with other data', async () => {
    const stream = freshStream();
    const original = newEvent('ThingHappened', { v: 1 });
    await store().append(stream, [original], 'no_stream');
    const retried = await store().append(stream, [{ ...original, data: { v: 2 } }], 'no_stream');
    expect(retried.events[0]?.data).toEqual({ v: 1 });
  });

  it('reusing stored ids other than as an exact retry is an EventIdConflictError', async () => {
    const stream = freshStream();
    const [a, b, c] = newEvents(3);
    if (a === undefined || b === undefined || c === undefined) throw new Error('three events');
    await store().append(stream, [a, b], 'no_stream');
    const attempts: [string, ExpectedRevision, typeof a[]][] = [
      [freshStream(), 'any', [a, b]], // another stream
      [stream, 'any', [b, a]], // another order
      [stream, 'any', [a, b, c]], // some stored, some new
      [stream, 5, [a, b]], // an expectation the original write could not have met
    ];
    for (const [target, expected, events] of attempts) {
      const error = await rejectionOf(store().append(target, events, expected));
      expect(error).toBeInstanceOf(EventIdConflictError);
      expect(isWrongExpectedVersion(error)).toBe(true);
    }
    expect(ids(await collect(store().readStream(stream)))).toEqual([a.id, b.id]);
  });

  it('a run of consecutive stored events counts as a retry too (ids cannot tell it apart)', async () => {
    const stream = freshStream();
    const [a, b] = newEvents(2);
    if (a === undefined || b === undefined) throw new Error('two events');
    await store().append(stream, [a, b], 'no_stream');
    expect((await store().append(stream, [b], 0)).nextExpectedRevision).toBe(1);
    expect(await rejectionOf(store().append(stream, [b], 'no_stream'))).toBeInstanceOf(EventIdConflictError);
  });

  it('of many concurrent appends at the same expected revision, exactly one wins', async () => {
    const stream = freshStream();
    await store().append(stream, [newEvent()], 'no_stream');
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => store().append(stream, newEvents(2), 0)));
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(24);
    for (const error of lost) expect(error).toMatchObject({ name: 'WrongExpectedVersionError', expected: 0, actual: 2 });
    expect(await collect(store().readStream(stream))).toHaveLength(3);
  });

  it('concurrent appends to different streams all succeed, at distinct positions', async () => {
    const streams = Array.from({ length: 60 }, () => freshStream());
    const results = await Promise.all(streams.map((s) => store().append(s, newEvents(2), 'no_stream')));
    const positions = results.flatMap((r) => r.events.map((e) => e.position));
    expect(new Set(positions).size).toBe(120);
    expect(results.every((r) => r.nextExpectedRevision === 1)).toBe(true);
  });

  it('rejects malformed appends before touching the store', async () => {
    const stream = freshStream();
    const good = newEvent();
    const bad: [unknown, unknown, unknown][] = [
      ['', [good], 'any'],
      [stream, [{ ...good, id: 'not-a-uuid' }], 'any'],
      [stream, [good, good], 'any'],
      [stream, [{ ...good, type: '' }], 'any'],
      [stream, [{ ...good, data: { when: new Date(0) } }], 'any'],
      [stream, [{ ...good, data: { n: Number.NaN } }], 'any'],
      [stream, [{ ...good, data: { gone: undefined } }], 'any'],
      [stream, [{ ...good, metadata: { big: 1n } }], 'any'],
      [stream, [{ ...good, data: [1, 2] }], 'any'],
      [stream, [good], -1],
      [stream, [good], 1.5],
      [stream, [good], 'whatever'],
    ];
    for (const [s, events, expected] of bad) {
      // Deliberately ill-typed input, as it could arrive from untyped code.
      const append = store().append.bind(store()) as (s: unknown, e: unknown, x: unknown) => Promise<unknown>;
      const error = await rejectionOf(append(s, events, expected));
      expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    }
    expect(await collect(store().readStream(stream))).toEqual([]);
  });
};
