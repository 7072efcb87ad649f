// The first start's admin access key: without one, nobody could call the server. It is
// generated (or taken from KEYLEDGER_ADMIN_ACCESS_KEY_ID / KEYLEDGER_ADMIN_SECRET_ACCESS_KEY,
// for CI and containers), stored in the principals file with role admin, and written as an AWS
// shared-credentials file `<dataDir>/credentials` (profile `keyledger`, mode 0600) that the AWS
// CLI and SDKs read through AWS_SHARED_CREDENTIALS_FILE.
//
// The credentials file is written before the principal: after a crash between the two, the
// next start finds no admin and writes both again, so the user is never left holding a key
// whose secret was printed to a terminal that is gone.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Principal, addPrincipal, generateAccessKeyId, generateSecretAccessKey, loadPrincipals } from '../server/principals.js';
import { CliError, messageOf, usageError } from './cliError.js';
import { ENV, type Env } from './settings.js';

export const CREDENTIALS_FILE = 'credentials';
export const CREDENTIALS_PROFILE = 'keyledger';

export interface AdminSetup {
  /** True when this start created the admin principal (the first start). */
  readonly created: boolean;
  readonly accessKeyId?: string;
  /** Only when generated on this start, to be shown once. Never when it came from the environment. */
  readonly secretAccessKey?: string;
  readonly fromEnv: boolean;
  readonly credentialsFile?: string;
}

/** Writes `text` to `path` with mode 0600, atomically (fresh temp file, fsync, rename). */
const writePrivateFile = async (path: string, text: string): Promise<void> => {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
    await file.close();
    await rename(temp, path);
  } catch (e) {
    await file.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw e;
  }
};

export const credentialsFileText = (account: string, accessKeyId: string, secretAccessKey: string): string =>
  [
    `# The admin access key of keyledger account ${account}, written on the server's first start.`,
    `# Use it with AWS_SHARED_CREDENTIALS_FILE=<this file> and --profile ${CREDENTIALS_PROFILE}.`,
    `[${CREDENTIALS_PROFILE}]`,
    `aws_access_key_id = ${accessKeyId}`,
    `aws_secret_access_key = ${secretAccessKey}`,
    '',
  ].join('\n');

export interface SuppliedAdmin {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The admin pair from the environment, if set; both or neither. */
export const adminFromEnv = (env: Env): SuppliedAdmin | undefined => {
  const accessKeyId = env[ENV.adminAccessKeyId];
  const secretAccessKey = env[ENV.adminSecretAccessKey];
  if (!accessKeyId && !secretAccessKey) return undefined;
  if (!accessKeyId || !secretAccessKey) throw usageError(`${ENV.adminAccessKeyId} and ${ENV.adminSecretAccessKey} must be set together`);
  return { accessKeyId, secretAccessKey };
};

/**
 * Makes sure the data directory has an admin; creates one (and the credentials file) on first
 * start — `supplied` (from adminFromEnv) when given, else a generated pair.
 */
export const ensureAdmin = async (dataDir: string, account: string, supplied: SuppliedAdmin | undefined): Promise<AdminSetup> => {
  let principals: Principal[];
  try {
    principals = await loadPrincipals(dataDir);
  } catch (e) {
    throw new CliError(`cannot read the principals file in ${dataDir}: ${messageOf(e)}`);
  }
  if (supplied !== undefined) {
    const existing = principals.find((p) => p.accessKeyId === supplied.accessKeyId);
    if (existing !== undefined) {
      if (existing.secretAccessKey !== supplied.secretAccessKey) {
        throw usageError(
          `${ENV.adminAccessKeyId} ${supplied.accessKeyId} already exists with a different secret. ` +
            `To replace it, run 'keyledger principals remove ${supplied.accessKeyId}' first.`,
        );
      }
      return { created: false, fromEnv: true, accessKeyId: supplied.accessKeyId };
    }
  } else if (principals.some((p) => p.roles?.includes('admin'))) {
    return { created: false, fromEnv: false };
  }
  const accessKeyId = supplied?.accessKeyId ?? generateAccessKeyId();
  const secretAccessKey = supplied?.secretAccessKey ?? generateSecretAccessKey();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const credentialsFile = join(dataDir, CREDENTIALS_FILE);
  await writePrivateFile(credentialsFile, credentialsFileText(account, accessKeyId, secretAccessKey));
  try {
    await addPrincipal(dataDir, { account, accessKeyId, secretAccessKey, roles: ['admin'] });
  } catch (e) {
    const message = messageOf(e);
    throw supplied ? usageError(`${ENV.adminAccessKeyId}/${ENV.adminSecretAccessKey}: ${message}`) : new CliError(message);
  }
  return {
    created: true,
    fromEnv: supplied !== undefined,
    accessKeyId,
    ...(supplied === undefined ? { secretAccessKey } : {}),
    credentialsFile,
  };
};
