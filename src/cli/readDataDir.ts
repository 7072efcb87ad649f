// Opening a data directory for reading only — a stopped server's, a copy, or a running one's —
// and folding its log into the same key and alias views the server keeps. No lock is taken:
// SQLite's WAL lets a read-only connection read beside a running writer, and nothing here can
// write (openSqliteStore with readOnly has no writer thread at all).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AliasIndex } from '../projections/aliasIndex.js';
import { KeyViews } from '../projections/keyViews.js';
import { ProjectionRunner, replayOf } from '../projections/runner.js';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../store/eventStore.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import { CliError, messageOf } from './cliError.js';
import { type ProgressBar, progressBar, type Terminal } from './progressBar.js';
import { STORE_FILE } from './serveSpec.js';
import { plural } from './table.js';

export { AUDIT_PUBLIC_KEY_FILE } from './serveSpec.js';

/** A progress bar over the whole log, for a command that reads all of it. */
export interface ReadProgress {
  /** process.stderr: the bar is drawn only when it is a terminal. */
  readonly terminal: Terminal | undefined;
  readonly label: string;
}

const noBar: ProgressBar = { update: () => undefined, finish: () => undefined };

/**
 * Opens `<dataDir>/keyledger.db` read-only, runs `read` on it, and closes it whatever happens.
 * With `progress`, a bar from 0 to the log's head position follows every `readAll` that `read`
 * makes, so a fold shows progress however it is written (queryAudit, foldViews, a loop of its
 * own); a read that reports its own progress (verify) moves `bar` itself.
 */
export const withDataDir = async <T>(
  dataDir: string,
  read: (store: EventStore, bar: ProgressBar) => Promise<T>,
  progress?: ReadProgress,
): Promise<T> => {
  const file = join(dataDir, STORE_FILE);
  // Checked here for a clear message: SQLite's own ("unable to open database file") names neither
  // the file nor the likely mistake.
  if (!existsSync(file)) throw new CliError(`no event log in ${dataDir}: ${file} does not exist (is --data-dir right?)`);
  const opened = await openSqliteStore({ path: file, readOnly: true }).catch((e: unknown) => {
    throw new CliError(`cannot open ${file}: ${messageOf(e)}`);
  });
  let bar = noBar;
  try {
    if (progress === undefined) return await read(opened.store, bar);
    const head = await opened.store.headPosition().catch((e: unknown) => {
      throw new CliError(`cannot read ${file}: ${messageOf(e)}`);
    });
    bar = progressBar(progress.terminal, progress.label, head);
    return await read(reportingReads(opened.store, bar), bar);
  } finally {
    bar.finish();
    await opened.close();
  }
};

/** Events between two moves of the bar: a counter per event, not a redraw (cli-progress throttles
 *  those anyway), and a read of fewer events never draws at all. */
const REPORT_EVERY = 1024;

/** `store`, with each `readAll` moving `bar` to the position it has reached. */
const reportingReads = (store: EventStore, bar: ProgressBar): EventStore => ({
  append: (stream, events, expected) => store.append(stream, events, expected),
  readStream: (stream, options) => store.readStream(stream, options),
  readOccurred: (window) => store.readOccurred(window),
  ...(store.readOccurredMembers !== undefined ? { readOccurredMembers: store.readOccurredMembers.bind(store) } : {}),
  readRequest: (requestId) => store.readRequest(requestId),
  ...(store.checkSegments !== undefined ? { checkSegments: store.checkSegments.bind(store) } : {}),
  ...(store.replayPages !== undefined ? { replayPages: reportingPages(store.replayPages.bind(store), bar) } : {}),
  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    let events = 0;
    for await (const event of store.readAll(options)) {
      if (++events % REPORT_EVERY === 0) bar.update(event.position, plural(events, 'event'));
      yield event;
    }
  },
  subscribeAll: (after) => store.subscribeAll(after),
  headPosition: () => store.headPosition(),
  readStored: (options) => store.readStored(options),
  streamHeads: (options) => store.streamHeads(options),
  close: () => store.close(),
});

/** A replay moving `bar` a page at a time. */
const reportingPages =
  (replay: NonNullable<EventStore['replayPages']>, bar: ProgressBar) =>
  async function* (options?: ReadAllOptions): AsyncIterable<readonly RecordedEvent[]> {
    let events = 0;
    for await (const page of replay(options)) {
      events += page.length;
      const last = page.at(-1);
      if (last !== undefined && events >= REPORT_EVERY) bar.update(last.position, plural(events, 'event'));
      yield page;
    }
  };

export interface FoldedViews {
  readonly keys: KeyViews;
  readonly aliases: AliasIndex;
  /** Position of the last event folded; 0 for an empty log. */
  readonly position: number;
}

/**
 * Every key and alias as the server would see them after replaying the log. One pass of
 * `readAll` through the runner rather than `start`, which would also subscribe for live
 * commits: a read-only store never has any, and the subscription would keep the process alive.
 */
export const foldViews = async (store: EventStore): Promise<FoldedViews> => {
  const keys = new KeyViews();
  const aliases = new AliasIndex();
  const runner = new ProjectionRunner([keys, aliases]);
  for await (const page of replayOf(store)) for (const event of page) runner.apply(event);
  return { keys, aliases, position: runner.checkpoint };
};

/** `alias/name` from `arn:aws:kms:r:a:alias/name`. */
export const aliasNameOfArn = (aliasArn: string): string => aliasArn.slice(aliasArn.indexOf(':alias/') + 1);

/** The key id at the end of a key ARN. */
export const keyIdOfKeyArn = (keyArn: string): string => keyArn.slice(keyArn.lastIndexOf('/') + 1);
