// Where every setting of `keyledger serve` and `keyledger principals` comes from, in one place:
// flags > environment > config file > defaults. Everything is checked here, before anything is
// opened or written, so a bad setting is a usage error (exit 2) that changed nothing.
//
// The config file (`--config <file>` or KEYLEDGER_CONFIG) is optional JSON. Unknown keys are
// errors, so a typo ("tlsCertificate") fails the start instead of silently serving plain HTTP.
// Relative paths in it are relative to the file itself, so a config works from any directory.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import { DEFAULT_COMMIT_WINDOW_MS, MAX_COMMIT_WINDOW_MS } from '../store/sqlite/commitWindow.js';
import { errnoCode, messageOf, usageError } from './cliError.js';

export const DEFAULTS = {
  dataDir: './data',
  host: '127.0.0.1',
  port: 4599,
  /** AWS's documentation account (docs.aws.amazon.com uses it in every example ARN). */
  account: '111122223333',
  schedulerIntervalSeconds: 60,
  checkpointIntervalSeconds: 3600,
  /** How long a commit may wait for more requests while others are writing (store/sqlite/commitWindow.ts). */
  commitWindowMs: DEFAULT_COMMIT_WINDOW_MS,
} as const;

export const ENV = {
  dataDir: 'KEYLEDGER_DATA_DIR',
  host: 'KEYLEDGER_HOST',
  port: 'KEYLEDGER_PORT',
  config: 'KEYLEDGER_CONFIG',
  rootKey: 'KEYLEDGER_ROOT_KEY',
  adminAccessKeyId: 'KEYLEDGER_ADMIN_ACCESS_KEY_ID',
  adminSecretAccessKey: 'KEYLEDGER_ADMIN_SECRET_ACCESS_KEY',
} as const;

export interface ConfigFile {
  readonly dataDir?: string;
  readonly host?: string;
  readonly port?: number;
  readonly account?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly insecurePlainHttpOnNonLoopback?: boolean;
  readonly schedulerIntervalSeconds?: number;
  readonly checkpointIntervalSeconds?: number;
  readonly commitWindowMs?: number;
}

type Kind = 'string' | 'number' | 'boolean';

/** Every key the file may hold, its JSON type, and whether it is a path; also the help text. */
export const configKeys: Readonly<Record<keyof ConfigFile, { readonly kind: Kind; readonly path?: true; readonly doc: string }>> = {
  dataDir: { kind: 'string', path: true, doc: 'data directory (as --data-dir)' },
  host: { kind: 'string', doc: 'address to listen on (as --host)' },
  port: { kind: 'number', doc: 'TCP port, 0 for any free one (as --port)' },
  account: { kind: 'string', doc: 'account id of the admin created on first start (as --account)' },
  tlsCert: { kind: 'string', path: true, doc: 'PEM certificate chain (as --tls-cert)' },
  tlsKey: { kind: 'string', path: true, doc: 'PEM private key (as --tls-key)' },
  insecurePlainHttpOnNonLoopback: { kind: 'boolean', doc: 'as --insecure-plain-http-on-non-loopback' },
  schedulerIntervalSeconds: { kind: 'number', doc: 'seconds between scheduler runs (as --scheduler-interval)' },
  checkpointIntervalSeconds: { kind: 'number', doc: 'seconds between signed checkpoints (as --checkpoint-interval)' },
  commitWindowMs: { kind: 'number', doc: 'ms a commit may wait for more requests (as --commit-window)' },
};

const isKey = (key: string): key is keyof ConfigFile => Object.hasOwn(configKeys, key);

/** Reads and checks a config file; every problem is a usage error naming the file. */
export const loadConfigFile = (file: string): ConfigFile => {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(errnoCode(e) === 'ENOENT' ? `config file ${path} does not exist` : `cannot read config file ${path}: ${messageOf(e)}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw usageError(`config file ${path} is not valid JSON: ${messageOf(e)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw usageError(`config file ${path} must hold a JSON object`);
  const config: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!isKey(key)) throw usageError(`config file ${path}: unknown key "${key}" (known: ${Object.keys(configKeys).join(', ')})`);
    const spec = configKeys[key];
    if (typeof value !== spec.kind) throw usageError(`config file ${path}: "${key}" must be a ${spec.kind}`);
    config[key] = spec.path === true ? resolve(dirname(path), value as string) : (value as string | number | boolean);
  }
  return config as ConfigFile;
};

/** The "Config file" section of `serve --help`. */
export const configFileHelp = (): string =>
  [
    '  A JSON object; every key is optional. Relative paths are relative to the file.',
    ...Object.entries(configKeys).map(([key, spec]) => `    ${`"${key}"`.padEnd(34)}${spec.kind.padEnd(8)} ${spec.doc}`),
    '  Example: {"dataDir": "/var/lib/keyledger", "host": "0.0.0.0", "port": 4599,',
    '            "tlsCert": "tls/cert.pem", "tlsKey": "tls/key.pem"}',
  ].join('\n');

export type Env = Readonly<Record<string, string | undefined>>;

