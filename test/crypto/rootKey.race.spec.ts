// rootKey.ts, first-run race: another process installs its key between our existence check and
// our link(2). We must adopt the winner's key rather than replace it (which rename(2) would do,
// leaving the loser encrypting under a key that no longer exists on disk).

import * as realFs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const race = vi.hoisted(() => ({ competitor: undefined as string | undefined }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>();
  return {
    ...fs,
    linkSync: (existing: realFs.PathLike, target: realFs.PathLike) => {
      if (race.competitor !== undefined) fs.writeFileSync(target, race.competitor, { mode: 0o600 });
      return fs.linkSync(existing, target);
    },
  };
});

const { loadOrCreateRootKey } = await import('../../src/crypto/rootKey.js');

let dir: string | undefined;
afterEach(() => {
  race.competitor = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('loadOrCreateRootKey under a first-run race', () => {
  it('adopts the key another process installed first, and leaves no temp file', () => {
    dir = mkdtempSync(join(tmpdir(), 'keyledger-race-'));
    const file = join(dir, 'root.key');
    const winner = Buffer.alloc(32, 0x42);
    race.competitor = `${winner.toString('base64')}\n`;
    const loaded = loadOrCreateRootKey({ file });
    expect(loaded).toEqual({ key: new Uint8Array(winner), source: 'file' });
    expect(readdirSync(dir)).toEqual(['root.key']);
  });

  it('without a competitor, generates as usual', () => {
    dir = mkdtempSync(join(tmpdir(), 'keyledger-race-'));
    const file = join(dir, 'root.key');
    expect(loadOrCreateRootKey({ file }).source).toBe('generated');
    writeFileSync(join(dir, 'marker'), '');
    expect(readdirSync(dir).sort()).toEqual(['marker', 'root.key']);
  });
});
