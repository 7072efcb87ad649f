// Opening a data directory for reading only — a stopped server's, a copy, or a running one's —
// and folding its log into the same key and alias views the server keeps. No lock is taken:
// SQLite's WAL lets a read-only connection read beside a running writer, and nothing here can
// write (openSqliteStore with readOnly has no writer thread at all).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AliasIndex } from '../projections/aliasIndex.js';
import { KeyViews } from '../projections/keyViews.js';
import { ProjectionRunner } from '../projections/runner.js';
import type { EventStore } from '../store/eventStore.js';
import { openSqliteStore } from '../store/sqlite/sqliteStore.js';
import { CliError, messageOf } from './cliError.js';
import { STORE_FILE } from './serveSpec.js';

export { AUDIT_PUBLIC_KEY_FILE } from './serveSpec.js';

/** Opens `<dataDir>/keyledger.db` read-only, runs `read` on it, and closes it whatever happens. */
export const withDataDir = async <T>(dataDir: string, read: (store: EventStore) => Promise<T>): Promise<T> => {
  const file = join(dataDir, STORE_FILE);
  // Checked here for a clear message: SQLite's own ("unable to open database file") names neither
  // the file nor the likely mistake.
  if (!existsSync(file)) throw new CliError(`no event log in ${dataDir}: ${file} does not exist (is --data-dir right?)`);
  const opened = await openSqliteStore({ path: file, readOnly: true }).catch((e: unknown) => {
    throw new CliError(`cannot open ${file}: ${messageOf(e)}`);
  });
  try {
    return await read(opened.store);
  } finally {
    await opened.close();
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
  for await (const event of store.readAll()) runner.apply(event);
  return { keys, aliases, position: runner.checkpoint };
};

/** `alias/name` from `arn:aws:kms:r:a:alias/name`. */
export const aliasNameOfArn = (aliasArn: string): string => aliasArn.slice(aliasArn.indexOf(':alias/') + 1);

/** The key id at the end of a key ARN. */
export const keyIdOfKeyArn = (keyArn: string): string => keyArn.slice(keyArn.lastIndexOf('/') + 1);
