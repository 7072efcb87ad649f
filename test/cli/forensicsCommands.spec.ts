// `keyledger verify`, `history` and `keys` from the real binary, on a data directory written by
// the real service (SQLite, a test clock moved by hand, a signed checkpoint, then closed — a
// stopped server's directory). Verify passes it and catches a copy edited with plain SQL; history
// answers "which key did the alias name at T" and "what happened to this key"; keys reads the
// current views. No output ever holds wrapped key material. Usage errors run in-process.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyCommand } from '../../src/cli/history.js';
import { verifyCommand } from '../../src/cli/verify.js';
import type { CheckpointOutcome } from '../../src/service/forensics/checkpoints.js';
import { Keyledger } from '../../src/service/keyledger.js';
import type { Input, OperationName, Output } from '../../src/service/shapes.js';
import { openSqliteStore } from '../../src/store/sqlite/sqliteStore.js';
import { type Finished, runKeyledger } from '../e2e/support/child.js';
import { tempDir } from '../e2e/support/repo.js';
import { caller, TestClock } from '../service/harness.js';

interface Fixture {
  readonly dir: string;
  readonly k1: { KeyId: string; Arn: string };
  readonly k2: { KeyId: string; Arn: string };
  readonly checkpoint: CheckpointOutcome;
  /** Every wrapped key material in the log: must never be printed. */
  readonly wrapped: readonly string[];
}

const at = (hhmm: string): string => `2026-01-01T${hhmm}:00.000Z`;

/** 00:00 two keys and alias/app → k1; 00:10 rotation enabled, an Encrypt through the alias;
 *  01:00 alias/app → k2; 02:00 k1 rotated on demand; 03:00 checkpoint 0; then one more Encrypt. */
const buildDataDir = async (): Promise<Fixture> => {
  const dir = tempDir('forensics-cli');
  const opened = await openSqliteStore({ path: join(dir, 'keyledger.db') });
  const clock = new TestClock(Date.parse(at('00:00')));
  const kms = await Keyledger.open({ ...opened, rootKey: new Uint8Array(32).fill(9), clock, auditPublicKeyFile: join(dir, 'audit-key.pub') });
  const call = <O extends OperationName>(op: O, input: Input<O>): Promise<Output<O>> => kms.execute(op, input, caller());
  const k1 = (await call('CreateKey', { Description: 'first key', Tags: [{ TagKey: 'team', TagValue: 'payments' }] })).KeyMetadata;
  const k2 = (await call('CreateKey', { Description: 'second key' })).KeyMetadata;
  await call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: k1.KeyId });
  clock.advanceMs(10 * 60_000);
  await call('EnableKeyRotation', { KeyId: k1.KeyId, RotationPeriodInDays: 90 });
  await call('Encrypt', { KeyId: 'alias/app', Plaintext: new TextEncoder().encode('hello') });
  clock.advanceMs(50 * 60_000);
  await call('UpdateAlias', { AliasName: 'alias/app', TargetKeyId: k2.KeyId });
  clock.advanceMs(60 * 60_000);
  await call('RotateKeyOnDemand', { KeyId: k1.KeyId });
  clock.advanceMs(60 * 60_000);
  const checkpoint = await kms.appendCheckpoint();
  await call('Encrypt', { KeyId: k2.KeyId, Plaintext: new TextEncoder().encode('after the checkpoint') });
  kms.close();
  const wrapped: string[] = [];
  for await (const e of opened.store.readAll()) {
    const material = e.data['material'];
    if (material !== null && typeof material === 'object' && !Array.isArray(material) && typeof material['wrapped'] === 'string') wrapped.push(material['wrapped']);
  }
  await opened.close();
  return { dir, k1, k2, checkpoint, wrapped };
};

let fx: Fixture;
beforeAll(async () => {
  fx = await buildDataDir();
});

const keyledger = async (...args: string[]): Promise<Finished> => {
  const r = await runKeyledger([...args, '--data-dir', fx.dir]);
  for (const secret of fx.wrapped) expect(r.stdout + r.stderr).not.toContain(secret);
  return r;
};

const json = <T>(r: Finished): T => JSON.parse(r.stdout) as T;

interface TimelineEntry { revision: number; position: number; type: string; operation?: string; at: string }

describe.concurrent('keyledger verify', () => {
  it('passes an untouched directory and says how much no checkpoint covers yet', async () => {
    const r = await keyledger('verify');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^OK: \d+ events in 3 streams, 1 checkpoint; the last 1 event is not yet covered by a checkpoint\n/);
    expect(r.stdout).toContain(`${fx.checkpoint.sequence}:${fx.checkpoint.digest}`);
  });

  it('holds the log to an anchor by its digest alone, and reports in JSON', async () => {
    const r = await keyledger('verify', '--json', '--anchor', fx.checkpoint.digest);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ ok: true, streams: 3, checkpoints: 1, uncovered: 1, anchorChecked: true, newestCheckpoint: { digest: fx.checkpoint.digest } });
  });

  it('names the stream and revision of an event edited with plain SQL, exit 5', async () => {
    const copy = tempDir('forensics-tampered');
    cpSync(fx.dir, copy, { recursive: true });
    const db = new Database(join(copy, 'keyledger.db'));
    db.exec('DROP TRIGGER events_are_immutable_update');
    const stream = `key-${fx.k1.Arn}`;
    const changed = db.prepare("UPDATE events SET data = replace(data, 'first key', 'forged key') WHERE stream = ? AND revision = 0").run(stream).changes;
    db.close();
    expect(changed).toBe(1);
    const r = await runKeyledger(['verify', '--data-dir', copy]);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stdout).toContain(`TAMPERED: edited at revision 0 of ${stream}\n`);
    expect(r.stdout).toMatch(/^ {2}position +1$/m);
  });
});

