// The root key: 256 bits (AES-256, FIPS 197) at the top of the key hierarchy, never in the log
// or the vault. Supplied as standard base64 (RFC 4648 §4) in KEYLEDGER_ROOT_KEY or in a file.
//
// Startup-only code, hence synchronous fs. Rules, and why:
// - Strict, canonical base64 only (RFC 4648 §3.3: reject characters outside the alphabet; §3.5:
//   non-zero pad bits make a non-canonical encoding). Node's lenient decoder would otherwise turn
//   a typo into a *different* valid key silently.
// - Error messages never echo the value, not even a prefix: they end up in logs.
// - A key file must be a regular file with no group/other permission bits (0600 or stricter),
//   as OpenSSH insists for private keys: a group-readable root key is a disclosed root key.
//   The mode is checked on the open descriptor (fstat), so the file checked is the file read.
// - Generation (embedded default only) writes a temp file with mode 0600, fsyncs it, and links
//   it into place. link(2), unlike rename(2), fails if the target exists, so two processes
//   starting at once cannot each install a key and have the loser encrypt under a key that has
//   just been replaced; the loser reads the winner's file instead.

import { closeSync, fchmodSync, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertString, bytesToHex } from './bytes.js';
import { CryptoError, invalidInput } from './errors.js';
import { randomBytes } from './random.js';

export const ROOT_KEY_BYTES = 32;
export const ROOT_KEY_ENV = 'KEYLEDGER_ROOT_KEY';
const MAX_KEY_FILE_BYTES = 1024; // 44 characters plus whitespace; anything larger is not a key

export type RootKeySource = 'env' | 'file' | 'generated';

export interface LoadedRootKey {
  readonly key: Uint8Array;
  readonly source: RootKeySource;
}

export interface RootKeyOptions {
  /** The value of KEYLEDGER_ROOT_KEY, if set. Wins over the file. */
  readonly env?: string | undefined;
  /** Path of the root-key file, read if `env` is absent and created if missing. */
  readonly file: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a root key from canonical standard base64 of exactly 32 bytes (44 characters). */
export const parseRootKey = (base64: string): Uint8Array => {
  assertString('rootKey', base64);
  if (!BASE64.test(base64)) throw invalidInput('root key is not valid standard base64 (RFC 4648 §4); value not shown');
  const decoded = Buffer.from(base64, 'base64');
  try {
    if (decoded.toString('base64') !== base64)
      throw invalidInput('root key is not canonical base64 (non-zero padding bits); value not shown');
    if (decoded.length !== ROOT_KEY_BYTES)
      throw invalidInput(`root key expected ${ROOT_KEY_BYTES} bytes (44 base64 characters), got ${decoded.length} bytes`);
    const key = new Uint8Array(ROOT_KEY_BYTES);
    key.set(decoded);
    return key;
  } finally {
    decoded.fill(0);
  }
};

const withContext = (where: string, e: unknown): CryptoError =>
  invalidInput(`${where}: ${e instanceof Error ? e.message : String(e)}`);

const errnoCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

const checkPrivate = process.platform !== 'win32'; // POSIX modes are meaningless on Windows

/** Reads and parses a root-key file, refusing anything but a private regular file. */
const readKeyFile = (file: string, fd: number): Uint8Array => {
  const st = fstatSync(fd);
  if (!st.isFile()) throw invalidInput(`root key file ${file}: not a regular file`);
  if (checkPrivate && (st.mode & 0o077) !== 0)
    throw invalidInput(
      `root key file ${file}: mode ${(st.mode & 0o777).toString(8).padStart(4, '0')} is accessible to group or others; ` +
        `it must be 0600 or stricter (chmod 600 ${file})`,
    );
  if (st.size > MAX_KEY_FILE_BYTES) throw invalidInput(`root key file ${file}: ${st.size} bytes is too large for a root key`);
  const text = readFileSync(fd, 'utf8').trim();
  try {
    return parseRootKey(text);
  } catch (e) {
    throw withContext(`root key file ${file}`, e);
  }
};

/** Opens `file` read-only; undefined if it does not exist. */
const openExisting = (file: string): number | undefined => {
  try {
    return openSync(file, 'r');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
};

const readIfExists = (file: string): Uint8Array | undefined => {
  const fd = openExisting(file);
  if (fd === undefined) return undefined;
  try {
    return readKeyFile(file, fd);
  } finally {
    closeSync(fd);
  }
};

const fsyncDir = (dir: string): void => {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform/filesystem can fsync a directory; the file itself is already synced.
  }
};

/** Writes a fresh key to `file` (0600) unless one appears first; returns the key in the file. */
const createKeyFile = (file: string): { key: Uint8Array; created: boolean } => {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(ROOT_KEY_BYTES);
  const temp = `${file}.${process.pid}.${bytesToHex(randomBytes(8))}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // the umask can only remove bits, but be explicit
    writeFileSync(fd, `${Buffer.from(key.buffer, key.byteOffset, key.length).toString('base64')}\n`); // a view, not a copy
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw e;
  }
  closeSync(fd);
  try {
    linkSync(temp, file);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EEXIST') {
      // Another process installed a key first: use that one.
      unlinkSync(temp);
      key.fill(0);
      const existing = readIfExists(file);
      if (existing === undefined) throw invalidInput(`root key file ${file}: vanished while being created`);
      return { key: existing, created: false };
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') {
      unlinkSync(temp);
      throw e;
    }
    // Filesystem without hard links: fall back to rename, which is atomic but may replace a
    // file created in the instant since we looked.
    renameSync(temp, file);
    fsyncDir(dir);
    return { key, created: true };
  }
  unlinkSync(temp);
  fsyncDir(dir);
  return { key, created: true };
};

/**
 * Resolves the root key: `env` (KEYLEDGER_ROOT_KEY) wins; else the file; else a new key is
 * generated into the file. A 'generated' source must be announced loudly by the caller:
 * production deployments must supply the root key from outside the data directory.
 */
export const loadOrCreateRootKey = (options: RootKeyOptions): LoadedRootKey => {
  if (typeof options !== 'object' || options === null) throw invalidInput('"options" expected { env?, file }');
  const { env, file } = options;
  assertString('file', file);
  if (file.length === 0) throw invalidInput('"file" must not be empty');
  if (env !== undefined) {
    assertString('env', env);
    // An empty variable is a misconfiguration (e.g. an unset ${VAR} in a compose file), not
    // "absent": fail closed instead of silently falling back to another key.
    if (env.trim().length === 0) throw invalidInput(`${ROOT_KEY_ENV} is set but empty`);
    try {
      return { key: parseRootKey(env.trim()), source: 'env' };
    } catch (e) {
      throw withContext(ROOT_KEY_ENV, e);
    }
  }
  const existing = readIfExists(file);
  if (existing !== undefined) return { key: existing, source: 'file' };
  const { key, created } = createKeyFile(file);
  return { key, source: created ? 'generated' : 'file' };
};
