// `keyledger audit`, `usage` and `rebuild` from the real binary, on a data directory written by the real
// service (SQLite, then closed): allowed, denied (DisabledException), invalid and read requests,
// a ReEncrypt refused by its destination, and one request refused at the edge. Every request id
// issued has exactly one CloudTrail record; no output ever holds the plaintext, its base64, the
// ciphertext or wrapped key material. Usage errors run in-process.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditCommand } from '../../src/cli/audit.js';
import { usageCommand } from '../../src/cli/usage.js';
import type { CloudTrailRecord } from '../../src/projections/auditTrail.js';
import { Keyledger } from '../../src/service/keyledger.js';
import type { Input, OperationName, Output } from '../../src/service/shapes.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { type Finished, runKeyledger } from '../e2e/support/child.js';
import { tempDir } from '../e2e/support/repo.js';
import { caller, errorOf, TestClock } from '../service/harness.js';

const MARKER = 'PLAINTEXT-MARKER-9d41c7';

interface Fixture {
  readonly dir: string;
  readonly k1: string;
  readonly k2: string;
  /** Every request id issued, and the exception each one got (undefined: success). */
  readonly issued: ReadonlyMap<string, string | undefined>;
  readonly secrets: readonly string[];
}

const buildDataDir = async (): Promise<Fixture> => {
  const dir = tempDir('audit-cli');
  const opened = await openSqliteStore({ path: join(dir, 'keyledger.db') });
  const clock = new TestClock(Date.parse('2026-01-01T00:00:00.000Z'));
  const kms = await Keyledger.open({ ...opened, rootKey: new Uint8Array(32).fill(7), clock, auditPublicKeyFile: join(dir, 'audit-key.pub') });
  const issued = new Map<string, string | undefined>();
  const call = async <O extends OperationName>(op: O, input: Input<O>): Promise<Output<O> | undefined> => {
    const requestId = crypto.randomUUID();
    clock.advanceMs(1000);
    let out: Output<O> | undefined;
    const error = await errorOf(kms.execute(op, input, caller({ requestId })).then((o) => void (out = o)));
    issued.set(requestId, error === 'no error' ? undefined : error);
    return out;
  };
  const plaintext = new TextEncoder().encode(MARKER);
  const k1 = (await call('CreateKey', { Description: 'one' }))?.KeyMetadata.Arn ?? '';
  const k2 = (await call('CreateKey', { Description: 'two' }))?.KeyMetadata.Arn ?? '';
  await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: k1 });
  const encrypted = await call('Encrypt', { KeyId: 'alias/app', Plaintext: plaintext, EncryptionContext: { purpose: MARKER } });
  const blob = encrypted?.CiphertextBlob ?? new Uint8Array();
  await call('Decrypt', { CiphertextBlob: blob, EncryptionContext: { purpose: MARKER } });
  await call('DescribeKey', { KeyId: k1 });
  await call('ListKeys', {});
  await call('DisableKey', { KeyId: k2 });
  await call('Encrypt', { KeyId: k2, Plaintext: plaintext });
  await call('ReEncrypt', { CiphertextBlob: blob, SourceEncryptionContext: { purpose: MARKER }, DestinationKeyId: k2 });
  await call('ScheduleKeyDeletion', { KeyId: k1, PendingWindowInDays: 3 });
  const rejectedId = crypto.randomUUID();
  await kms.recordRejected({ requestId: rejectedId, at: clock.now(), stage: 'authentication', errorCode: 'UnrecognizedClientException', account: '111122223333', region: 'us-east-1', sourceIp: '127.0.0.1' });
  issued.set(rejectedId, 'UnrecognizedClientException');
  kms.close();
  const secrets = [MARKER, Buffer.from(MARKER).toString('base64'), Buffer.from(blob).toString('base64')];
  for await (const e of opened.store.readAll()) {
    const material = e.data['material'];
    if (material !== null && typeof material === 'object' && !Array.isArray(material) && typeof material['wrapped'] === 'string') secrets.push(material['wrapped']);
  }
  await opened.close();
  return { dir, k1, k2, issued, secrets };
};

let fx: Fixture;
beforeAll(async () => {
  fx = await buildDataDir();
});

const keyledger = async (...args: string[]): Promise<Finished> => {
  const r = await runKeyledger([...args, '--data-dir', fx.dir]);
  expect(r.code, r.stderr).toBe(0);
  for (const secret of fx.secrets) expect(r.stdout + r.stderr).not.toContain(secret);
  expect(r.stdout).not.toContain('"wrapped"');
  return r;
};

const records = (r: Finished): CloudTrailRecord[] => r.stdout.trimEnd().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as CloudTrailRecord);

