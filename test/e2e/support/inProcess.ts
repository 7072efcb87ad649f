// The real server, wired exactly as `keyledger serve` wires it (startServe), in the test's own
// process: on a free port, a fresh data directory, and a known admin key. Output is captured
// so tests can assert on it and so it never clutters the test report.
import { rmSync } from 'node:fs';
import { type RunningServe, startServe } from '../../../src/cli/serve.js';
import { createLogger } from '../../../src/cli/logger.js';
import type { ServeSettings } from '../../../src/cli/settings.js';
import { ACCOUNT, ADMIN_ENV, tempDir } from './repo.js';

export interface TestServer {
  readonly running: RunningServe;
  readonly endpoint: string;
  readonly dataDir: string;
  readonly stdout: string[];
  readonly log: string[];
  /** Stops the server (graceful close); `remove` also deletes the data directory. */
  stop(options?: { remove?: boolean }): Promise<void>;
}

export const startTestServer = async (
  name: string,
  over: Partial<ServeSettings> = {},
  env: Readonly<Record<string, string>> = {},
): Promise<TestServer> => {
  const dataDir = over.dataDir ?? tempDir(name);
  const stdout: string[] = [];
  const log: string[] = [];
  const running = await startServe(
    { dataDir, host: '127.0.0.1', port: 0, account: ACCOUNT, schedulerIntervalSeconds: 60, checkpointIntervalSeconds: 3600, ...over },
    {
      env: { ...ADMIN_ENV, ...env },
      cwd: dataDir,
      out: (text) => void stdout.push(text),
      logger: createLogger((line) => void log.push(line)),
    },
  );
  return {
    running,
    endpoint: running.endpoint,
    dataDir,
    stdout,
    log,
    stop: async ({ remove = true } = {}) => {
      await running.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
