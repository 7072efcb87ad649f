// A one-line progress bar on stderr for long reads (verify walks every event of the log). Drawn
// only on a terminal: piped into a file or a CI log, carriage returns would leave hundreds of
// half-lines, and stdout — the report — is never touched. Hand-rolled: a bar is twenty lines,
// not a dependency (STYLE.md, habit 8).

export interface Terminal {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Width of the terminal, when known. */
  readonly columns?: number;
}

export interface ProgressBar {
  /** Redraws with `done` of `total`; at most every 100 ms, so a fast walk is not slowed by it. */
  update(done: number, detail: string): void;
  /** Erases the bar, leaving the line as it was. */
  finish(): void;
}

const noBar: ProgressBar = { update: () => undefined, finish: () => undefined };
const REDRAW_MS = 100;
/** ESC [ K: erase to the end of the line (ECMA-48 §8.3.41, "EL"). */
const CLEAR_LINE = '\r\x1b[K';

export const progressBar = (terminal: Terminal | undefined, label: string, total: number): ProgressBar => {
  if (terminal?.isTTY !== true || total <= 0) return noBar;
  let last = 0;
  let drawn = false;
  return {
    update(done, detail) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      const fraction = Math.min(1, Math.max(0, done / total));
      const width = Math.max(10, Math.min(40, (terminal.columns ?? 80) - label.length - detail.length - 12));
      const filled = Math.round(fraction * width);
      const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
      terminal.write(`${CLEAR_LINE}${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent} ${detail}`);
      drawn = true;
    },
    finish() {
      if (drawn) terminal.write(CLEAR_LINE);
      drawn = false;
    },
  };
};