describe.concurrent('keyledger audit', () => {
  it('--jsonl: exactly one record per request issued, with the exception each one got', async () => {
    const all = records(await keyledger('audit', '--jsonl'));
    expect(Object.keys(all[0] ?? {}).slice(0, 5)).toEqual(['eventVersion', 'userIdentity', 'eventTime', 'eventSource', 'eventName']);
    expect(all.map((r) => r.requestID).sort()).toEqual([...fx.issued.keys()].sort());
    for (const r of all) expect([r.requestID, r.errorCode]).toEqual([r.requestID, fx.issued.get(r.requestID ?? '')]);
    expect(fx.issued.get(all.find((r) => r.eventName === 'Encrypt' && r.errorCode !== undefined)?.requestID ?? '')).toBe('DisabledException');
    expect(all.find((r) => r.eventName === 'ScheduleKeyDeletion')?.errorCode).toBe('ValidationException');
    const encrypt = all.find((r) => r.eventName === 'Encrypt');
    expect(encrypt).toMatchObject({
      eventVersion: '1.08', eventSource: 'kms.amazonaws.com', awsRegion: 'us-east-1', readOnly: true, eventType: 'AwsApiCall',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
      requestParameters: { keyId: 'alias/app', encryptionContextDigest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      responseElements: { keyId: fx.k1, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: fx.k1 }],
    });
    expect(encrypt?.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('--key … --outcome failure: the refusals that named the key', async () => {
    const failed = records(await keyledger('audit', '--key', fx.k2, '--outcome', 'failure', '--jsonl'));
    expect(failed.map((r) => [r.eventName, r.errorCode])).toEqual([
      ['Encrypt', 'DisabledException'],
      ['ReEncrypt', 'DisabledException'],
    ]);
  });

  it('--alias and --operation; the table names time, operation, principal, outcome, key, request id', async () => {
    const viaAlias = records(await keyledger('audit', '--alias', 'alias/app', '--jsonl'));
    expect(viaAlias.map((r) => r.eventName)).toEqual(['CreateAlias', 'Encrypt']);
    const r = await keyledger('audit', '--operation', 'DisableKey', '--since', '2026-01-01T00:00:00Z');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME +OPERATION +PRINCIPAL +OUTCOME +KEY +REQUEST ID$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.split(/ {2,}/)).toEqual([expect.stringMatching(/^2026-01-01T00:00:\d\dZ$/), 'DisableKey', 'arn:aws:iam::111122223333:user/alice', 'Success', fx.k2.slice(-36), expect.any(String)]);
  });
});

describe.concurrent('keyledger usage', () => {
  it('--by operation counts KeyUsed per key', async () => {
    const r = await keyledger('usage', '--by', 'operation', '--json');
    const { Usage } = JSON.parse(r.stdout) as { Usage: { keyArn: string; operation: string; count: number }[] };
    expect(Usage.filter((u) => u.keyArn === fx.k1)).toEqual(
      expect.arrayContaining([{ keyArn: fx.k1, operation: 'Encrypt', count: 1 }, { keyArn: fx.k1, operation: 'Decrypt', count: 1 }]),
    );
    // The refused ReEncrypt had already used its source key: the log records that use.
    expect(Usage.filter((u) => u.keyArn === fx.k1).map((u) => u.operation)).toEqual(['Decrypt', 'Encrypt', 'ReEncrypt']);
    expect(Usage.some((u) => u.keyArn === fx.k2)).toBe(false);
  });
});

describe.concurrent('keyledger rebuild', () => {
  it('replays the log into fresh views and says what they hold', async () => {
    const r = await keyledger('rebuild', '--json');
    const report = JSON.parse(r.stdout) as { events: number; position: number; keys: Record<string, number>; aliases: number; keysUsed: number; reindexed: string[] };
    const opened = await openSqliteStore({ path: join(fx.dir, 'keyledger.db'), readOnly: true });
    const head = await opened.store.headPosition();
    await opened.close();
    expect(report, r.stdout).toMatchObject({ events: head, position: head, keys: { Disabled: 1, Enabled: 1 }, aliases: 1, keysUsed: 1, reindexed: [] });
    const text = await keyledger('rebuild');
    expect(text.stdout).toMatch(new RegExp(`^Replayed ${head} events \\(to position ${head}\\) in [\\d.]+ s: [\\d,]+ events/s\\.$`, 'm'));
    expect(text.stdout).toMatch(/^ {2}Keys +Disabled 1, Enabled 1$/m);
  });

  it('--reindex recomputes the store indexes of a stopped directory, and queries still answer alike', async () => {
    const copy = tempDir('rebuild-copy');
    cpSync(fx.dir, copy, { recursive: true });
    const before = await runKeyledger(['audit', '--key', fx.k1, '--jsonl', '--data-dir', copy]);
    const r = await runKeyledger(['rebuild', '--reindex', '--json', '--data-dir', copy]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { reindexed: string[] }).reindexed).toEqual(['events_by_stream_type', 'events_by_request']);
    const after = await runKeyledger(['audit', '--key', fx.k1, '--jsonl', '--data-dir', copy]);
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout.split('\n').length).toBeGreaterThan(3);
  });

  it('--reindex refuses a directory a live server holds: exit 3, nothing written', async () => {
    const copy = tempDir('rebuild-locked');
    cpSync(fx.dir, copy, { recursive: true });
    writeFileSync(join(copy, 'LOCK'), `${process.pid}\n`);
    const r = await runKeyledger(['rebuild', '--reindex', '--data-dir', copy]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });
});

describe('usage errors exit 2 before anything is opened', () => {
  const io = { env: {}, out: () => undefined };
  it.each([
    [['--outcome', 'maybe'], /--outcome must be success or failure/],
    [['--since', 'yesterday'], /--since must be an ISO-8601 time/],
    [['--key', 'alias/app'], /use --alias/],
    [['--json', '--jsonl'], /give one/],
  ])('audit %j', async (args, message) => {
    await expect(auditCommand([...args, '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  it('audit --help lists every filter and --follow', async () => {
    const out: string[] = [];
    await auditCommand(['--help'], { env: {}, out: (t) => void out.push(t) });
    for (const flag of ['--key', '--alias', '--principal', '--operation', '--outcome', '--since', '--until', '--jsonl', '--follow', '--interval', '--data-dir']) expect(out.join('')).toContain(flag);
    expect(out.join('')).not.toMatch(/Not yet/);
  });

  it('usage --by colour', async () => {
    await expect(usageCommand(['--by', 'colour', '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--by must be/) });
  });
});
