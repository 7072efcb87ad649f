// A one-line progress bar on stderr for the commands that read the whole log (verify, audit,
// usage, keys). Drawn only on a terminal: piped into a file or a CI log, carriage returns would
// leave hundreds of half-lines, and stdout — the report — is never touched. Drawing is
// cli-progress's (SingleBar): throttled redraws, width measured by string-width, the line cut
// to the terminal's width.
import { SingleBar } from 'cli-progress';

/** Where the bar goes: process.stderr, or a fake in tests. */
export interface Terminal {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** Width of the terminal, when known. */
  readonly columns?: number;
}

export interface ProgressBar {
  /** Moves the bar to `done` of `total`; cheap to call often (redraws are throttled). */
  update(done: number, detail: string): void;
  /** Erases the bar, leaving the line as it was. Idempotent. */
  finish(): void;
}

const noBar: ProgressBar = { update: () => undefined, finish: () => undefined };

/** A bar from 0 to `total`; nothing at all unless `terminal` is a TTY. Drawn from the first
 *  update on, so a read too short to report progress never flashes a bar. */
export const progressBar = (terminal: Terminal | undefined, label: string, total: number): ProgressBar => {
  if (terminal?.isTTY !== true || total <= 0) return noBar;
  const bar = new SingleBar({
    // cli-progress only calls write() and reads isTTY and columns (lib/terminal.js; its cursor
    // moves go through readline, which only calls write() too): any Terminal will do.
    stream: terminal as unknown as NodeJS.WritableStream,
    format: `${label} [{bar}] {percentage}% {detail}`,
    barCompleteChar: '#',
    barIncompleteChar: '.',
    barsize: 30,
    fps: 10,
    clearOnComplete: true,
    // Cut the line to the terminal's width rather than switching the terminal's own line
    // wrapping off and on (DECAWM), which a killed process would leave switched off.
    linewrap: true,
    hideCursor: false,
    // Its SIGINT/SIGTERM listeners would stop Node's default exit on Ctrl-C: a long verify
    // could no longer be interrupted. `audit --follow` handles the signals itself.
    gracefulExit: false,
  });
  let started = false;
  let finished = false;
  return {
    update(done, detail) {
      if (finished) return;
      if (!started) {
        bar.start(total, done, { detail });
        started = true;
      } else {
        bar.update(done, { detail });
      }
    },
    finish() {
      if (started && !finished) bar.stop();
      finished = true;
    },
  };
};
