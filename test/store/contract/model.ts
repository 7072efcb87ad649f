// Contract, as a property: random groups of concurrent appends — right and wrong expectations,
// retries — give exactly the outcomes of a simple model that applies them one by one in call
// order (the order every adapter must commit them in).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { EventIdConflictError, WrongExpectedVersionError, type ExpectedRevision, type NewEvent, type OpenedStore } from '../../../src/store/eventStore.js';
import { collect, freshStream, newEvents } from '../helpers.js';

type Kind = 'right' | 'wrong' | 'no_stream' | 'stream_exists' | 'any' | 'retry';
interface Command {
  readonly stream: number;
  readonly kind: Kind;
  readonly size: number;
  readonly pick: number;
}
type Outcome = { ok: number[] } | { conflict: number | 'no_stream' } | { idConflict: true };
interface Request {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
}

class Model {
  readonly streams = new Map<string, string[]>();
  readonly written: Request[] = [];

  /** The outcome of the request, applied after all earlier ones. */
  apply(request: Request): Outcome {
    const ids = this.streams.get(request.stream) ?? [];
    const head = ids.length === 0 ? undefined : ids.length - 1;
    const holds = (before: number | undefined): boolean =>
      request.expected === 'any' ||
      (request.expected === 'no_stream' && before === undefined) ||
      (request.expected === 'stream_exists' && before !== undefined) ||
      request.expected === before;
    const known = request.events.map((e) => this.revisionOf(e.id));
    if (known.every((k) => k === undefined)) {
      if (!holds(head)) return { conflict: head ?? 'no_stream' };
      this.streams.set(request.stream, [...ids, ...request.events.map((e) => e.id)]);
      this.written.push(request);
      return { ok: request.events.map((_, i) => ids.length + i) };
    }
    const first = known[0]?.stream === request.stream ? known[0].revision : -1;
    const retry = known.every((k, i) => k?.stream === request.stream && k.revision === first + i);
    return retry && holds(first === 0 ? undefined : first - 1) ? { ok: known.map((k) => k?.revision ?? -1) } : { idConflict: true };
  }

  private revisionOf(id: string): { stream: string; revision: number } | undefined {
    for (const [stream, ids] of this.streams) {
      const revision = ids.indexOf(id);
      if (revision >= 0) return { stream, revision };
    }
    return undefined;
  }
}

const arbCommand = fc.record({
  stream: fc.nat(2),
  kind: fc.constantFrom<Kind>('right', 'wrong', 'no_stream', 'stream_exists', 'any', 'retry'),
  size: fc.integer({ min: 1, max: 3 }),
  pick: fc.nat(),
});

interface Observed {
  readonly outcome: Outcome;
  readonly positions: readonly number[];
}

const observe = (promise: Promise<{ events: readonly { revision: number; position: number }[] }>): Promise<Observed> =>
  promise.then(
    (result) => ({ outcome: { ok: result.events.map((e) => e.revision) }, positions: result.events.map((e) => e.position) }),
    (error: unknown) => {
      if (error instanceof EventIdConflictError) return { outcome: { idConflict: true }, positions: [] };
      if (error instanceof WrongExpectedVersionError) return { outcome: { conflict: error.actual }, positions: [] };
      throw error;
    },
  );

export const modelContract = (opened: () => OpenedStore): void => {
  it('concurrent appends have the outcomes of applying them one by one in call order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(arbCommand, { minLength: 1, maxLength: 6 }), { maxLength: 8 }), async (groups) => {
        const store = opened().store;
        const model = new Model();
        const streams = [freshStream('model'), freshStream('model'), freshStream('model')];
        // Positions of freshly written events, in call order: they must only grow.
        const freshPositions: number[] = [];
        for (const group of groups) {
          const issued = group.map((command) => {
            const request = toRequest(command, streams, model);
            const writtenBefore = model.written.length;
            const predicted = model.apply(request);
            const observed = observe(store.append(request.stream, request.events, request.expected));
            return { predicted, observed, fresh: model.written.length > writtenBefore };
          });
          for (const { predicted, observed, fresh } of issued) {
            const { outcome, positions } = await observed;
            expect(outcome).toEqual(predicted);
            if (fresh) freshPositions.push(...positions);
          }
        }
        expect(freshPositions).toEqual([...freshPositions].sort((a, b) => a - b));
        expect(new Set(freshPositions).size).toBe(freshPositions.length);
        for (const stream of streams) {
          const read = await collect(store.readStream(stream));
          expect(read.map((e) => e.id)).toEqual(model.streams.get(stream) ?? []);
        }
      }),
      { numRuns: 30 },
    );
  });
};

const toRequest = (command: Command, streams: readonly string[], model: Model): Request => {
  const stream = streams[command.stream] ?? '';
  const head = (model.streams.get(stream)?.length ?? 0) - 1;
  const events = newEvents(command.size);
  switch (command.kind) {
    case 'retry': {
      const original = model.written[command.pick % Math.max(1, model.written.length)];
      return original ?? { stream, events, expected: 'any' };
    }
    case 'right':
      return { stream, events, expected: head < 0 ? 'no_stream' : head };
    case 'wrong':
      return { stream, events, expected: head + 2 };
    default:
      return { stream, events, expected: command.kind };
  }
};
