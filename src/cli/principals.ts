// `keyledger principals add|list|remove`: the access keys SigV4 requests are checked against
// (`<data-dir>/principals.json`). A running server picks changes up within moments.
// A secret is printed once, by `add`; `list` never prints one.
import { mkdirSync } from 'node:fs';
import { type PrincipalRole, type PrincipalSummary, addPrincipal, listPrincipals, principalsPath, removePrincipal } from '../server/principals.js';
import { CliError, ExitCode, errnoCode, messageOf, usageError } from './cliError.js';
import { type CommandSpec, exitCodesHelp, helpText, parseCommand, twoColumns } from './options.js';
import { DEFAULTS, ENV, type Env, resolveCommonSettings } from './settings.js';

export interface PrincipalsIo {
  readonly env: Env;
  readonly out: (text: string) => void;
}

const common = {
  'data-dir': { type: 'string', value: '<dir>', description: `Data directory. Default ${ENV.dataDir}, then the config file, then ${DEFAULTS.dataDir}` },
  config: { type: 'string', value: '<file>', description: `JSON config file, as for serve (also ${ENV.config}).` },
} as const;
const json = { type: 'boolean', description: 'Print JSON instead of text.' } as const;
const sections = [{ title: 'Exit codes', body: exitCodesHelp }];

const addOptions = {
  account: { type: 'string', value: '<12 digits>', description: `Account of the principal. Default from the config file, then ${DEFAULTS.account}` },
  'principal-arn': {
    type: 'string',
    value: '<arn>',
    description: 'arn:aws:iam::<account>:user/<name>, …:role/<name> or …:root. Default …:root',
  },
  role: { type: 'string', value: '<role>', multiple: true, description: 'admin or auditor; repeat for both. Default none.' },
  'access-key-id': { type: 'string', value: '<id>', description: 'Use this id instead of a generated one. The secret is always generated.' },
  json,
  ...common,
} as const;

const addSpec: CommandSpec<typeof addOptions> = {
  usage: 'keyledger principals add [options]',
  summary: 'Creates an access key (AKIA… id, 40-character secret) and prints the secret. It is shown only this once.',
  options: addOptions,
  sections,
};

const listOptions = { json, ...common } as const;
const listSpec: CommandSpec<typeof listOptions> = {
  usage: 'keyledger principals list [options]',
  summary: 'Lists the access keys: id, account, principal, roles, creation time. Never a secret.',
  options: listOptions,
  sections,
};

const removeSpec: CommandSpec<typeof common> = {
  usage: 'keyledger principals remove <access-key-id> [options]',
  summary: 'Deletes an access key; a running server refuses it from then on.',
  options: common,
  positionals: { min: 1, max: 1 },
  sections,
};

const groupHelp = `Usage: keyledger principals <add|list|remove> [options]

Manages the access keys of a data directory (principals.json).

${twoColumns([
  ['add', 'create an access key and print its secret, once'],
  ['list', 'list access keys (never their secrets)'],
  ['remove <access-key-id>', 'delete an access key'],
])}

Run 'keyledger principals <subcommand> --help' for its options.
`;

const roleOf = (role: string): PrincipalRole => {
  if (role !== 'admin' && role !== 'auditor') throw usageError(`--role must be admin or auditor, got '${role}'`);
  return role;
};

const add = async (argv: readonly string[], io: PrincipalsIo): Promise<ExitCode> => {
  const parsed = parseCommand(addSpec, argv);
  if (parsed.help) return help(io, helpText(addSpec));
  const { values } = parsed;
  const { dataDir, account } = resolveCommonSettings(values, io.env);
  const roles = (values.role ?? []).map(roleOf);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const principal = await addPrincipal(dataDir, {
    account,
    ...(values['principal-arn'] !== undefined ? { principalArn: values['principal-arn'] } : {}),
    ...(values['access-key-id'] !== undefined ? { accessKeyId: values['access-key-id'] } : {}),
    ...(roles.length > 0 ? { roles: [...new Set(roles)] } : {}),
  }).catch((e: unknown) => {
    // I/O errors carry an errno code; the rest are the module's checks of what was asked for,
    // whose messages name the field and never echo a secret.
    throw errnoCode(e) !== undefined ? new CliError(messageOf(e)) : usageError(messageOf(e));
  });
  if (values.json === true) {
    io.out(`${JSON.stringify(principal, null, 2)}\n`);
  } else {
    io.out(
      [
        `Created access key ${principal.accessKeyId} for ${principal.principalArn}${principal.roles ? ` (roles: ${principal.roles.join(', ')})` : ''}.`,
        `  AWS_ACCESS_KEY_ID=${principal.accessKeyId}`,
        `  AWS_SECRET_ACCESS_KEY=${principal.secretAccessKey}    (shown only this once)`,
        '',
      ].join('\n'),
    );
  }
  return ExitCode.ok;
};

const table = (rows: readonly PrincipalSummary[]): string => {
  const lines = [['ACCESS KEY ID', 'ACCOUNT', 'PRINCIPAL', 'ROLES', 'CREATED']].concat(
    rows.map((p) => [p.accessKeyId, p.account, p.principalArn, p.roles?.join(',') ?? '-', p.createdAt]),
  );
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
};

const list = async (argv: readonly string[], io: PrincipalsIo): Promise<ExitCode> => {
  const parsed = parseCommand(listSpec, argv);
  if (parsed.help) return help(io, helpText(listSpec));
  const { dataDir } = resolveCommonSettings(parsed.values, io.env);
  const principals = await listPrincipals(dataDir).catch((e: unknown) => {
    throw new CliError(`cannot read ${principalsPath(dataDir)}: ${messageOf(e)}`);
  });
  io.out(parsed.values.json === true ? `${JSON.stringify(principals, null, 2)}\n` : table(principals));
  return ExitCode.ok;
};

const remove = async (argv: readonly string[], io: PrincipalsIo): Promise<ExitCode> => {
  const parsed = parseCommand(removeSpec, argv);
  if (parsed.help) return help(io, helpText(removeSpec));
  const { dataDir } = resolveCommonSettings(parsed.values, io.env);
  const accessKeyId = parsed.positionals[0] ?? '';
  if (!(await removePrincipal(dataDir, accessKeyId))) {
    throw new CliError(`no access key ${accessKeyId} in ${principalsPath(dataDir)}`, ExitCode.notFound);
  }
  io.out(`Removed access key ${accessKeyId}.\n`);
  return ExitCode.ok;
};

const help = (io: PrincipalsIo, text: string): ExitCode => {
  io.out(text);
  return ExitCode.ok;
};

const subcommands = { add, list, remove } as const;

/** `keyledger principals <add|list|remove> …`. */
export const principalsCommand = async (argv: readonly string[], io: PrincipalsIo): Promise<ExitCode> => {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.out(groupHelp);
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') return help(io, groupHelp);
  if (!Object.hasOwn(subcommands, name)) throw usageError(`unknown subcommand 'principals ${name}'\n\n${groupHelp}`);
  return subcommands[name as keyof typeof subcommands](rest, io);
};
