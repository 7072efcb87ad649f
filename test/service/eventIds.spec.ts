import { afterEach, describe, expect, it, vi } from 'vitest';
import { newEventId } from '../../src/service/eventIds.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

const assertIncreasing = (ids: readonly string[]): void => {
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} then ${ids[i]}`).toBe(true);
};

describe('event ids (UUIDv7, RFC 9562 §5.7)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are version 7 with the RFC variant, carrying the time in milliseconds', () => {
    const before = Date.now();
    const id = newEventId();
    expect(id).toMatch(UUID_V7);
    // The counter may have borrowed milliseconds ahead in earlier calls; never behind the clock.
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
  });

  it('keep increasing past 4,096 ids in one millisecond, borrowing the next', () => {
    const frozen = Date.now() + 60_000;
    vi.spyOn(Date, 'now').mockReturnValue(frozen);
    const ids = Array.from({ length: 10_000 }, newEventId);
    assertIncreasing(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(timeOf(ids[0]!)).toBe(frozen);
    expect(timeOf(ids.at(-1)!)).toBe(frozen + 2); // 10,000 ids = three milliseconds' counters
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keep increasing when the clock steps back', () => {
    const now = vi.spyOn(Date, 'now');
    now.mockReturnValue(Date.now() + 120_000);
    const first = newEventId();
    now.mockReturnValue(Date.now() - 3_600_000);
    const later = Array.from({ length: 100 }, newEventId);
    assertIncreasing([first, ...later]);
  });
});
