// Contract: reading streams and the whole log, and JSON that reads back as written.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Json, JsonObject, OpenedStore } from '../../../src/store/eventStore.js';
import { canonicalJson } from '../../../src/store/json.js';
import { collect, freshStream, newEvent, newEvents, positionsIncrease } from '../helpers.js';

/** JSON text cannot say -0; the store documents that it reads back as 0. */
const withoutNegativeZero = (value: Json): Json => {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]));
  }
  return value;
};

export const readContract = (opened: () => OpenedStore): void => {
  const store = () => opened().store;

  it('reads an absent stream as empty, in both directions', async () => {
    expect(await collect(store().readStream(freshStream()))).toEqual([]);
    expect(await collect(store().readStream(freshStream(), { direction: 'backwards' }))).toEqual([]);
  });

  it('reads a stream forwards and backwards, from a revision, up to a limit', async () => {
    const stream = freshStream();
    await store().append(stream, newEvents(10), 'no_stream');
    const revisions = async (options: Parameters<ReturnType<typeof store>['readStream']>[1]) =>
      (await collect(store().readStream(stream, options))).map((e) => e.revision);
    expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await revisions({ from: 7 })).toEqual([7, 8, 9]);
    expect(await revisions({ from: 2, limit: 3 })).toEqual([2, 3, 4]);
    expect(await revisions({ direction: 'backwards', limit: 3 })).toEqual([9, 8, 7]);
    expect(await revisions({ direction: 'backwards', from: 2 })).toEqual([2, 1, 0]);
    expect(await revisions({ direction: 'backwards', from: 50, limit: 2 })).toEqual([9, 8]);
    expect(await revisions({ from: 10 })).toEqual([]);
    expect(await revisions({ limit: 0 })).toEqual([]);
  });

  it('pages through long streams and logs without losing or repeating events', async () => {
    const stream = freshStream();
    const events = newEvents(2345);
    await store().append(stream, events, 'no_stream');
    const forwards = await collect(store().readStream(stream));
    expect(forwards.map((e) => e.id)).toEqual(events.map((e) => e.id));
    const backwards = await collect(store().readStream(stream, { direction: 'backwards', from: 2200, limit: 2150 }));
    expect(backwards.map((e) => e.revision)).toEqual(Array.from({ length: 2150 }, (_, i) => 2200 - i));
    const all = await collect(store().readAll({ after: forwards[0]?.position ?? 0, limit: 2100 }));
    expect(all.map((e) => e.id)).toEqual(forwards.slice(1, 2101).map((e) => e.id));
  });

  it('reads the whole log in position order, after a position, up to a limit', async () => {
    const streams = [freshStream(), freshStream(), freshStream()];
    for (let round = 0; round < 3; round++) {
      for (const s of streams) await store().append(s, newEvents(2), 'any');
    }
    const all = await collect(store().readAll());
    expect(all).toHaveLength(18);
    expect(positionsIncrease(all)).toBe(true);
    expect(await store().headPosition()).toBe(all.at(-1)?.position);
    const middle = all[5]?.position ?? 0;
    expect(await collect(store().readAll({ after: middle, limit: 4 }))).toEqual(all.slice(6, 10));
    expect(await collect(store().readAll({ after: all.at(-1)?.position ?? 0 }))).toEqual([]);
    expect(await collect(store().readAll({ limit: 0 }))).toEqual([]);
  });

  it('starts empty, at position 0', async () => {
    expect(await store().headPosition()).toBe(0);
    expect(await collect(store().readAll())).toEqual([]);
  });

  it('reads back JSON exactly: unicode, nesting, numbers', async () => {
    const data: JsonObject = {
      text: 'Grüße, 鍵, 🔑, \u0000 nul, \u2028 separator, lone \ud800 surrogate, "quoted" \\ back',
      numbers: [0, -1, 1.5, 1e308, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, -123.456e-7],
      nested: { a: [{ b: { c: [[], {}, null, true, false] } }] },
      '': 'empty key',
      'key with spaces & ünïcödé': null,
      constructor: { prototype: 'x' },
      // An own "__proto__" member, as JSON.parse creates it: data, not a prototype.
      own: JSON.parse('{"__proto__": {"polluted": true}}') as JsonObject,
    };
    const metadata: JsonObject = { actor: { arn: 'arn:aws:iam::111122223333:user/ana' }, at: '2025-01-01T00:00:00.000Z' };
    const stream = freshStream();
    await store().append(stream, [newEvent('Typed', data, metadata)], 'no_stream');
    const [read] = await collect(store().readStream(stream));
    // toEqual, not toStrictEqual: vitest's strict mode compares `.constructor`, an own member here.
    expect(read?.data).toEqual(data);
    // Members come back in canonical order (the stored text is canonical JSON).
    expect(JSON.stringify(read?.data)).toBe(canonicalJson(data));
    const { prev, hash, ...rest } = read?.metadata ?? {};
    expect(rest).toStrictEqual(metadata);
    expect([typeof prev, typeof hash]).toEqual(['string', 'string']);
    const [zero] = (await store().append(stream, [newEvent('Zero', { z: -0 })], 0)).events;
    expect(Object.is(zero?.data['z'], 0)).toBe(true);
  });

  it('reads back any JSON object exactly (property)', async () => {
    const stream = freshStream();
    let revision = -1;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 4 })), async (generated) => {
        // fast-check's JsonValue is our Json under another name.
        const data = generated as unknown as JsonObject;
        const expected = withoutNegativeZero(data);
        const written = await store().append(stream, [newEvent('Any', data)], revision < 0 ? 'no_stream' : revision);
        revision = written.nextExpectedRevision;
        const [read] = await collect(store().readStream(stream, { from: revision }));
        expect(read?.data).toStrictEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('hands out frozen events, so one consumer cannot change what another reads', async () => {
    const stream = freshStream();
    const { events } = await store().append(stream, [newEvent('T', { list: [1] })], 'no_stream');
    const data = events[0]?.data;
    expect(Object.isFrozen(data)).toBe(true);
    expect(Object.isFrozen(data?.['list'])).toBe(true);
  });
};
