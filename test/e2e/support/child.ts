// The real `keyledger` as a child process: start it, learn its endpoint from what it prints,
// send it signals, and collect its output and exit code.
import { type ChildProcess, spawn } from 'node:child_process';
import { keyledgerFromSource } from './repo.js';

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KeyledgerChild {
  readonly process: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the endpoint once "listening on" is printed; rejects if it exits first. */
  readonly ready: Promise<string>;
  readonly exited: Promise<Finished>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Run this script instead of src/cli/main.ts under tsx (e.g. the built dist/ file). */
  readonly script?: string;
}

/** A clean environment: no KEYLEDGER_* or AWS_* from the developer's shell. */
export const cleanEnv = (extra: Readonly<Record<string, string>> = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(KEYLEDGER_|AWS_)/.test(k)) env[k] = v;
  return { ...env, ...extra };
};

export const spawnKeyledger = (args: readonly string[], options: SpawnOptions = {}): KeyledgerChild => {
  const argv = options.script !== undefined ? [options.script, ...args] : keyledgerFromSource(...args);
  const child = spawn(process.execPath, argv, { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err })),
  );
  const ready = new Promise<string>((resolve, reject) => {
    const look = (): void => {
      const m = /keyledger is listening on (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    };
    child.stdout.on('data', look);
    void exited.then((f) => reject(new Error(`keyledger exited (${f.code ?? f.signal}) before listening:\n${f.stderr}${f.stdout}`)));
  });
  ready.catch(() => undefined); // observed by whoever awaits it
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    ready,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
};

/** Runs a short `keyledger` command to completion. */
export const runKeyledger = (args: readonly string[], options: SpawnOptions = {}): Promise<Finished> =>
  spawnKeyledger(args, options).exited;
