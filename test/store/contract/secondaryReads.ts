// Contract: the secondary reads that forensic queries stand on (a key's lifecycle past its
// usage, one day of records, one request's events) answer exactly what a scan of the whole log
// would — on SQLite through indexes, on memory by scanning.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { EventStore, JsonObject, NewEvent, OpenedStore, RecordedEvent } from '../../../src/store/eventStore.js';
import { collect, freshStream, newEvent, newEvents } from '../helpers.js';

const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

const ids = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.id);

const occurredAtOf = (e: RecordedEvent): unknown => e.metadata['occurredAt'];
const requestIdOf = (e: RecordedEvent): unknown => {
  const request = e.metadata['request'];
  return request !== null && typeof request === 'object' && !Array.isArray(request) ? request['requestId'] : undefined;
};

export const secondaryReadContract = (opened: () => OpenedStore): void => {
  const store = (): EventStore => opened().store;

  it('reads only the given types of a stream, in either direction, from a revision, up to a limit', async () => {
    const stream = freshStream('key');
    const events: NewEvent[] = [];
    // KeyUsed: the type SQLite's index leaves out, read by walking the stream instead.
    for (let i = 0; i < 1200; i++) events.push(newEvent(i % 300 === 7 ? 'Rotated' : i === 0 ? 'Created' : 'KeyUsed', { i }));
    await store().append(stream, events, 'no_stream');
    await store().append(freshStream('key'), [newEvent('Rotated')], 'no_stream');
    const revisions = async (options: Parameters<EventStore['readStream']>[1]) => (await collect(store().readStream(stream, options))).map((e) => e.revision);
    expect(await revisions({ types: ['Created', 'Rotated'] })).toEqual([0, 7, 307, 607, 907]);
    expect(await revisions({ types: ['Rotated'], from: 8, limit: 2 })).toEqual([307, 607]);
    expect(await revisions({ types: ['Rotated'], direction: 'backwards', limit: 2 })).toEqual([907, 607]);
    expect(await revisions({ types: ['Rotated'], direction: 'backwards', from: 606 })).toEqual([307, 7]);
    expect(await revisions({ types: [] })).toEqual([]);
    expect(await revisions({ types: ['KeyUsed'] })).toHaveLength(1195);
    expect(await revisions({ types: ['KeyUsed'], from: 1190 })).toEqual([1190, 1191, 1192, 1193, 1194, 1195, 1196, 1197, 1198, 1199]);
    expect(await revisions({ types: ['KeyUsed', 'Rotated'], direction: 'backwards', from: 908, limit: 3 })).toEqual([908, 907, 906]);
  });

  it('refuses a malformed type list, window or request id', async () => {
    await expect(collect(store().readStream(freshStream(), { types: [''] }))).rejects.toThrow(TypeError);
    await expect(collect(store().readStream(freshStream(), { types: 'KeyUsed' as unknown as string[] }))).rejects.toThrow(TypeError);
    await expect(collect(store().readOccurred({ since: '2026-01-01' }))).rejects.toThrow(RangeError);
    await expect(collect(store().readOccurred({ until: '2026-01-01T00:00:00Z' }))).rejects.toThrow(RangeError);
    await expect(collect(store().readRequest(''))).rejects.toThrow(TypeError);
  });

  it('reads the events that occurred in a window, of one stream or all, in log order', async () => {
    const a = freshStream('key');
    const b = freshStream('audit');
    const dated = (ms: number, requestId?: string): NewEvent =>
      newEvent('Used', { ms }, { occurredAt: at(ms), ...(requestId !== undefined ? { request: { requestId } } : {}) });
    // Out of time order on purpose: positions follow commits, occurredAt follows clocks.
    await store().append(a, [dated(5000), dated(1000), dated(3000)], 'any');
    await store().append(b, [dated(2000), dated(3000), newEvent('Undated')], 'any');
    await store().append(a, [dated(2999)], 'any');
    const window = async (w: Parameters<EventStore['readOccurred']>[0]) => (await collect(store().readOccurred(w))).map((e) => `${e.stream === a ? 'a' : 'b'}${String(e.data['ms'])}`);
    expect(await window({ since: at(2000), until: at(3001) })).toEqual(['a3000', 'b2000', 'b3000', 'a2999']);
    expect(await window({ since: at(2000), until: at(3000) })).toEqual(['b2000', 'a2999']);
    expect(await window({ since: at(2000), until: at(3001), stream: a })).toEqual(['a3000', 'a2999']);
    expect(await window({ until: at(1001), stream: a })).toEqual(['a1000']);
    expect((await window({ since: at(0) })).filter((x) => x.startsWith('b'))).toEqual(['b2000', 'b3000']);
  });

  it('reads the events of one ReEncrypt across streams, in log order', async () => {
    const requestId = `req-${freshStream()}`;
    const tagged = (n: number) => newEvent('Used', { n }, { request: { requestId, operation: 'ReEncrypt' } });
    const first = await store().append(freshStream('key'), [tagged(1)], 'any');
    await store().append(freshStream('key'), newEvents(3), 'any');
    const second = await store().append(freshStream('key'), [tagged(2), tagged(3)], 'any');
    expect(ids(await collect(store().readRequest(requestId)))).toEqual([...first.events, ...second.events].map((e) => e.id));
    expect(await collect(store().readRequest('no-such-request'))).toEqual([]);
  });

  it('answers every window and request as a scan of the whole log would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ stream: fc.integer({ min: 0, max: 3 }), ms: fc.integer({ min: 0, max: 20 }), request: fc.integer({ min: 0, max: 4 }) }), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.integer({ min: 0, max: 21 }),
        fc.integer({ min: 0, max: 21 }),
        fc.integer({ min: 0, max: 4 }),
        async (items, from, to, pick) => {
          const tag = freshStream();
          const streams = [0, 1, 2, 3].map((i) => `${tag}-${i}`);
          for (const item of items) {
            const request = { requestId: `${tag}-r${item.request}`, operation: 'ReEncrypt' };
            await store().append(streams[item.stream]!, [newEvent('Used', {}, { occurredAt: at(item.ms), request })], 'any');
          }
          const mine = (await collect(store().readAll())).filter((e) => e.stream.startsWith(tag));
          const since = at(Math.min(from, to));
          const until = at(Math.max(from, to));
          const inWindow = (e: RecordedEvent) => (occurredAtOf(e) as string) >= since && (occurredAtOf(e) as string) < until;
          const all = (await collect(store().readOccurred({ since, until }))).filter((e) => e.stream.startsWith(tag));
          expect(ids(all)).toEqual(ids(mine.filter(inWindow)));
          const one = await collect(store().readOccurred({ since, until, stream: streams[pick % 4]! }));
          expect(ids(one)).toEqual(ids(mine.filter((e) => inWindow(e) && e.stream === streams[pick % 4])));
          const request = `${tag}-r${pick}`;
          expect(ids(await collect(store().readRequest(request)))).toEqual(ids(mine.filter((e) => requestIdOf(e) === request)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reads chosen members of a window of one stream, as picked from its whole events', async () => {
    const read = store().readOccurredMembers?.bind(store());
    if (read === undefined) return;
    const a = freshStream('key');
    const paths = { data: [['n'], ['deep', 'x'], ['list'], ['gone'], ['toString']], metadata: [['occurredAt'], ['request', 'requestId'], ['request', 'parameters'], ['request', 'gone', 'x']] };
    const events: NewEvent[] = [];
    for (let i = 0; i < 2500; i++) {
      const data = i % 7 === 0 ? { n: null, deep: 'not an object', list: [i, { y: 'z' }] } : { n: i, deep: { x: `x${i}` } };
      events.push(newEvent(i % 5 === 0 ? 'Other' : 'KeyUsed', data, { occurredAt: at(i * 10), request: { requestId: `r${i}`, parameters: { keyId: 'k', i } } }));
    }
    // Over a page: members are read a page at a time.
    await store().append(a, events, 'no_stream');
    await store().append(freshStream('key'), [newEvent('KeyUsed', { n: 1 }, { occurredAt: at(100) })], 'no_stream');
    const window = { since: at(95), until: at(24_000), stream: a };
    const expected = (await collect(store().readOccurred(window))).map((e) => ({
      stream: e.stream,
      revision: e.revision,
      position: e.position,
      id: e.id,
      type: e.type,
      data: paths.data.map((path) => dig(e.data, path)),
      metadata: paths.metadata.map((path) => dig(e.metadata, path)),
    }));
    const pages: unknown[][] = [];
    for await (const page of read(window, paths)) pages.push([...page]);
    expect(pages.flat()).toEqual(expected);
    expect(expected).toHaveLength(2390);
    expect(expected[4]).toMatchObject({ data: [null, null, [14, { y: 'z' }], null, null], metadata: [at(140), 'r14', { keyId: 'k', i: 14 }, null] });
    // From a revision on: a reader resuming, over a page boundary and past the window's end.
    for (const fromRevision of [0, 9, 1234, 2389, 2400, 9999]) {
      const resumed: unknown[] = [];
      for await (const page of read({ ...window, fromRevision }, paths)) resumed.push(...page);
      expect(resumed, `from ${fromRevision}`).toEqual(expected.filter((m) => m.revision >= fromRevision));
    }
    await expect(collect(read({ ...window, fromRevision: -1 }, paths))).rejects.toThrow(RangeError);
    await expect(collect(read({ since: at(0) } as never, paths))).rejects.toThrow(TypeError);
    await expect(collect(read({ stream: a }, { data: [[]], metadata: [] }))).rejects.toThrow(TypeError);
  });

  it('may pass over events whose data does not hold the string a members read mentions, and never over one that does', async () => {
    const read = store().readOccurredMembers?.bind(store());
    if (read === undefined) return;
    // Strings JSON writes with escapes (quotes, backslashes, control characters, a lone
    // surrogate), non-ASCII, and the characters that frame JSON text, as values at any depth
    // and as member names.
    const tricky = ['arn:aws:kms:r:1:key/k', 'a"b', 'a\\b', '\\', 'tab\tand\nline', 'é ü 中 😀', '\ud800', '],[', '{"x":1}', ',', ''];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...tricky), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(5), fc.nat(5), fc.nat(3)), { minLength: 1, maxLength: 30 }),
        async (strings, shapes) => {
          const s = (i: number): string => strings[i % strings.length]!;
          const a = freshStream('audit');
          const data = shapes.map(([i, j, shape]): JsonObject => {
            if (shape === 0) return { resources: [s(i)], note: s(j) };
            if (shape === 1) return { deep: { [s(i)]: [1, { y: s(j) }] } };
            if (shape === 2) return { n: i, text: `${s(i)}${s(j)}` };
            return {};
          });
          await store().append(a, data.map((d, k) => newEvent('RequestRecorded', d, { occurredAt: at(k * 1000) })), 'no_stream');
          const paths = { data: [['resources']], metadata: [['occurredAt']] };
          const window = { since: at(0), until: at(shapes.length * 1000), stream: a };
          // Both stores pass over every event whose data's text lacks the string's JSON text.
          const nowhere = 'held by no payload of this test';
          expect(await collect(read({ ...window, dataMentions: nowhere }, paths))).toEqual([]);
          for (const wanted of new Set([...strings, nowhere])) {
            const got = new Set<number>();
            for await (const page of read({ ...window, dataMentions: wanted }, paths)) for (const m of page) got.add(m.revision);
            data.forEach((d, revision) => {
              if (holds(d, wanted)) expect(got.has(revision), `${JSON.stringify(wanted)} in ${JSON.stringify(d)}`).toBe(true);
            });
            // What passes is read as without the hint: the same members of the same events.
            const all: unknown[] = [];
            for await (const page of read(window, paths)) for (const m of page) if (got.has(m.revision)) all.push(m);
            const hinted: unknown[] = [];
            for await (const page of read({ ...window, dataMentions: wanted }, paths)) hinted.push(...page);
            expect(hinted).toEqual(all);
          }
        },
      ),
      { numRuns: 30 },
    );
    await expect(collect(read({ stream: freshStream('audit'), dataMentions: 1 } as never, { data: [], metadata: [] }))).rejects.toThrow(TypeError);
  });

  it("reads the members of exactly the window when a stream's clock steps back a little, over pages", async () => {
    const read = store().readOccurredMembers?.bind(store());
    if (read === undefined) return;
    const a = freshStream('key');
    const events: NewEvent[] = [];
    // A second apart, but every 97th a minute early (a request that read the clock before an
    // earlier one appended: within the store's slack), and one with no time at all, which no
    // window holds.
    for (let i = 0; i < 2200; i++) {
      const metadata = i === 1500 ? {} : { occurredAt: at(i * 1000 - (i % 97 === 0 ? 60_000 : 0)) };
      events.push(newEvent('KeyUsed', { i }, metadata));
    }
    await store().append(a, events, 'no_stream');
    const paths = { data: [['i']], metadata: [['occurredAt']] };
    for (const [since, until] of [[at(500_000), at(1_700_000)], [at(0), at(2_200_000)], [at(1_000_500), at(1_000_600)], [at(1_439_500), at(1_440_500)]] as const) {
      const exact = events
        .map((e, i) => ({ i, t: e.metadata['occurredAt'] }))
        .filter(({ t }) => typeof t === 'string' && t >= since && t < until)
        .map(({ i }) => i);
      const members: unknown[] = [];
      for await (const page of read({ since, until, stream: a }, paths)) for (const m of page) members.push(m.data[0]);
      expect(members, `${since} – ${until}`).toEqual(exact);
      const whole = (await collect(store().readOccurred({ since, until, stream: a }))).map((e) => e.data['i']);
      expect(whole).toEqual(exact);
    }
    // Neither bound: every event of the stream, the undated one too.
    const every: unknown[] = [];
    for await (const page of read({ stream: a }, paths)) for (const m of page) every.push(m.data[0]);
    expect(every).toEqual(events.map((_, i) => i));
    const fromMiddle: unknown[] = [];
    for await (const page of read({ stream: a, fromRevision: 1499 }, paths)) for (const m of page) fromMiddle.push(m.data[0]);
    expect(fromMiddle).toEqual(events.map((_, i) => i).slice(1499));
  });
};

/** Whether `value` holds `text` as a string or a member name, at any depth. */
const holds = (value: unknown, text: string): boolean => {
  if (typeof value === 'string') return value === text;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => holds(v, text));
  return Object.entries(value).some(([k, v]) => k === text || holds(v, text));
};

/** The value at `path` through plain objects, null where there is none. */
const dig = (value: unknown, path: readonly string[]): unknown => {
  let at = value;
  for (const name of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, name)) return null;
    at = (at as Record<string, unknown>)[name];
  }
  return at ?? null;
};
