// What `keyledger serve` prints on stdout once it listens: on the first start, everything a
// user needs to make the first call (endpoint, the admin credentials once, a line to paste);
// on later starts, the endpoint only. Pure: the caller decides where the text goes.
import { isAbsolute, relative, sep } from 'node:path';
import type { RootKeySource } from '../crypto/rootKey.js';
import type { AdminSetup } from './adminCredentials.js';
import { CREDENTIALS_PROFILE } from './adminCredentials.js';
import { ENV } from './settings.js';

export interface BannerFacts {
  readonly endpoint: string;
  readonly account: string;
  readonly admin: AdminSetup;
  readonly rootKeySource: RootKeySource;
  readonly rootKeyFile: string;
  readonly tlsCertFile?: string;
  readonly cwd: string;
}

/** The region the example uses; any region works (it selects a partition of keys). */
export const EXAMPLE_REGION = 'us-east-1';

/** `./data/credentials` for paths under the working directory, else the absolute path. */
export const displayPath = (path: string, cwd: string): string => {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? `.${sep}${rel}` : path;
};

/** Quotes a word for POSIX shells when it needs it. */
export const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

export const listeningLine = (endpoint: string): string => `keyledger is listening on ${endpoint}`;

const rootKeyWarning = (file: string): string[] => [
  '',
  '!!! WARNING: a new root key was generated and stored beside the data, in',
  `!!!   ${file}`,
  '!!! Whoever holds this file and a copy of the data directory can decrypt everything.',
  `!!! Fine for a laptop or CI. In production, supply the root key from outside with ${ENV.rootKey}`,
  '!!! (32 random bytes, base64) from a secrets manager, and keep this file out of backups.',
];

export const startBanner = (facts: BannerFacts): string => {
  const lines = [listeningLine(facts.endpoint)];
  if (facts.rootKeySource === 'generated') lines.push(...rootKeyWarning(displayPath(facts.rootKeyFile, facts.cwd)));
  const { admin } = facts;
  if (admin.created && admin.credentialsFile !== undefined && admin.accessKeyId !== undefined) {
    const credentials = displayPath(admin.credentialsFile, facts.cwd);
    lines.push('', `Admin access key of account ${facts.account} (profile ${CREDENTIALS_PROFILE} in ${credentials}, mode 0600):`);
    lines.push(`  AWS_ACCESS_KEY_ID=${admin.accessKeyId}`);
    lines.push(
      admin.secretAccessKey !== undefined
        ? `  AWS_SECRET_ACCESS_KEY=${admin.secretAccessKey}    (shown only this once)`
        : `  AWS_SECRET_ACCESS_KEY=<from ${ENV.adminSecretAccessKey}, not shown>`,
    );
    const ca = facts.tlsCertFile !== undefined ? `AWS_CA_BUNDLE=${shellWord(displayPath(facts.tlsCertFile, facts.cwd))} ` : '';
    lines.push(
      '',
      'Try it:',
      `  ${ca}AWS_SHARED_CREDENTIALS_FILE=${shellWord(credentials)} aws kms create-key --endpoint-url ${facts.endpoint} --region ${EXAMPLE_REGION} --profile ${CREDENTIALS_PROFILE}`,
    );
    if (ca !== '') lines.push('  (AWS_CA_BUNDLE is only needed when the certificate is not signed by a CA your system trusts.)');
  }
  return `${lines.join('\n')}\n`;
};
