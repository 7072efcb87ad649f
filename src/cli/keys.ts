// `keyledger keys list|describe`: the keys of a data directory as the server would answer
// ListKeys and DescribeKey, computed offline by folding the log into the server's own views
// (readDataDir.ts). For a past state, `keyledger history`.
import type { KeyArn, Scope } from '../domain/ids.js';
import { keyMetadata } from '../service/keyMetadata.js';
import type { KeyMetadata } from '../service/shapes.js';
import { CliError, ExitCode, usageError } from './cliError.js';
import { dataDirOptions, jsonOption, parseResourceRef, readSections, resolveReadSettings, scopeOptions, type ReadIo } from './forensicsOptions.js';
import { withoutWrapped } from '../service/keyStateView.js';
import { type CommandSpec, helpText, parseCommand, twoColumns } from './options.js';
import { type FoldedViews, aliasNameOfArn, foldViews, withDataDir } from './readDataDir.js';
import { fields, table } from './table.js';

const keysOptions = { ...scopeOptions, ...jsonOption, ...dataDirOptions } as const;

const listSpec: CommandSpec<typeof keysOptions> = {
  usage: 'keyledger keys list [options]',
  summary: 'Lists the keys of one account and Region, oldest first: key id, ARN, state, creation date,\ndescription. Deleted keys are listed too, as Deleted.',
  options: keysOptions,
  sections: readSections,
};

const describeSpec: CommandSpec<typeof keysOptions> = {
  usage: 'keyledger keys describe <key-id|key-arn|alias/name|alias-arn> [options]',
  summary: "A key's KeyMetadata as DescribeKey returns it, and the aliases that name it.",
  options: keysOptions,
  positionals: { min: 1, max: 1 },
  sections: readSections,
};

const groupHelp = `Usage: keyledger keys [list|describe <key>] [options]

Reads the keys of a data directory (or a copy) without a server. 'list' is the default.

${twoColumns([
  ['list', 'key id, ARN, state, creation date, description'],
  ['describe <key>', "a key's KeyMetadata (as DescribeKey) and its aliases"],
])}

Run 'keyledger keys <subcommand> --help' for its options.
`;

const json = (value: unknown): string => `${JSON.stringify(value, withoutWrapped, 2)}\n`;

const list = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(listSpec, argv);
  if (parsed.help) return help(io, helpText(listSpec));
  const { dataDir, scope } = resolveReadSettings(parsed.values, io.env);
  const { keys } = await withDataDir(dataDir, foldViews, { terminal: io.terminal, label: 'reading' });
  const rows = keys.arnsIn(scope.account, scope.region).flatMap((arn) => {
    const key = keys.get(arn)?.key;
    if (key === undefined || key.status === 'Nonexistent') return [];
    return [{ KeyId: key.keyId, KeyArn: key.keyArn, KeyState: key.status, CreationDate: key.createdAt, Description: key.description }];
  });
  io.out(
    parsed.values.json === true
      ? json({ Keys: rows })
      : table(['KEY ID', 'ARN', 'STATE', 'CREATED', 'DESCRIPTION'], rows.map((k) => [k.KeyId, k.KeyArn, k.KeyState, k.CreationDate, k.Description])),
  );
  return ExitCode.ok;
};

/** The key a reference names now, or a notFound CliError that says why. */
const resolveLive = (views: FoldedViews, ref: string, scope: Scope) => {
  const parsed = parseResourceRef(ref, scope);
  let keyArn: string;
  if (parsed.kind === 'alias') {
    const alias = views.aliases.get(parsed.aliasArn)?.alias;
    if (alias?.status !== 'Active') throw new CliError(`alias ${parsed.aliasArn} does not exist${alias ? ' (any more; see keyledger history)' : ''}`, ExitCode.notFound);
    keyArn = `${parsed.aliasArn.slice(0, parsed.aliasArn.indexOf(':alias/'))}:key/${alias.targetKeyId}`;
  } else {
    keyArn = parsed.keyArn;
  }
  const key = views.keys.get(keyArn)?.key;
  if (key === undefined || key.status === 'Nonexistent') throw new CliError(`key ${keyArn} does not exist`, ExitCode.notFound);
  // AWS's DescribeKey no longer finds a deleted key; its past stays readable in the log.
  if (key.status === 'Deleted') throw new CliError(`key ${keyArn} was deleted at ${key.deletedAt} (keyledger history shows its past)`, ExitCode.notFound);
  return { keyArn: keyArn as KeyArn, key };
};

const metadataText = (metadata: KeyMetadata, aliases: readonly string[]): string =>
  fields([
    ...Object.entries(metadata).map(
      ([name, v]) => [name, v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(', ') : String(v)] as const,
    ),
    ['Aliases', aliases.join(', ')],
  ], 0);

const describe = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const parsed = parseCommand(describeSpec, argv);
  if (parsed.help) return help(io, helpText(describeSpec));
  const { dataDir, scope } = resolveReadSettings(parsed.values, io.env);
  const views = await withDataDir(dataDir, foldViews, { terminal: io.terminal, label: 'reading' });
  const { keyArn, key } = resolveLive(views, parsed.positionals[0] ?? '', scope);
  const metadata = keyMetadata(key);
  const aliases = views.aliases.aliasesOf(keyArn).map(aliasNameOfArn).sort();
  io.out(parsed.values.json === true ? json({ KeyMetadata: metadata, Aliases: aliases }) : metadataText(metadata, aliases));
  return ExitCode.ok;
};

const help = (io: ReadIo, text: string): ExitCode => {
  io.out(text);
  return ExitCode.ok;
};

const subcommands = { list, describe } as const;

/** `keyledger keys [list|describe <key>] …`; a bare `keys` (or `keys --json`) lists. */
export const keysCommand = async (argv: readonly string[], io: ReadIo): Promise<ExitCode> => {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') return help(io, groupHelp);
  if (name === undefined || name.startsWith('-')) return list(argv, io);
  if (!Object.hasOwn(subcommands, name)) throw usageError(`unknown subcommand 'keys ${name}'\n\n${groupHelp}`);
  return subcommands[name as keyof typeof subcommands](rest, io);
};
