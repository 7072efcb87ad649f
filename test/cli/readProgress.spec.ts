// Every command that reads the whole log shows a progress bar on a terminal (the forensics
// issue), through the one helper in readDataDir.ts: drawn on the terminal it is given (stderr),
// erased when done, and never mixed into the report on stdout. Run in-process with a fake TTY, on
// a log long enough for the bar to move (it first moves after 1024 events).
import { beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import type { ExitCode } from '../../src/cli/cliError.js';
import type { ReadIo } from '../../src/cli/forensicsOptions.js';
import { keysCommand } from '../../src/cli/keys.js';
import type { Terminal } from '../../src/cli/progressBar.js';
import { usageCommand } from '../../src/cli/usage.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { buildLongLog } from './longLog.js';

let dir: string;
beforeAll(async () => {
  dir = await buildLongLog('read-progress');
});

const run = async (command: (argv: readonly string[], io: ReadIo) => Promise<ExitCode>, argv: readonly string[], isTTY: boolean) => {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const terminal: Terminal = { isTTY, columns: 120, write: (text) => stderr.push(text) };
  const code = await command([...argv, '--data-dir', dir], { env: {}, out: (text) => void stdout.push(text), terminal });
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
};

describe.each([
  ['audit', auditCommand, [], 'reading'],
  ['usage', usageCommand, [], 'reading'],
  ['keys list', keysCommand, ['list'], 'reading'],
  ['verify', verifyCommand, [], 'verifying'],
] as const)('keyledger %s', (_name, command, argv, label) => {
  it('on a terminal: a bar on stderr, erased at the end; the report on stdout has no escape', async () => {
    const r = await run(command, argv, true);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${label} \\[[#.]+\\] +\\d+% [\\d,]+ events`));
    expect(r.stderr.endsWith('\x1b[2K')).toBe(true);
    expect(r.stdout).not.toContain('\x1b');
    expect(r.stdout).not.toContain(label);
  });

  it('not on a terminal: nothing on stderr, the same report', async () => {
    const [tty, pipe] = [await run(command, argv, true), await run(command, argv, false)];
    expect(pipe.stderr).toBe('');
    expect(pipe.stdout).toBe(tty.stdout);
  });
});
