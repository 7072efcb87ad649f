// Where the code under test lives, and how to run the real `keyledger` binary from the
// TypeScript sources (tsx as an absolute loader URL, so any working directory will do).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const MAIN_TS = join(REPO, 'src/cli/main.ts');
export const MAIN_JS = join(REPO, 'dist/src/cli/main.js');
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** `node` arguments that run `keyledger <args>` from source. */
export const keyledgerFromSource = (...args: string[]): string[] => ['--import', TSX_LOADER, MAIN_TS, ...args];

// Removed after the test file that made them (vitest's fork workers may be killed rather
// than exit, so a process 'exit' hook would not run).
const made = new Set<string>();
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
});

/** A fresh directory under the system temp dir, removed after the test file. */
export const tempDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `keyledger-${name}-`));
  made.add(dir);
  return dir;
};

/** AWS's documentation credentials shape; used as the admin in in-process servers. */
export const ADMIN = {
  accessKeyId: 'AKIAKEYLEDGERE2EADMIN',
  secretAccessKey: 'e2eE2eSecretKeyForTheKeyledgerAdmin00000',
} as const;

export const ADMIN_ENV = {
  KEYLEDGER_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
  KEYLEDGER_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
} as const;

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';
