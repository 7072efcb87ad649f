// The server's view of the principals file, kept current while it runs: `keyledger principals
// add|remove` in another shell takes effect within moments, without a restart (removing a
// leaked key must not wait for a maintenance window). The file is replaced by rename on every
// change (src/server/principals.ts), so the data directory is watched, not the file's inode.
// A file that fails to parse mid-edit keeps the previous set and is logged: failing open to
// "nobody" would lock the admin out, and failing to an unparsed file is not possible.
import { type FSWatcher, watch } from 'node:fs';
import { PRINCIPALS_FILE, type Principal, loadPrincipals, principalLookup } from '../server/principals.js';
import type { CredentialLookup } from '../server/sigv4.js';
import { messageOf } from './cliError.js';
import type { Logger } from './logger.js';

export interface LivePrincipals {
  readonly lookup: CredentialLookup;
  /** Rereads the file now (also on SIGHUP). Resolves once the new set is in use. */
  reload(): Promise<void>;
  close(): void;
}

const DEBOUNCE_MS = 50;

export const watchPrincipals = async (dataDir: string, logger: Logger): Promise<LivePrincipals> => {
  let current: CredentialLookup = principalLookup(await loadPrincipals(dataDir));
  let count = -1;
  let closed = false;

  const reload = async (): Promise<void> => {
    let principals: Principal[];
    try {
      principals = await loadPrincipals(dataDir);
    } catch (e) {
      logger.error('principals file not reloaded, keeping the previous access keys', { reason: messageOf(e) });
      return;
    }
    if (closed) return;
    current = principalLookup(principals);
    if (principals.length !== count) logger.info('access keys reloaded', { count: principals.length });
    count = principals.length;
  };

  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dataDir, { persistent: false }, (_event, filename) => {
      if (filename !== null && filename.toString() !== PRINCIPALS_FILE) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), DEBOUNCE_MS);
    });
    watcher.on('error', (e) => logger.error('watching the principals file failed; send SIGHUP to reload it', { reason: messageOf(e) }));
  } catch (e) {
    logger.error('cannot watch the principals file; send SIGHUP to reload it', { reason: messageOf(e) });
  }

  return {
    lookup: (accessKeyId) => current(accessKeyId),
    reload,
    close: () => {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
};
