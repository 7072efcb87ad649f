// Runs the real AWS CLI v2 (Debian's /usr/bin/aws — an older v1 may be first on PATH, and it
// mishandles blobs) against a keyledger endpoint, in an environment that holds nothing of the
// developer's own AWS setup.
//
// Debian 12's awscli (2.9) predates RotateKeyOnDemand and ListKeyRotations (2024). Rather
// than skip them, the CLI is given AWS's model of those two operations the way the CLI itself
// supports extending its models: a service-2.json under AWS_DATA_PATH, here the installed
// model plus fixtures/kmsCliModelAdditions.json. A newer CLI already has them and gets nothing.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanEnv } from './child.js';
import { ADMIN, REGION, tempDir } from './repo.js';

export const AWS_CLI = '/usr/bin/aws';
export const hasAwsCli = existsSync(AWS_CLI);
export const SKIP_REASON = `${AWS_CLI} (AWS CLI v2) is not installed: the AWS CLI tests are SKIPPED. Install it with 'apt-get install awscli' (CI does).`;

const run = promisify(execFile);

const INSTALLED_MODEL = '/usr/lib/python3/dist-packages/awscli/botocore/data/kms/2014-11-01/service-2.json';

interface Model {
  operations: Record<string, unknown>;
  shapes: Record<string, unknown>;
}

let dataPath: string | undefined;
/** An AWS_DATA_PATH with the two 2024 operations, or undefined when the CLI needs none. */
const modelPath = (): string | undefined => {
  if (dataPath !== undefined || !existsSync(INSTALLED_MODEL)) return dataPath;
  const model = JSON.parse(readFileSync(INSTALLED_MODEL, 'utf8')) as Model;
  if ('RotateKeyOnDemand' in model.operations) return undefined;
  const additions = JSON.parse(readFileSync(new URL('../fixtures/kmsCliModelAdditions.json', import.meta.url), 'utf8')) as Model;
  const dir = tempDir('awsdata');
  mkdirSync(join(dir, 'kms', '2014-11-01'), { recursive: true });
  const merged = { ...model, operations: { ...model.operations, ...additions.operations }, shapes: { ...additions.shapes, ...model.shapes } };
  writeFileSync(join(dir, 'kms', '2014-11-01', 'service-2.json'), JSON.stringify(merged));
  dataPath = dir;
  return dataPath;
};

export interface AwsResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AwsOptions {
  readonly endpoint: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** The CLI's own environment: no config or credentials files of the user, no pager. */
let home: string | undefined;
export const awsEnv = (extra: Readonly<Record<string, string>> = {}): Record<string, string> => {
  const path = modelPath();
  const isolated = (home ??= tempDir('awshome'));
  return cleanEnv({
    AWS_CONFIG_FILE: join(isolated, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(isolated, 'credentials'),
    AWS_DEFAULT_REGION: REGION,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(path !== undefined ? { AWS_DATA_PATH: path } : {}),
    ...extra,
  });
};

/** `aws kms <args> --endpoint-url … --output json` (unless args choose an output), admin credentials unless `env` says otherwise. */
export const aws = async (args: readonly string[], options: AwsOptions): Promise<AwsResult> => {
  const env = awsEnv({ AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, ...options.env });
  try {
    const output = args.includes('--output') ? [] : ['--output', 'json'];
    const { stdout, stderr } = await run(AWS_CLI, ['kms', ...args, '--endpoint-url', options.endpoint, ...output], {
      env,
      cwd: options.cwd,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
};

/** Parses the JSON the CLI printed; fails with the CLI's stderr when it did not succeed. */
export const awsJson = async <T>(args: readonly string[], options: AwsOptions): Promise<T> => {
  const r = await aws(args, options);
  if (r.code !== 0) throw new Error(`aws kms ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
};
