// What a `keyledger` command tells its caller when it fails: a message for a human and an exit
// code a script can branch on. The codes are part of the command's interface (documented in
// every `--help`), so they never change meaning.

export const ExitCode = {
  ok: 0,
  /** Anything that went wrong at run time: I/O, a port in use, a store that will not open. */
  failure: 1,
  /** The command line or the config file is wrong; nothing was started or changed. */
  usage: 2,
  /** Another keyledger server holds the data directory. */
  locked: 3,
  /** The thing named (e.g. an access key id) does not exist. */
  notFound: 4,
  /** `keyledger verify` found a broken link: the log was tampered with (or damaged). */
  tampered: 5,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.usage);

export const isCliError = (e: unknown): e is CliError => e instanceof CliError;

/** The message of anything thrown, without its stack (stacks are for bugs, not for users). */
export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The errno code of a Node system error, if it is one. */
export const errnoCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
