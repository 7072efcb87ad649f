// The command line of `keyledger serve`: its options and its `--help`, in one table.
import { CREDENTIALS_FILE, CREDENTIALS_PROFILE } from './adminCredentials.js';
import { LOCK_FILE } from './dataDirLock.js';
import { type CommandSpec, exitCodesHelp } from './options.js';
import { DEFAULTS, ENV, configFileHelp } from './settings.js';

export const STORE_FILE = 'keyledger.db';
/** The audit public key (PEM) that `keyledger verify` checks checkpoints with; written with the first checkpoint. */
export const AUDIT_PUBLIC_KEY_FILE = 'audit-key.pub';
export const ROOT_KEY_FILE = 'root.key';

export const serveOptions = {
  'data-dir': {
    type: 'string',
    value: '<dir>',
    description: `Data directory: event log, key vault, access keys. Default ${DEFAULTS.dataDir}`,
  },
  host: {
    type: 'string',
    value: '<address>',
    description: `Address to listen on. Default ${DEFAULTS.host}.\nAnything but loopback needs TLS (or the flag below).`,
  },
  port: { type: 'string', value: '<port>', description: `TCP port; 0 picks a free one. Default ${DEFAULTS.port}` },
  account: {
    type: 'string',
    value: '<12 digits>',
    description: `Account of the admin access key created on first start.\nDefault ${DEFAULTS.account}, the account AWS's documentation uses.`,
  },
  'tls-cert': { type: 'string', value: '<file>', description: 'PEM certificate (chain) to serve HTTPS with; needs --tls-key.' },
  'tls-key': { type: 'string', value: '<file>', description: 'PEM private key of --tls-cert.' },
  'insecure-plain-http-on-non-loopback': {
    type: 'boolean',
    description: 'Serve plain HTTP on a non-loopback address. Only behind something\nthat terminates TLS: plaintexts and data keys cross this connection.',
  },
  'scheduler-interval': {
    type: 'string',
    value: '<seconds>',
    description: `How often due rotations and deletions are applied (also once at start).\nDefault ${DEFAULTS.schedulerIntervalSeconds}`,
  },
  'checkpoint-interval': {
    type: 'string',
    value: '<seconds>',
    description: `How often a signed checkpoint of the log is appended (also at start and\nat clean shutdown). Default ${DEFAULTS.checkpointIntervalSeconds}`,
  },
  'commit-window': {
    type: 'string',
    value: '<ms>',
    description: `While several clients write, how long a commit may wait for more requests\nso that one fsync carries them all (less CPU per request, a little more\nlatency); 0 commits at once. A lone client is never held. Default ${DEFAULTS.commitWindowMs}`,
  },
  config: { type: 'string', value: '<file>', description: `JSON config file (keys below). Also ${ENV.config}.` },
} as const;

const environmentHelp = [
  `  ${ENV.dataDir}, ${ENV.host}, ${ENV.port}`,
  '      as --data-dir, --host, --port. Precedence: flags > environment > config file > defaults.',
  `  ${ENV.rootKey}`,
  `      The root key (32 bytes, standard base64). When unset, <data-dir>/${ROOT_KEY_FILE} is used,`,
  '      and generated on first start (fine for a laptop or CI; production supplies it from outside).',
  `  ${ENV.adminAccessKeyId}, ${ENV.adminSecretAccessKey}`,
  '      The admin access key to create on first start instead of a generated one (CI, containers).',
].join('\n');

const filesHelp = [
  `  ${STORE_FILE}      the event log and the key vault (SQLite)`,
  `  ${ROOT_KEY_FILE}          the generated root key, when ${ENV.rootKey} is not set`,
  '  principals.json   access keys (SigV4); managed with `keyledger principals`, reloaded live',
  `  ${CREDENTIALS_FILE}       the first admin key as an AWS shared-credentials file (profile ${CREDENTIALS_PROFILE})`,
  `  ${LOCK_FILE}              the pid of the server using the directory (one server per directory)`,
  `  ${AUDIT_PUBLIC_KEY_FILE}     the public key that verifies the log's signed checkpoints (keyledger verify)`,
].join('\n');

export const serveSpec: CommandSpec<typeof serveOptions> = {
  usage: 'keyledger serve [options]',
  summary:
    'Serves the AWS KMS API (JSON 1.1 over HTTP, SigV4) on the embedded SQLite store. The first start\n' +
    'creates the root key and an admin access key and prints how to use them; later starts print the\n' +
    'endpoint. SIGTERM or SIGINT stop it gracefully; SIGHUP rereads the access keys.',
  options: serveOptions,
  sections: [
    { title: 'Environment', body: environmentHelp },
    { title: 'Config file', body: configFileHelp() },
    { title: 'Files in the data directory', body: filesHelp },
    { title: 'Exit codes', body: exitCodesHelp },
  ],
};
