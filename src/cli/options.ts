// Command-line parsing for every `keyledger` command: one table per command gives both the
// parser configuration and the `--help` text, so the help can never forget an option.
// The parser is Node's own util.parseArgs (stable since Node 20), chosen over commander or yargs
// on purpose: it is maintained with Node itself, it is strict (an unknown or misspelt option is
// an error instead of being ignored), and the help comes from our tables anyway — a framework
// would add its own help and subcommand layer that we would then have to bend to ours.
import { parseArgs } from 'node:util';
import { ExitCode, messageOf, usageError } from './cliError.js';
import { twoColumns } from './table.js';

// Help texts are laid out like the read-only commands' output; re-exported for the commands' help.
export { twoColumns };

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** The placeholder in the help, e.g. `<dir>`. */
  readonly value?: string;
  /** May be given more than once (values arrive as an array). */
  readonly multiple?: boolean;
  /** One or more lines; the help indents them under each other. */
  readonly description: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<T extends OptionTable> {
  /** e.g. `keyledger serve [options]`. */
  readonly usage: string;
  readonly summary: string;
  readonly options: T;
  /** Positional arguments allowed, e.g. `{ min: 1, max: 1 }`. Default none. */
  readonly positionals?: { readonly min: number; readonly max: number };
  /** Sections after the options (environment, config file, exit codes). */
  readonly sections?: readonly { readonly title: string; readonly body: string }[];
}

type ValueOf<S extends OptionSpec> = S['type'] extends 'boolean'
  ? S['multiple'] extends true ? boolean[] : boolean
  : S['multiple'] extends true ? string[] : string;

export type OptionValues<T extends OptionTable> = { readonly [K in keyof T]?: ValueOf<T[K]> };

export type Parsed<T extends OptionTable> =
  | { readonly help: true }
  | { readonly help: false; readonly values: OptionValues<T>; readonly positionals: readonly string[] };

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'Show this help and exit.' };

/** Parses `argv` (the words after the command name) against `spec`; usage errors are CliErrors. */
export const parseCommand = <T extends OptionTable>(spec: CommandSpec<T>, argv: readonly string[]): Parsed<T> => {
  const table: OptionTable = { ...spec.options, help: HELP };
  const options = Object.fromEntries(
    Object.entries(table).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short !== undefined ? { short: o.short } : {}), ...(o.multiple === true ? { multiple: true } : {}) },
    ]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (e) {
    throw usageError(`${messageOf(e)}\nRun '${commandOf(spec)} --help' for the options.`);
  }
  if (parsed.values['help'] === true) return { help: true };
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  const count = parsed.positionals.length;
  if (count < min || count > max) {
    const extra = count > max ? `unexpected argument '${parsed.positionals[max] ?? ''}'` : 'missing argument';
    throw usageError(`${extra}\nUsage: ${spec.usage}`);
  }
  const { help: _help, ...values } = parsed.values;
  return { help: false, values: values as OptionValues<T>, positionals: parsed.positionals };
};

const commandOf = (spec: CommandSpec<OptionTable>): string => spec.usage.replace(/\s+[[<].*$/, '');

const flagOf = (name: string, o: OptionSpec): string =>
  `${o.short !== undefined ? `-${o.short}, ` : '    '}--${name}${o.value !== undefined ? ` ${o.value}` : ''}`;

export const helpText = <T extends OptionTable>(spec: CommandSpec<T>): string => {
  const table: OptionTable = { ...spec.options, help: HELP };
  const rows = Object.entries(table).map(([name, o]) => [flagOf(name, o), o.description] as const);
  const sections = (spec.sections ?? []).map((s) => `${s.title}:\n${s.body}`);
  return [`Usage: ${spec.usage}`, spec.summary, `Options:\n${twoColumns(rows)}`, ...sections].join('\n\n') + '\n';
};

/** The "Exit codes" section of every help text. */
export const exitCodesHelp = twoColumns([
  [String(ExitCode.ok), 'success (serve: stopped cleanly after SIGTERM/SIGINT)'],
  [String(ExitCode.failure), 'failure at run time (I/O, port in use, store error)'],
  [String(ExitCode.usage), 'bad command line, environment or config file; nothing was changed'],
  [String(ExitCode.locked), 'another keyledger server is using the data directory'],
  [String(ExitCode.notFound), 'what was named (an access key, a key, an alias) does not exist'],
  [String(ExitCode.tampered), 'verify found the log tampered with'],
]);
