import { describe, expect, it } from 'vitest';
import { holdsCommit, keepsHolding, WINDOW_SHUT_AT_EVENTS } from '../../src/store/sqlite/commitWindow.js';

describe('the commit window', () => {
  it('opens only while others are writing right now, with few events queued', () => {
    expect(holdsCommit(1, 2, 0.1, 1)).toBe(true);
    expect(holdsCommit(1, 2, 0.1, WINDOW_SHUT_AT_EVENTS - 1)).toBe(true);
    // A lone writer: the previous transaction was its own.
    expect(holdsCommit(1, 1, 0.1, 1)).toBe(false);
    expect(holdsCommit(1, 0, 0.1, 1)).toBe(false);
    // The first request after a quiet spell longer than a window.
    expect(holdsCommit(1, 10, 1, 1)).toBe(false);
    expect(holdsCommit(1, 10, 5_000, 1)).toBe(false);
    // The window off, or enough events already to share a commit's fixed cost.
    expect(holdsCommit(0, 10, 0, 1)).toBe(false);
    expect(holdsCommit(1, 10, 0.1, WINDOW_SHUT_AT_EVENTS)).toBe(false);
  });

  it('a held commit stops waiting when time is up, the store closes, or the batch is full or shared enough', () => {
    expect(keepsHolding(0.5, false, 3, 1000, 3)).toBe(true);
    expect(keepsHolding(0, false, 3, 1000, 3)).toBe(false);
    expect(keepsHolding(-0.1, false, 3, 1000, 3)).toBe(false);
    expect(keepsHolding(0.5, true, 3, 1000, 3)).toBe(false);
    expect(keepsHolding(0.5, false, 10, 10, 10)).toBe(false);
    expect(keepsHolding(0.5, false, 3, 1000, WINDOW_SHUT_AT_EVENTS)).toBe(false);
  });
});
