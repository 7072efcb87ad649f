// rootKey.ts: strict parsing that never echoes the value, precedence (env > file > generated),
// private file modes, and atomic first-run generation.

import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateRootKey, parseRootKey } from '../../src/crypto/rootKey.js';
import { expectCryptoError } from './helpers.js';

const KEY_BYTES = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);
const KEY_B64 = Buffer.from(KEY_BYTES).toString('base64');
const OTHER_B64 = Buffer.alloc(32, 0xee).toString('base64');

/** The error message must not contain the secret, nor any 8-character piece of it. */
const expectNoEcho = (message: string, secret: string) => {
  for (let i = 0; i + 8 <= secret.length; i++) expect(message).not.toContain(secret.slice(i, i + 8));
};

const posix = process.platform !== 'win32';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyledger-rootkey-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('parseRootKey', () => {
  it('decodes 44 characters of standard base64 to 32 bytes', () => {
    expect(KEY_B64).toHaveLength(44);
    const key = parseRootKey(KEY_B64);
    expect(key).toEqual(KEY_BYTES);
    expect(Object.getPrototypeOf(key)).toBe(Uint8Array.prototype);
  });

  it.each([
    ['16 bytes', Buffer.alloc(16, 0xab).toString('base64'), 'root key expected 32 bytes (44 base64 characters), got 16 bytes'],
    ['33 bytes', Buffer.alloc(33, 0xab).toString('base64'), 'root key expected 32 bytes (44 base64 characters), got 33 bytes'],
    ['empty', '', 'root key expected 32 bytes (44 base64 characters), got 0 bytes'],
  ])('rejects %s, stating the length only', (_, value, message) => {
    const e = expectCryptoError(() => parseRootKey(value), 'InvalidInput');
    expect(e.message).toBe(message);
    expectNoEcho(e.message, value);
  });

  it.each([
    ['url-safe alphabet', KEY_B64.replace(/.{4}/, '-_-_')],
    ['missing padding', KEY_B64.slice(0, 43)],
    ['inner whitespace', `${KEY_B64.slice(0, 20)} ${KEY_B64.slice(20)}`],
    ['a non-alphabet character', `${KEY_B64.slice(0, 10)}*${KEY_B64.slice(11)}`],
    ['hex instead of base64', Buffer.from(KEY_BYTES).toString('hex')],
    ['padding in the middle', `${KEY_B64.slice(0, 20)}=${KEY_B64.slice(21)}`],
  ])('rejects %s without echoing the value', (_, value) => {
    const e = expectCryptoError(() => parseRootKey(value), 'InvalidInput');
    expect(e.message).toMatch(/not valid standard base64|expected 32 bytes/);
    expectNoEcho(e.message, value);
  });

  it('rejects non-canonical padding bits (a typo that lenient decoders turn into another key)', () => {
    // 32 bytes end in one 4-bit-padded sextet: the last character before '=' must have its two
    // low bits zero. Bump it by one and a lenient decoder yields the same bytes from other text.
    const last = KEY_B64[42] as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const bumped = `${KEY_B64.slice(0, 42)}${alphabet[alphabet.indexOf(last) + 1]}=`;
    expect(Buffer.from(bumped, 'base64')).toEqual(Buffer.from(KEY_BYTES));
    const e = expectCryptoError(() => parseRootKey(bumped), 'InvalidInput');
    expect(e.message).toBe('root key is not canonical base64 (non-zero padding bits); value not shown');
  });

  it('rejects non-strings', () => {
    expect(expectCryptoError(() => parseRootKey(KEY_BYTES as unknown as string), 'InvalidInput').message).toBe('"rootKey" expected string, got Uint8Array');
  });
});

