import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addPrincipal,
  generateAccessKeyId,
  generateSecretAccessKey,
  listPrincipals,
  loadPrincipals,
  principalLookup,
  principalsPath,
  removePrincipal,
} from '../../src/server/principals.js';
import { verifySigV4 } from '../../src/server/sigv4.js';
import { asSignedRequest, signKmsRequest } from './support/signing.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyledger-principals-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const ACCOUNT = '111122223333';

describe('principals file', () => {
  it('starts empty when there is no file', async () => {
    expect(await loadPrincipals(dir)).toEqual([]);
  });

  it('generates AWS-like keys', () => {
    for (let i = 0; i < 50; i++) {
      expect(generateAccessKeyId()).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(generateSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
    }
    expect(generateAccessKeyId()).not.toBe(generateAccessKeyId());
  });

  it('adds a principal, writes the file with mode 0600, and reads it back', async () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const admin = await addPrincipal(dir, { account: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:user/admin`, roles: ['admin'], now });
    expect(admin).toMatchObject({ account: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:user/admin`, createdAt: '2026-01-01T00:00:00.000Z', roles: ['admin'] });
    expect((await stat(principalsPath(dir))).mode & 0o777).toBe(0o600);
    expect(await loadPrincipals(dir)).toEqual([admin]);
    const root = await addPrincipal(dir, { account: ACCOUNT });
    expect(root.principalArn).toBe(`arn:aws:iam::${ACCOUNT}:root`);
    expect((await stat(principalsPath(dir))).mode & 0o777).toBe(0o600);
  });

  it('takes given keys, and refuses a duplicate access key id', async () => {
    const given = { account: ACCOUNT, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const p = await addPrincipal(dir, given);
    expect(p).toMatchObject(given);
    await expect(addPrincipal(dir, given)).rejects.toThrow('accessKeyId AKIAIOSFODNN7EXAMPLE already exists');
  });

  it.each([
    [{ account: '1234' }, 'account'],
    [{ account: ACCOUNT, principalArn: 'arn:aws:iam::999999999999:root' }, 'principalArn'],
    [{ account: ACCOUNT, principalArn: 'arn:aws:s3:::bucket' }, 'principalArn'],
    [{ account: ACCOUNT, accessKeyId: 'short' }, 'accessKeyId'],
    [{ account: ACCOUNT, secretAccessKey: 'has spaces in it, which is not allowed' }, 'secretAccessKey'],
  ])('refuses %j', async (spec, field) => {
    await expect(addPrincipal(dir, spec)).rejects.toThrow(field);
  });

  it('never names a secret in an error', async () => {
    const secret = 'bad secret with spaces 1234567890';
    await expect(addPrincipal(dir, { account: ACCOUNT, secretAccessKey: secret })).rejects.not.toThrow(secret);
  });

  it('lists without secrets unless asked', async () => {
    const p = await addPrincipal(dir, { account: ACCOUNT });
    const listed = await listPrincipals(dir);
    expect(listed).toEqual([{ accessKeyId: p.accessKeyId, principalArn: p.principalArn, account: ACCOUNT, createdAt: p.createdAt }]);
    expect(JSON.stringify(listed)).not.toContain(p.secretAccessKey);
    expect(await listPrincipals(dir, { includeSecrets: true })).toEqual([p]);
  });

  it('removes a principal', async () => {
    const a = await addPrincipal(dir, { account: ACCOUNT });
    const b = await addPrincipal(dir, { account: ACCOUNT });
    expect(await removePrincipal(dir, a.accessKeyId)).toBe(true);
    expect(await removePrincipal(dir, a.accessKeyId)).toBe(false);
    expect((await loadPrincipals(dir)).map((p) => p.accessKeyId)).toEqual([b.accessKeyId]);
  });

  it('writes atomically: a new file replaces the old one, and no temp file is left', async () => {
    await addPrincipal(dir, { account: ACCOUNT });
    const before = await stat(principalsPath(dir));
    await addPrincipal(dir, { account: ACCOUNT });
    const after = await stat(principalsPath(dir));
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(dir)).toEqual(['principals.json']);
  });

  it('serializes concurrent changes, losing none', async () => {
    const added = await Promise.all(Array.from({ length: 12 }, () => addPrincipal(dir, { account: ACCOUNT })));
    expect((await loadPrincipals(dir)).map((p) => p.accessKeyId).sort()).toEqual(added.map((p) => p.accessKeyId).sort());
  });

  it('refuses a file it did not write', async () => {
    await writeFile(principalsPath(dir), '{"principals":[]}');
    await expect(loadPrincipals(dir)).rejects.toThrow('not a keyledger principals file');
    await writeFile(principalsPath(dir), JSON.stringify({ version: 1, principals: [{ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x', principalArn: 'p', account: ACCOUNT, createdAt: 'now' }] }));
    await expect(loadPrincipals(dir)).rejects.toThrow('secretAccessKey of AKIAIOSFODNN7EXAMPLE');
  });

  it('keeps the file readable JSON with a version', async () => {
    await addPrincipal(dir, { account: ACCOUNT });
    const parsed = JSON.parse(await readFile(principalsPath(dir), 'utf8')) as { version: number; principals: unknown[] };
    expect(parsed.version).toBe(1);
    expect(parsed.principals).toHaveLength(1);
  });
});

describe('principalLookup', () => {
  it('finds a principal by access key id and feeds SigV4 verification', async () => {
    const p = await addPrincipal(dir, { account: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:role/app` });
    const lookup = principalLookup(await loadPrincipals(dir));
    expect(lookup(p.accessKeyId)).toEqual({ secretAccessKey: p.secretAccessKey, principalArn: p.principalArn, account: ACCOUNT });
    expect(lookup('AKIANOBODYNOBODY0000')).toBeUndefined();

    const now = new Date('2026-03-01T10:00:00Z');
    const signed = await signKmsRequest({ date: now, accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey, region: 'eu-central-1' });
    expect(verifySigV4(asSignedRequest(signed), { now, lookup })).toEqual({
      ok: true,
      value: { accessKeyId: p.accessKeyId, principalArn: p.principalArn, account: ACCOUNT, region: 'eu-central-1' },
    });
  });

  it("carries a principal's roles into the verified identity, and only its own", async () => {
    const auditor = await addPrincipal(dir, { account: ACCOUNT, principalArn: `arn:aws:iam::${ACCOUNT}:user/carol`, roles: ['auditor'] });
    const plain = await addPrincipal(dir, { account: ACCOUNT });
    const lookup = principalLookup(await loadPrincipals(dir));
    const now = new Date('2026-03-01T10:00:00Z');
    const verify = async (p: typeof auditor) =>
      verifySigV4(asSignedRequest(await signKmsRequest({ date: now, accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey })), { now, lookup });
    expect(await verify(auditor)).toMatchObject({ ok: true, value: { principalArn: auditor.principalArn, roles: ['auditor'] } });
    const other = await verify(plain);
    expect(other.ok && 'roles' in other.value).toBe(false);
  });
});
