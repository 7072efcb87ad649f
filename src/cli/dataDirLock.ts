// One server per data directory. The SQLite store follows its own writer's commits only
// (src/store/sqlite/sqliteStore.ts), so a second server on the same files would serve stale
// keys and race the first one's appends. `<dataDir>/LOCK` holds the owner's pid; it is stale
// when that pid is gone.
//
// The file is written in full under a temporary name and then hard-linked into place:
// link(2) fails if LOCK exists, so taking the lock is atomic, and LOCK never exists half
// written (an empty LOCK from a crash between create and write would need a human).
// A lock naming our own pid that this process does not hold is stale too: in a container
// the server is often pid 1 on every start, so the previous incarnation's lock names "us".
// Residual race, accepted: two servers that both find the same stale lock at the same instant
// may both remove it; one then fails to link and reports the other as the holder.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode, errnoCode } from './cliError.js';

export const LOCK_FILE = 'LOCK';

export interface DataDirLock {
  readonly path: string;
  /** Removes LOCK if it is still ours. Idempotent. */
  release(): void;
}

/** Locks held by this process, so that a lock naming our pid can be told apart from a stale one. */
const heldHere = new Set<string>();

const readPid = (path: string): { text: string; pid: number | undefined } | undefined => {
  try {
    const text = readFileSync(path, 'utf8');
    const pid = /^\d+\n?$/.test(text) ? Number(text.trim()) : undefined;
    return { text, pid };
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
};

/** kill(pid, 0) probes without signalling: ESRCH means gone, EPERM means alive (another user's). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
};

/** Installs `content` at `path` unless something is already there; false if it was. */
const createExclusive = (path: string, content: string): boolean => {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    if (errnoCode(e) !== 'EPERM' && errnoCode(e) !== 'ENOTSUP' && errnoCode(e) !== 'EOPNOTSUPP') throw e;
    // No hard links on this filesystem: an exclusive create, written straight after.
    try {
      writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (e2) {
      if (errnoCode(e2) === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    unlinkSync(temp);
  }
};

const heldError = (dataDir: string, path: string, pid: number | undefined): CliError =>
  new CliError(
    `data directory ${dataDir} is in use by another keyledger server${pid !== undefined ? ` (pid ${pid})` : ''}. ` +
      `Stop that server first; if none is running, remove ${path}.`,
    ExitCode.locked,
  );

export const acquireDataDirLock = (dataDir: string): DataDirLock => {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, mine)) {
      heldHere.add(path);
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          heldHere.delete(path);
          if (readPid(path)?.text === mine) unlinkSync(path);
        },
      };
    }
    const found = readPid(path);
    if (found === undefined) continue; // released in between: try again
    const { text, pid } = found;
    const stale = pid !== undefined && (pid === process.pid ? !heldHere.has(path) : !isAlive(pid));
    if (!stale) throw heldError(dataDir, path, pid);
    // Remove it only if it is still the stale lock we looked at.
    if (readPid(path)?.text === text) {
      try {
        unlinkSync(path);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
  }
  throw heldError(dataDir, path, readPid(path)?.pid);
};
