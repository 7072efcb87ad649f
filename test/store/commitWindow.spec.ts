import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holdsCommit, WINDOW_SHUT_AT_EVENTS } from '../../src/store/sqlite/commitWindow.js';

describe('the commit window', () => {
  it('holds a commit exactly when it has a window, others were writing, and few events are queued', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.nat(2000), fc.nat(2000), (windowMs, previousRequests, queuedEvents) => {
        const expected = windowMs > 0 && previousRequests >= 2 && queuedEvents < WINDOW_SHUT_AT_EVENTS;
        expect(holdsCommit(windowMs, previousRequests, queuedEvents)).toBe(expected);
      }),
    );
  });

  it('never holds a lone writer, nor with the window off, nor with enough events queued', () => {
    expect(holdsCommit(1, 1, 1)).toBe(false);
    expect(holdsCommit(1, 0, 1)).toBe(false);
    expect(holdsCommit(0, 10, 1)).toBe(false);
    expect(holdsCommit(1, 10, WINDOW_SHUT_AT_EVENTS)).toBe(false);
    expect(holdsCommit(1, 2, WINDOW_SHUT_AT_EVENTS - 1)).toBe(true);
  });
});
