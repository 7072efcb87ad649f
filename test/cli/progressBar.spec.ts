// The progress bar of the commands that read the whole log: on a terminal it draws and then
// erases itself; anywhere else (a pipe, a file, a CI log) it writes nothing at all. cli-progress
// redraws on a timer, so the clock is faked: a finished bar must leave no timer behind either.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressBar, type Terminal } from '../../src/cli/progressBar.js';

const fakeTerminal = (isTTY: boolean): Terminal & { readonly written: string[] } => {
  const written: string[] = [];
  return { isTTY, columns: 100, written, write: (text: string) => written.push(text) };
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('progressBar', () => {
  it('writes nothing when the terminal is not a TTY', () => {
    const pipe = fakeTerminal(false);
    const bar = progressBar(pipe, 'reading', 1000);
    bar.update(10, '10 events');
    vi.advanceTimersByTime(1000);
    bar.update(1000, '1000 events');
    bar.finish();
    expect(pipe.written).toEqual([]);
  });

  it('writes nothing without a terminal, or for an empty log', () => {
    expect(() => progressBar(undefined, 'reading', 10).update(1, '')).not.toThrow();
    const tty = fakeTerminal(true);
    const bar = progressBar(tty, 'reading', 0);
    bar.update(0, '');
    bar.finish();
    expect(tty.written).toEqual([]);
  });

  it('draws nothing before the first update, so a short read never flashes a bar', () => {
    const tty = fakeTerminal(true);
    const bar = progressBar(tty, 'reading', 1000);
    vi.advanceTimersByTime(1000);
    bar.finish();
    expect(tty.written).toEqual([]);
  });

  it('on a TTY draws the label, the bar and the percentage, then erases its line and stops', () => {
    const tty = fakeTerminal(true);
    const bar = progressBar(tty, 'reading', 1000);
    bar.update(250, '250 events');
    vi.advanceTimersByTime(500);
    bar.update(500, '500 events');
    vi.advanceTimersByTime(500);
    const drawn = tty.written.join('');
    expect(drawn).toContain('reading [');
    expect(drawn).toMatch(/\[#{15}\.{15}\] 50% 500 events/);
    bar.finish();
    // ECMA-48 EL (erase in line), as readline.clearLine writes it: the bar leaves nothing behind.
    expect(tty.written.at(-1)).toBe('\x1b[2K');
    const count = tty.written.length;
    vi.advanceTimersByTime(5000);
    bar.update(900, 'late');
    bar.finish();
    expect(tty.written).toHaveLength(count);
  });
});
