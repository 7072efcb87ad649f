// The principals file, `<dataDir>/principals.json`: the access keys SigV4 requests are
// checked against, each bound to an IAM-style principal ARN and an account. It holds secrets,
// so it is written with mode 0600, atomically (a temp file in the same directory, fsynced,
// then renamed over the old one: readers see the old file or the new one, never half of
// either), and listing it never returns secrets unless asked to.
import { randomBytes, randomInt } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CredentialLookup } from './sigv4.js';

export type PrincipalRole = 'admin' | 'auditor';

export interface Principal {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly principalArn: string;
  readonly account: string;
  /** ISO 8601. */
  readonly createdAt: string;
  readonly roles?: readonly PrincipalRole[];
}

export type PrincipalSummary = Omit<Principal, 'secretAccessKey'>;

export interface NewPrincipal {
  readonly account: string;
  /** Default `arn:aws:iam::<account>:root`. */
  readonly principalArn?: string;
  /** Generated when absent (AKIA + 16 characters, like AWS's). */
  readonly accessKeyId?: string;
  /** Generated when absent (40 characters, like AWS's). */
  readonly secretAccessKey?: string;
  readonly roles?: readonly PrincipalRole[];
  readonly now?: Date;
}

interface PrincipalsFile {
  readonly version: 1;
  readonly principals: readonly Principal[];
}

export const PRINCIPALS_FILE = 'principals.json';
export const principalsPath = (dataDir: string): string => join(dataDir, PRINCIPALS_FILE);

const accessKeyIdPattern = /^\w{16,128}$/;
const secretPattern = /^[\x21-\x7e]{16,128}$/;
const accountPattern = /^\d{12}$/;
const principalArnPattern = /^arn:aws:iam::(\d{12}):(root|(user|role)\/[\w+=,.@/-]{1,512})$/;
const roles: readonly PrincipalRole[] = ['admin', 'auditor'];
const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const generateAccessKeyId = (): string => `AKIA${Array.from({ length: 16 }, () => base32[randomInt(32)]).join('')}`;
export const generateSecretAccessKey = (): string => randomBytes(30).toString('base64');

/** Throws with a message that names the field but never echoes a secret. */
const checkPrincipal = (p: Principal): Principal => {
  if (!accessKeyIdPattern.test(p.accessKeyId)) throw new Error(`accessKeyId must match ${accessKeyIdPattern}, got '${p.accessKeyId}'`);
  if (!secretPattern.test(p.secretAccessKey)) throw new Error(`secretAccessKey of ${p.accessKeyId} must be 16–128 printable ASCII characters`);
  if (!accountPattern.test(p.account)) throw new Error(`account of ${p.accessKeyId} must be 12 digits, got '${p.account}'`);
  const arn = principalArnPattern.exec(p.principalArn);
  if (!arn || arn[1] !== p.account) throw new Error(`principalArn of ${p.accessKeyId} must be an IAM ARN in account ${p.account}, got '${p.principalArn}'`);
  if (Number.isNaN(Date.parse(p.createdAt))) throw new Error(`createdAt of ${p.accessKeyId} is not a date`);
  if (p.roles !== undefined && (!Array.isArray(p.roles) || p.roles.some((r) => !roles.includes(r)))) {
    throw new Error(`roles of ${p.accessKeyId} must be a subset of ${roles.join(', ')}`);
  }
  return p;
};

const parseFile = (text: string, path: string): Principal[] => {
  const data = JSON.parse(text) as Partial<PrincipalsFile> | null;
  if (data?.version !== 1 || !Array.isArray(data.principals)) throw new Error(`${path}: not a keyledger principals file (version 1)`);
  const seen = new Set<string>();
  return data.principals.map((p) => {
    checkPrincipal(p);
    if (seen.has(p.accessKeyId)) throw new Error(`${path}: duplicate accessKeyId ${p.accessKeyId}`);
    seen.add(p.accessKeyId);
    return p;
  });
};

/** Every principal; none when the file does not exist yet. */
export const loadPrincipals = async (dataDir: string): Promise<Principal[]> => {
  const path = principalsPath(dataDir);
  try {
    return parseFile(await readFile(path, 'utf8'), path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
};

const writeAtomically = async (path: string, text: string): Promise<void> => {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  // 'wx' + 0600: created fresh, never through an existing file or link, never world-readable.
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } catch (e) {
    await file.close();
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await file.close();
  await rename(temp, path);
  const dir = await open(join(path, '..'), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
};

// Read-modify-write is serialized per file within this process; one process owns a data dir.
const queues = new Map<string, Promise<unknown>>();
const update = <T>(dataDir: string, change: (current: Principal[]) => { next: Principal[]; result: T }): Promise<T> => {
  const path = principalsPath(dataDir);
  const run = (queues.get(path) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const { next, result } = change(await loadPrincipals(dataDir));
    await writeAtomically(path, `${JSON.stringify({ version: 1, principals: next } satisfies PrincipalsFile, null, 2)}\n`);
    return result;
  });
  queues.set(path, run);
  return run;
};

export const addPrincipal = (dataDir: string, spec: NewPrincipal): Promise<Principal> =>
  update(dataDir, (current) => {
    const principal = checkPrincipal({
      accessKeyId: spec.accessKeyId ?? generateAccessKeyId(),
      secretAccessKey: spec.secretAccessKey ?? generateSecretAccessKey(),
      principalArn: spec.principalArn ?? `arn:aws:iam::${spec.account}:root`,
      account: spec.account,
      createdAt: (spec.now ?? new Date()).toISOString(),
      ...(spec.roles ? { roles: [...spec.roles] } : {}),
    });
    if (current.some((p) => p.accessKeyId === principal.accessKeyId)) throw new Error(`accessKeyId ${principal.accessKeyId} already exists`);
    return { next: [...current, principal], result: principal };
  });

/** True when a principal was removed. */
export const removePrincipal = (dataDir: string, accessKeyId: string): Promise<boolean> =>
  update(dataDir, (current) => {
    const next = current.filter((p) => p.accessKeyId !== accessKeyId);
    return { next, result: next.length !== current.length };
  });

export function listPrincipals(dataDir: string): Promise<PrincipalSummary[]>;
export function listPrincipals(dataDir: string, options: { includeSecrets: true }): Promise<Principal[]>;
export async function listPrincipals(dataDir: string, options?: { includeSecrets: true }): Promise<PrincipalSummary[] | Principal[]> {
  const all = await loadPrincipals(dataDir);
  if (options?.includeSecrets) return all;
  return all.map(({ secretAccessKey: _secret, ...summary }) => summary);
}

/** The credential lookup sigv4.ts wants, over a loaded set of principals. */
export const principalLookup = (principals: readonly Principal[]): CredentialLookup => {
  const byKey = new Map(principals.map((p) => [p.accessKeyId, p]));
  return (accessKeyId) => {
    const p = byKey.get(accessKeyId);
    return p && { secretAccessKey: p.secretAccessKey, principalArn: p.principalArn, account: p.account, ...(p.roles !== undefined ? { roles: p.roles } : {}) };
  };
};
