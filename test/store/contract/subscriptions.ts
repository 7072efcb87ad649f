// Contract: subscribeAll catches up, then follows live appends — no gaps, no duplicates, in
// position order — however appends race the switch-over.
import fc from 'fast-check';
import type { Observable } from 'rxjs';
import { expect, it } from 'vitest';
import type { OpenedStore, RecordedEvent } from '../../../src/store/eventStore.js';
import { collect, freshStream, newEvent, newEvents, positionsIncrease, tick } from '../helpers.js';

interface Follower {
  readonly events: RecordedEvent[];
  readonly completed: () => boolean;
  /** Resolves once the follower has seen an event at `position` or beyond. */
  reach(position: number): Promise<void>;
  stop(): void;
}

const follow = (events$: Observable<RecordedEvent>): Follower => {
  const events: RecordedEvent[] = [];
  let done = false;
  let failure: unknown;
  const subscription = events$.subscribe({
    next: (e) => events.push(e),
    error: (e: unknown) => {
      failure = e;
      done = true;
    },
    complete: () => (done = true),
  });
  return {
    events,
    completed: () => done,
    reach: async (position) => {
      const deadline = Date.now() + 10_000;
      while ((events.at(-1)?.position ?? 0) < position) {
        if (failure !== undefined) throw failure;
        if (Date.now() > deadline) throw new Error(`subscription stalled at ${events.at(-1)?.position ?? 0} < ${position}`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    stop: () => subscription.unsubscribe(),
  };
};

export const subscriptionContract = (opened: () => OpenedStore): void => {
  const store = () => opened().store;

  it('catches up on stored events, then delivers live ones', async () => {
    const stream = freshStream();
    await store().append(stream, newEvents(5), 'no_stream');
    const follower = follow(store().subscribeAll());
    await store().append(stream, newEvents(5), 4);
    await follower.reach(await store().headPosition());
    expect(follower.events).toEqual(await collect(store().readAll()));
    follower.stop();
  });

  it('starts after the given position', async () => {
    const { events } = await store().append(freshStream(), newEvents(6), 'no_stream');
    const from = events[2]?.position ?? 0;
    const follower = follow(store().subscribeAll(from));
    await follower.reach(events[5]?.position ?? 0);
    expect(follower.events).toEqual(events.slice(3));
    follower.stop();
  });

  it('has no gap or duplicate when appends race the switch-over (property)', async () => {
    const step = fc.record({ stream: fc.nat(3), size: fc.integer({ min: 1, max: 3 }), ticks: fc.nat(2) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.nat(30),
        fc.nat(30),
        fc.boolean(),
        async (steps, firstAt, secondAt, longCatchUp) => {
          const streams = [0, 1, 2, 3].map(() => freshStream('race'));
          const start = await store().headPosition();
          // A catch-up longer than one read page (1000) makes the switch-over come later.
          if (longCatchUp) await store().append(streams[0] ?? '', newEvents(1200), 'any');
          const followers: Follower[] = [];
          const appends: Promise<unknown>[] = [];
          for (const [i, s] of steps.entries()) {
            if (i === firstAt % steps.length || i === secondAt % steps.length) followers.push(follow(store().subscribeAll(start)));
            appends.push(store().append(streams[s.stream] ?? '', newEvents(s.size), 'any'));
            for (let t = 0; t < s.ticks; t++) await tick();
          }
          await Promise.all(appends);
          const expected = await collect(store().readAll({ after: start }));
          for (const follower of followers) {
            await follower.reach(expected.at(-1)?.position ?? 0);
            follower.stop();
            expect(follower.events.map((e) => e.position)).toEqual(expected.map((e) => e.position));
            expect(follower.events).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('delivers one order to all subscribers even when one appends from inside next', async () => {
    const stream = freshStream();
    const pongs: Promise<unknown>[] = [];
    const echo = store()
      .subscribeAll()
      .subscribe((e) => {
        if (e.type === 'Ping') pongs.push(store().append(stream, [newEvent('Pong')], 'any'));
      });
    const watcher = follow(store().subscribeAll());
    for (let i = 0; i < 10; i++) await store().append(stream, [newEvent('Ping')], 'any');
    while (pongs.length < 10) await tick();
    await Promise.all(pongs);
    await watcher.reach(await store().headPosition());
    expect(watcher.events).toHaveLength(20);
    expect(positionsIncrease(watcher.events)).toBe(true);
    echo.unsubscribe();
    watcher.stop();
  });

  it('completes subscriptions when the store closes', async () => {
    await store().append(freshStream(), [newEvent()], 'no_stream');
    const follower = follow(store().subscribeAll());
    await follower.reach(1);
    await opened().close();
    expect(follower.completed()).toBe(true);
  });
};