describe.concurrent('keyledger history', () => {
  it('an alias as of an instant between two moves names the earlier key', async () => {
    const r = await keyledger('history', 'alias/app', '--at', at('00:30'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`alias/app named key ${fx.k1.KeyId}`);
    expect(r.stdout).toMatch(/AliasCreated/);
    expect(r.stdout).not.toMatch(/AliasUpdated/);
    const later = json<{ target: { keyId: string }; timeline: TimelineEntry[] }>(await keyledger('history', 'alias/app', '--at', '2026-01-01T02:30:00+01:00', '--json'));
    expect(later.target.keyId).toBe(fx.k2.KeyId);
    expect(later.timeline.map((e) => e.type)).toEqual(['AliasCreated', 'AliasUpdated']);
  });

  it('a key in JSON: what changed it, in order, then its state — materials by id only', async () => {
    const r = await keyledger('history', fx.k1.Arn, '--json');
    expect(r.code, r.stderr).toBe(0);
    const h = json<{ resource: string; state: Record<string, unknown>; timeline: TimelineEntry[] }>(r);
    expect(h.resource).toBe('key');
    expect(h.timeline.map((e) => e.type)).toEqual(['KeyCreated', 'KeyRotationEnabled', 'KeyMaterialRotated']);
    expect(h.timeline.map((e) => e.revision)).toEqual([0, 1, 3]);
    expect(h.state).toMatchObject({ KeyState: 'Enabled', Description: 'first key', KeyRotationEnabled: true, RotationPeriodInDays: 90, Aliases: [], Tags: [{ TagKey: 'team', TagValue: 'payments' }] });
  });

  it('a key in JSON with --usage: every event in order, its uses too', async () => {
    const r = await keyledger('history', fx.k1.Arn, '--json', '--usage');
    expect(r.code, r.stderr).toBe(0);
    const h = json<{ resource: string; state: Record<string, unknown>; timeline: TimelineEntry[] }>(r);
    expect(h.timeline.map((e) => e.type)).toEqual(['KeyCreated', 'KeyRotationEnabled', 'KeyUsed', 'KeyMaterialRotated']);
    expect(h.timeline.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    expect(h.timeline.map((e) => e.at)).toEqual([at('00:00'), at('00:10'), at('00:10'), at('02:00')]);
    expect(h.timeline[2]?.operation).toBe('Encrypt');
    expect(h.state).toMatchObject({ KeyState: 'Enabled', Description: 'first key', KeyRotationEnabled: true, RotationPeriodInDays: 90, Aliases: [], Tags: [{ TagKey: 'team', TagValue: 'payments' }] });
    expect(h.state['KeyMaterials']).toHaveLength(2);
    expect(r.stdout).not.toContain('"wrapped"');
  });

  it('a key as text at a log position: the timeline up to it and the state then, aliases included', async () => {
    const r = await keyledger('history', fx.k1.KeyId, '--position', '3');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^TIME +REV +EVENT +PRINCIPAL +OPERATION +REQUEST ID +DETAILS$/m);
    expect(r.stdout).toMatch(/KeyCreated +arn:aws:iam::111122223333:user\/alice +CreateKey .*description="first key"/);
    expect(r.stdout).not.toMatch(/KeyRotationEnabled +arn:/);
    expect(r.stdout).toMatch(/^ {2}KeyRotationEnabled +false$/m);
    expect(r.stdout).toMatch(/^ {2}Aliases +alias\/app$/m);
    expect(r.stdout).toMatch(/^ {2}Policy +\d+ characters/m);
  });

  it('a key or alias that never existed is exit 4', async () => {
    const r = await keyledger('history', 'alias/never');
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('no alias arn:aws:kms:us-east-1:111122223333:alias/never ever existed');
  });
});

describe.concurrent('keyledger keys', () => {
  it('list: both keys of the scope, oldest first', async () => {
    const r = await keyledger('keys', 'list');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY ID +ARN +STATE +CREATED +DESCRIPTION$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/))).toEqual([
      [fx.k1.KeyId, fx.k1.Arn, 'Enabled', at('00:00'), 'first key'],
      [fx.k2.KeyId, fx.k2.Arn, 'Enabled', at('00:00'), 'second key'],
    ]);
    expect((await keyledger('keys', '--region', 'eu-west-1')).stdout).not.toContain(fx.k1.KeyId);
  });

  it('describe through an alias: AWS KeyMetadata and the aliases naming the key', async () => {
    const r = await keyledger('keys', 'describe', 'alias/app', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ KeyMetadata: { KeyId: fx.k2.KeyId, Arn: fx.k2.Arn, KeyState: 'Enabled', Description: 'second key', KeySpec: 'SYMMETRIC_DEFAULT' }, Aliases: ['alias/app'] });
  });
});

describe('usage errors exit 2 before anything is opened', () => {
  const io = { env: {}, out: () => undefined };
  it.each([
    [['alias/app', '--at', '2026-01-01T10:00'], /--at must be an ISO-8601 time with Z or an offset/],
    [['alias/app', '--position', 'ten'], /--position must be a log position/],
    [['not a key'], /is not a key id, key ARN, alias name/],
    [['alias/app', '--region', 'mars'], /--region must be a Region name/],
  ])('history %j', async (args, message) => {
    await expect(historyCommand([...args, '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(message) });
  });

  it('verify with a malformed --anchor', async () => {
    await expect(verifyCommand(['--anchor', 'abc', '--data-dir', '/nonexistent'], io)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/--anchor must be a checkpoint digest/) });
  });
});
