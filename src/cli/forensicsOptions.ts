// What `keyledger verify`, `history` and `keys` share on their command lines: the data
// directory (resolved as for serve), the account and Region that a bare key id or alias name
// lives in, the key or alias asked about, --json, and their exit codes. They only read, so they
// take no lock and never create the data directory.
import { isKmsError } from '../domain/errors.js';
import { aliasArnOf, isRegion, keyArnOf, parseAliasName, parseKeyRef, type AliasArn, type AliasName, type KeyArn, type Scope } from '../domain/ids.js';
import { parseQueryTime } from '../domain/time.js';
import { ExitCode, messageOf, usageError } from './cliError.js';
import { twoColumns } from './options.js';
import type { Terminal } from './progressBar.js';
import { type CommonFlags, DEFAULTS, ENV, type Env, resolveCommonSettings } from './settings.js';

/** The Region of a bare key id or alias name when --region is not given. AWS's own default
 *  Region for examples; the server takes the Region from each request's signature instead. */
export const DEFAULT_REGION = 'us-east-1';

export const dataDirOptions = {
  'data-dir': {
    type: 'string',
    value: '<dir>',
    description: `Data directory (or a copy of one). Default ${ENV.dataDir},\nthen the config file, then ${DEFAULTS.dataDir}`,
  },
  config: { type: 'string', value: '<file>', description: `JSON config file, as for serve (also ${ENV.config}).` },
} as const;

export const scopeOptions = {
  account: {
    type: 'string',
    value: '<12 digits>',
    description: `Account of a bare key id or alias name. Default from the config file,\nthen ${DEFAULTS.account}`,
  },
  region: { type: 'string', value: '<region>', description: `Region of a bare key id or alias name. Default ${DEFAULT_REGION}` },
} as const;

export const jsonOption = { json: { type: 'boolean', description: 'Print one JSON document instead of text.' } } as const;

/** Where the read-only commands write: stdout for the report, stderr (when a terminal) for progress. */
export interface ReadIo {
  readonly env: Env;
  readonly out: (text: string) => void;
  readonly terminal?: Terminal;
}

export interface ScopeFlags extends CommonFlags {
  readonly region?: string | undefined;
}

export interface ReadSettings {
  /** Absolute. */
  readonly dataDir: string;
  /** Where a bare key id or alias name is looked up; an ARN names its own. */
  readonly scope: Scope;
}

export const resolveReadSettings = (flags: ScopeFlags, env: Env): ReadSettings => {
  const { dataDir, account } = resolveCommonSettings(flags, env);
  const region = flags.region === undefined || flags.region === '' ? DEFAULT_REGION : flags.region;
  if (!isRegion(region)) throw usageError(`--region must be a Region name such as ${DEFAULT_REGION}, got '${region}'`);
  return { dataDir, scope: { account, region } };
};

// The key or alias asked about, in any of the four forms DescribeKey accepts
// (reference/aws-kms-api.md §1.12). A bare id or name lives in the --account/--region scope; an
// ARN names its own, as it does for AWS.
export type ResourceRef =
  | { readonly kind: 'key'; readonly keyArn: KeyArn; readonly scope: Scope }
  | { readonly kind: 'alias'; readonly aliasArn: AliasArn; readonly aliasName: AliasName; readonly scope: Scope };

/** Parses what the user typed; a malformed reference is a usage error. */
export const parseResourceRef = (ref: string, defaultScope: Scope): ResourceRef => {
  try {
    const parsed = parseKeyRef(ref, true);
    switch (parsed.kind) {
      case 'keyId':
        return { kind: 'key', keyArn: keyArnOf(defaultScope, parsed.keyId), scope: defaultScope };
      case 'keyArn':
        return { kind: 'key', keyArn: keyArnOf(parsed.scope, parsed.keyId), scope: parsed.scope };
      case 'aliasName':
      case 'aliasArn': {
        const scope = parsed.kind === 'aliasArn' ? parsed.scope : defaultScope;
        const aliasName = parseAliasName(parsed.name);
        return { kind: 'alias', aliasArn: aliasArnOf(scope, aliasName), aliasName, scope };
      }
    }
  } catch (e) {
    // parseKeyRef speaks to API callers ("Invalid keyId …"); say what the command accepts.
    if (isKmsError(e)) {
      throw usageError(`'${ref}' is not a key id, key ARN, alias name (alias/…) or alias ARN (${messageOf(e)})`);
    }
    throw e;
  }
};

/** `value` of option `--flag` as an ISO-8601 UTC string; anything else is a usage error. */
export const parseIsoTime = (flag: string, value: string): string => {
  const time = parseQueryTime(value);
  if (time === undefined) throw usageError(`--${flag} must be an ISO-8601 time with Z or an offset (e.g. 2026-01-01T12:00:00Z), got '${value}'`);
  return time;
};

/** What a reference is called in messages: the ARN, which is unambiguous across scopes. */
export const refArn = (ref: ResourceRef): string => (ref.kind === 'key' ? ref.keyArn : ref.aliasArn);

/** The exit codes of the read-only commands (the server's "locked" never applies to them). */
export const readExitCodesHelp = twoColumns([
  [String(ExitCode.ok), 'success (verify: the log is intact as far as it can tell;\naudit --follow: stopped by SIGINT or SIGTERM)'],
  [String(ExitCode.failure), 'failure at run time (no store in the data directory, unreadable file)'],
  [String(ExitCode.usage), 'bad command line, environment or config file'],
  [String(ExitCode.notFound), 'the key or alias named never existed (history, keys describe)'],
  [String(ExitCode.tampered), 'verify found a broken link: the log was altered after it was written'],
]);

export const readSections = [{ title: 'Exit codes', body: readExitCodesHelp }] as const;
