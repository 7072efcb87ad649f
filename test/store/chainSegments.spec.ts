// Segments of the chain (chainSegments.ts): cut where asked, and checked so that stitching
// them in order demands exactly what one walk demands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentRanges, summarizeSegment } from '../../src/store/chainSegments.js';
import { MemoryEventStore } from '../../src/store/memoryStore.js';
import { collect, newEvent } from './helpers.js';

describe('segmentRanges', () => {
  it('covers (0, head] without gaps, never longer than the size, cut at every stop', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 60 }), fc.array(fc.integer({ min: -5, max: 520 })), (head, size, cuts) => {
        const ranges = segmentRanges(head, size, cuts);
        let after = 0;
        for (const r of ranges) {
          expect(r.after).toBe(after);
          expect(r.through - r.after).toBeGreaterThan(0);
          expect(r.through - r.after).toBeLessThanOrEqual(size);
          after = r.through;
        }
        expect(after).toBe(head);
        for (const cut of cuts) if (cut > 0 && cut < head) expect(ranges.some((r) => r.through === cut)).toBe(true);
      }),
    );
  });
});

describe('summarizeSegment', () => {
  it("hands on each stream's first link and last hash, and names the first event it cannot vouch for", async () => {
    const store = new MemoryEventStore();
    await store.append('a', [newEvent(), newEvent()], 'no_stream');
    await store.append('b', [newEvent()], 'no_stream');
    await store.append('a', [newEvent()], 'any');
    const events = await collect(store.readStored());
    const [a0, a1, b0, a2] = events;
    const whole = summarizeSegment({ after: 0, through: 4 }, events);
    expect(whole).toEqual({
      after: 0,
      through: 4,
      events: 4,
      streams: [
        ['a', 0, a0!.prev, 2, a2!.hash, 4],
        ['b', 0, b0!.prev, 0, b0!.hash, 3],
      ],
    });
    const tail = summarizeSegment({ after: 2, through: 4 }, events.slice(2));
    expect(tail.streams[1]).toEqual(['a', 2, a1!.hash, 2, a2!.hash, 4]);
    expect(summarizeSegment({ after: 0, through: 4 }, [a0!, { ...a1!, data: '{"x":1}' }, b0!, a2!]).broken).toBe(2);
    expect(summarizeSegment({ after: 0, through: 4 }, [a0!, b0!, a2!]).broken).toBe(4);
  });
});