describe('loadOrCreateRootKey', () => {
  it('env wins over an existing file, and touches nothing on disk', () => {
    const file = join(dir, 'root.key');
    writeFileSync(file, OTHER_B64, { mode: 0o600 });
    expect(loadOrCreateRootKey({ env: KEY_B64, file })).toEqual({ key: KEY_BYTES, source: 'env' });
    expect(loadOrCreateRootKey({ env: KEY_B64, file: join(dir, 'absent', 'root.key') }).source).toBe('env');
    expect(readdirSync(dir)).toEqual(['root.key']);
  });

  it('a bad env value is refused (never falls back to the file), without echoing it', () => {
    const file = join(dir, 'root.key');
    writeFileSync(file, OTHER_B64, { mode: 0o600 });
    const bad = KEY_B64.slice(0, 40);
    const e = expectCryptoError(() => loadOrCreateRootKey({ env: bad, file }), 'InvalidInput');
    expect(e.message.startsWith('KEYLEDGER_ROOT_KEY: ')).toBe(true);
    expectNoEcho(e.message, bad);
    expect(expectCryptoError(() => loadOrCreateRootKey({ env: '  ', file }), 'InvalidInput').message).toBe('KEYLEDGER_ROOT_KEY is set but empty');
  });

  it('tolerates surrounding whitespace such as a trailing newline', () => {
    expect(loadOrCreateRootKey({ env: `${KEY_B64}\n`, file: join(dir, 'k') }).key).toEqual(KEY_BYTES);
    const file = join(dir, 'root.key');
    writeFileSync(file, `${KEY_B64}\n`, { mode: 0o600 });
    expect(loadOrCreateRootKey({ file })).toEqual({ key: KEY_BYTES, source: 'file' });
  });

  it('generates a 0600 key file (creating parent directories) on first run, then reads it back', () => {
    const file = join(dir, 'data', 'nested', 'root.key');
    const first = loadOrCreateRootKey({ file });
    expect(first.source).toBe('generated');
    expect(first.key).toHaveLength(32);
    if (posix) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${Buffer.from(first.key).toString('base64')}\n`);
    expect(readdirSync(join(dir, 'data', 'nested'))).toEqual(['root.key']); // no temp file left
    expect(loadOrCreateRootKey({ file })).toEqual({ key: first.key, source: 'file' });
  });

  it.runIf(posix)('creates the file 0600 even under a permissive umask', () => {
    const previous = process.umask(0o000);
    try {
      const file = join(dir, 'root.key');
      loadOrCreateRootKey({ file });
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('two different data directories get independent keys', () => {
    const a = loadOrCreateRootKey({ file: join(dir, 'a', 'root.key') });
    const b = loadOrCreateRootKey({ file: join(dir, 'b', 'root.key') });
    expect(a.key).not.toEqual(b.key);
  });

  it.runIf(posix).each([0o644, 0o640, 0o604, 0o660, 0o610, 0o601])('refuses a key file with mode %o', (mode) => {
    const file = join(dir, 'root.key');
    writeFileSync(file, KEY_B64);
    chmodSync(file, mode);
    const e = expectCryptoError(() => loadOrCreateRootKey({ file }), 'InvalidInput');
    expect(e.message).toBe(
      `root key file ${file}: mode ${mode.toString(8).padStart(4, '0')} is accessible to group or others; it must be 0600 or stricter (chmod 600 ${file})`,
    );
    expectNoEcho(e.message, KEY_B64);
  });

  it.runIf(posix).each([0o600, 0o400, 0o700])('accepts a key file with mode %o', (mode) => {
    const file = join(dir, 'root.key');
    writeFileSync(file, KEY_B64);
    chmodSync(file, mode);
    expect(loadOrCreateRootKey({ file })).toEqual({ key: KEY_BYTES, source: 'file' });
  });

  it('refuses a key file with bad content, naming the file but not the content', () => {
    const file = join(dir, 'root.key');
    const bad = Buffer.alloc(31, 0x5a).toString('base64');
    writeFileSync(file, bad, { mode: 0o600 });
    const e = expectCryptoError(() => loadOrCreateRootKey({ file }), 'InvalidInput');
    expect(e.message).toBe(`root key file ${file}: root key expected 32 bytes (44 base64 characters), got 31 bytes`);
    expectNoEcho(e.message, bad);
  });

  it('refuses a directory where the key file should be', () => {
    const file = join(dir, 'root.key');
    mkdirSync(file, { mode: 0o700 });
    expect(expectCryptoError(() => loadOrCreateRootKey({ file }), 'InvalidInput').message).toBe(`root key file ${file}: not a regular file`);
  });

  it('checks its options', () => {
    expect(expectCryptoError(() => loadOrCreateRootKey({ file: '' }), 'InvalidInput').message).toBe('"file" must not be empty');
  });
});
