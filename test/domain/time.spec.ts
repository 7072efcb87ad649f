import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQueryTime } from '../../src/domain/time.js';

describe('parseQueryTime', () => {
  it.each([
    ['2026-01-01T12:00:00Z', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:00Z', '2026-01-01T12:00:00.000Z'],
    ['2026-01-01T12:00:00.5+02:00', '2026-01-01T10:00:00.500Z'],
    ['2026-01-01T00:30:00-01:00', '2026-01-01T01:30:00.000Z'],
    ['2026-01-01', '2026-01-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => expect(parseQueryTime(text)).toBe(iso));

  it.each([
    ['a time without a zone, which would mean the machine’s', '2026-01-01T12:00:00'],
    ['a date that is not in the calendar', '2026-02-30'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['a month 13', '2026-13-01'],
    ['an hour 25', '2026-01-01T25:00:00Z'],
    ['a year alone', '2026'],
    ['words', 'yesterday'],
    ['epoch seconds', '1767225600'],
    ['a space for the T', '2026-01-01 12:00:00Z'],
  ])('refuses %s', (_why, text) => expect(parseQueryTime(text)).toBeUndefined());

  it('reads back every instant it prints', () =>
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        expect(parseQueryTime(d.toISOString())).toBe(d.toISOString());
      }),
    ));
});
