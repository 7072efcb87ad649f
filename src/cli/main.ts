#!/usr/bin/env node
// The `keyledger` command. Thin on purpose: it picks the command, runs it, and turns what it
// returns or throws into an exit code. Each command lives in its own file under src/cli and is
// imported only when chosen, so `--help` and `principals` do not load the server and the store.
import { ExitCode, isCliError } from './cliError.js';
import { exitCodesHelp, twoColumns } from './options.js';

const mainHelp = `Usage: keyledger <command> [options]

A self-hosted key management service that speaks the AWS KMS API and keeps its whole state as
an immutable event log.

Commands:
${twoColumns([
  ['serve', 'run the KMS server (the default data directory is ./data)'],
  ['principals add', 'create an access key and print its secret, once'],
  ['principals list', 'list access keys (never their secrets)'],
  ['principals remove', 'delete an access key'],
  ['verify', 'check the log against its hash chains and signed checkpoints'],
  ['history <key|alias>', "a key's or alias's timeline and its state at an instant or position"],
  ['keys list', 'list the keys of a data directory, without a server'],
  ['keys describe <key>', "a key's KeyMetadata and aliases, without a server"],
  ['audit', 'the audit trail as CloudTrail records, filtered; JSON Lines to export;\n--follow to keep printing a running server\'s new records'],
  ['usage', 'how often each key was used, per day, operation or principal'],
  ['rebuild', 'replay the log into fresh projections; --reindex the store indexes'],
])}

Run 'keyledger <command> --help' for a command's options.

Exit codes:
${exitCodesHelp}
`;

const run = async (argv: readonly string[]): Promise<number> => {
  const [command, ...rest] = argv;
  const out = (text: string): void => void process.stdout.write(text);
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serveCommand(rest);
    case 'principals':
      return (await import('./principals.js')).principalsCommand(rest, { env: process.env, out });
    case 'verify':
      return (await import('./verify.js')).verifyCommand(rest, { env: process.env, out, terminal: process.stderr });
    case 'history':
      return (await import('./history.js')).historyCommand(rest, { env: process.env, out });
    case 'keys':
      return (await import('./keys.js')).keysCommand(rest, { env: process.env, out, terminal: process.stderr });
    case 'audit':
      return (await import('./audit.js')).auditCommand(rest, { env: process.env, out, terminal: process.stderr });
    case 'usage':
      return (await import('./usage.js')).usageCommand(rest, { env: process.env, out, terminal: process.stderr });
    case 'rebuild':
      return (await import('./rebuild.js')).rebuildCommand(rest, { env: process.env, out, terminal: process.stderr });
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(mainHelp);
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    default:
      process.stderr.write(`keyledger: unknown command '${command}'\n\n${mainHelp}`);
      return ExitCode.usage;
  }
};

/**
 * Exits once stdout and stderr have taken everything written to them. Into a pipe, Node writes
 * asynchronously on POSIX, and process.exit drops whatever a slower reader has not taken yet
 * (Node's process docs, "A note on process I/O") — the end of an `audit --jsonl | …` export.
 */
const exit = (code: number): void => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
};

// The reader has gone (`keyledger audit --follow --jsonl | head -n 5`): it has what it wanted,
// so stop, quietly, rather than write on into a closed pipe.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  process.exit(e.code === 'EPIPE' ? ExitCode.ok : ExitCode.failure);
});

run(process.argv.slice(2)).then(exit, (e: unknown) => {
  if (isCliError(e)) {
    process.stderr.write(`keyledger: ${e.message}\n`);
    exit(e.exitCode);
    return;
  }
  // Not a CliError: a bug. The stack helps us; it holds no request data (none is handled here).
  process.stderr.write(`keyledger: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  exit(ExitCode.failure);
});