/** Flags as the commands hand them over (absent when not given). */
export interface CommonFlags {
  readonly config?: string | undefined;
  readonly 'data-dir'?: string | undefined;
  readonly account?: string | undefined;
}

export interface ServeFlags extends CommonFlags {
  readonly host?: string | undefined;
  readonly port?: string | undefined;
  readonly 'tls-cert'?: string | undefined;
  readonly 'tls-key'?: string | undefined;
  readonly 'insecure-plain-http-on-non-loopback'?: boolean | undefined;
  readonly 'scheduler-interval'?: string | undefined;
  readonly 'checkpoint-interval'?: string | undefined;
  readonly 'commit-window'?: string | undefined;
}

export interface CommonSettings {
  /** Absolute. */
  readonly dataDir: string;
  readonly account: string;
}

export interface ServeSettings extends CommonSettings {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly schedulerIntervalSeconds: number;
  readonly checkpointIntervalSeconds: number;
  /** Default DEFAULTS.commitWindowMs. */
  readonly commitWindowMs?: number;
}

const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

const configOf = (flags: CommonFlags, env: Env): ConfigFile => {
  const file = nonEmpty(flags.config) ?? nonEmpty(env[ENV.config]);
  return file === undefined ? {} : loadConfigFile(file);
};

const parseAccount = (account: string): string => {
  if (!/^\d{12}$/.test(account)) throw usageError(`account must be 12 digits, got '${account}'`);
  return account;
};

const parsePort = (port: string | number, source: string): number => {
  const n = typeof port === 'number' ? port : /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw usageError(`${source} must be a port number 0–65535, got '${port}'`);
  return n;
};

const parseInterval = (value: string | number): number => {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 86_400) throw usageError(`scheduler interval must be whole seconds 1–86400, got '${value}'`);
  return n;
};

const parseCommitWindow = (value: string | number): number => {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > MAX_COMMIT_WINDOW_MS) {
    throw usageError(`commit window must be milliseconds 0–${MAX_COMMIT_WINDOW_MS}, got '${value}'`);
  }
  return n;
};

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`; any other name may resolve anywhere. */
export const isLoopback = (host: string): boolean => {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare) || /^(0{1,4}:){7}0{0,3}1$/.test(bare);
  return false;
};

export const resolveCommonSettings = (flags: CommonFlags, env: Env, config: ConfigFile = configOf(flags, env)): CommonSettings => ({
  dataDir: resolve(nonEmpty(flags['data-dir']) ?? nonEmpty(env[ENV.dataDir]) ?? config.dataDir ?? DEFAULTS.dataDir),
  account: parseAccount(nonEmpty(flags.account) ?? config.account ?? DEFAULTS.account),
});

export const resolveServeSettings = (flags: ServeFlags, env: Env): ServeSettings => {
  const config = configOf(flags, env);
  const common = resolveCommonSettings(flags, env, config);
  const host = nonEmpty(flags.host) ?? nonEmpty(env[ENV.host]) ?? config.host ?? DEFAULTS.host;
  const portFlag = nonEmpty(flags.port);
  const portEnv = nonEmpty(env[ENV.port]);
  const port =
    portFlag !== undefined ? parsePort(portFlag, '--port')
    : portEnv !== undefined ? parsePort(portEnv, ENV.port)
    : config.port !== undefined ? parsePort(config.port, 'config "port"')
    : DEFAULTS.port;
  const certFile = nonEmpty(flags['tls-cert']) ?? config.tlsCert;
  const keyFile = nonEmpty(flags['tls-key']) ?? config.tlsKey;
  if ((certFile === undefined) !== (keyFile === undefined)) throw usageError('--tls-cert and --tls-key must be given together');
  const insecure = flags['insecure-plain-http-on-non-loopback'] ?? config.insecurePlainHttpOnNonLoopback ?? false;
  if (certFile === undefined && !isLoopback(host) && !insecure) {
    throw usageError(
      `refusing to serve plain HTTP on ${host}, which is not a loopback address: anyone on the network could read ` +
        'plaintexts and data keys. Give --tls-cert and --tls-key, or, if something else terminates TLS in front of ' +
        'keyledger, say so with --insecure-plain-http-on-non-loopback.',
    );
  }
  const interval = nonEmpty(flags['scheduler-interval']) ?? config.schedulerIntervalSeconds ?? DEFAULTS.schedulerIntervalSeconds;
  return {
    ...common,
    host,
    port,
    ...(certFile !== undefined && keyFile !== undefined ? { tls: { certFile: resolve(certFile), keyFile: resolve(keyFile) } } : {}),
    schedulerIntervalSeconds: parseInterval(interval),
    checkpointIntervalSeconds: parseInterval(
      nonEmpty(flags['checkpoint-interval']) ?? config.checkpointIntervalSeconds ?? DEFAULTS.checkpointIntervalSeconds,
    ),
    commitWindowMs: parseCommitWindow(nonEmpty(flags['commit-window']) ?? config.commitWindowMs ?? DEFAULTS.commitWindowMs),
  };
};
