// Time travel: for random command sequences at random instants, the state of every key "as of
// T" (and "as of position P") — computed from the log alone — equals the live state captured at
// T, aliases included; and an alias's past target is what it was.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AliasName, KeyArn } from '../../src/domain/ids.js';
import { aliasTargetAsOf, keyStateAsOf, timeline } from '../../src/service/history.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { collect } from '../store/helpers.js';
import { openHarness, type Harness } from './harness.js';

type Action = (h: Harness, keyIds: readonly string[]) => Promise<unknown>;

const plaintext = new Uint8Array([1, 2, 3]);
const actions: fc.Arbitrary<Action>[] = [
  fc.nat(1).map((k) => (h, ids) => h.call('DisableKey', { KeyId: ids[k]! })),
  fc.nat(1).map((k) => (h, ids) => h.call('EnableKey', { KeyId: ids[k]! })),
  fc.nat(1).map((k) => (h, ids) => h.call('Encrypt', { KeyId: ids[k]!, Plaintext: plaintext })),
  fc.nat(1).map((k) => (h, ids) => h.call('ScheduleKeyDeletion', { KeyId: ids[k]!, PendingWindowInDays: 7 })),
  fc.nat(1).map((k) => (h, ids) => h.call('CancelKeyDeletion', { KeyId: ids[k]! })),
  fc.nat(1).map((k) => (h, ids) => h.call('RotateKeyOnDemand', { KeyId: ids[k]! })),
  fc.nat(1).map((k) => (h, ids) => h.call('EnableKeyRotation', { KeyId: ids[k]!, RotationPeriodInDays: 90 })),
  fc.tuple(fc.nat(1), fc.constantFrom('a', 'b')).map(([k, v]) => (h, ids) => h.call('TagResource', { KeyId: ids[k]!, Tags: [{ TagKey: 't', TagValue: v }] })),
  fc.nat(1).map((k) => (h, ids) => h.call('UpdateKeyDescription', { KeyId: ids[k]!, Description: `d${k}` })),
  fc.tuple(fc.constantFrom('x', 'y'), fc.nat(1)).map(([n, k]) => (h, ids) => h.call('CreateAlias', { AliasName: `alias/${n}`, TargetKeyId: ids[k]! })),
  fc.tuple(fc.constantFrom('x', 'y'), fc.nat(1)).map(([n, k]) => (h, ids) => h.call('UpdateAlias', { AliasName: `alias/${n}`, TargetKeyId: ids[k]! })),
  fc.constantFrom('x', 'y').map((n) => (h) => h.call('DeleteAlias', { AliasName: `alias/${n}` })),
  fc.constant<Action>((h) => h.kms.runScheduler()),
];

interface Captured {
  readonly time: string;
  readonly position: number;
  readonly keys: { arn: string; key: unknown; revision: number; aliases: string[] }[];
  readonly aliasTargets: Record<string, string | undefined>;
}

const capture = (h: Harness, arns: readonly string[]): Captured => {
  const aliasNames = (arn: string) =>
    h.kms.views.aliases
      .aliasesOf(arn)
      .map((a) => a.slice(a.indexOf(':alias/') + 1))
      .sort();
  const aliasTargets: Record<string, string | undefined> = {};
  for (const [, { alias }] of h.kms.views.aliases.snapshot()) if (alias.status !== 'Nonexistent') aliasTargets[alias.aliasName] = alias.status === 'Active' ? alias.targetKeyId : undefined;
  return {
    time: h.clock.now().toISOString(),
    position: h.kms.checkpoint,
    keys: arns.map((arn) => ({ arn, key: h.kms.views.keys.get(arn)!.key, revision: h.kms.views.keys.get(arn)!.revision, aliases: aliasNames(arn) })),
    aliasTargets,
  };
};

describe('time travel', () => {
  it('as-of state equals the live state captured then', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: 40 * 86_400_000 }), fc.oneof(...actions)), { maxLength: 25 }), async (steps) => {
        const h = await openHarness();
        const created = [await h.call('CreateKey', {}), await h.call('CreateKey', {})];
        const ids = created.map((c) => c.KeyMetadata.KeyId);
        const arns = created.map((c) => c.KeyMetadata.Arn);
        const snapshots = [capture(h, arns)];
        for (const [ms, action] of steps) {
          h.clock.advanceMs(ms);
          await action(h, ids).catch(() => undefined);
          snapshots.push(capture(h, arns));
        }
        const aliasArns = h.kms.views.aliases.snapshot().map(([arn]) => arn);
        // The as-of revision is that of the last event that changed the key: usage does not.
        const streams = new Map<string, RecordedEvent[]>();
        for (const arn of arns) streams.set(arn, await collect(h.store.readStream(`key-${arn}`)));
        const lastChange = (arn: string, revision: number): number =>
          streams.get(arn)!.filter((e) => e.revision <= revision && e.type !== 'KeyUsed').at(-1)?.revision ?? -1;
        for (const snap of snapshots) {
          for (const live of snap.keys) {
            for (const asOf of [{ time: snap.time }, { position: snap.position }]) {
              const past = await keyStateAsOf(h.store, live.arn as KeyArn, asOf, aliasArns);
              expect(past.state).toEqual(live.key);
              expect(past.revision).toBe(lastChange(live.arn, live.revision));
              expect(past.aliases).toEqual(live.aliases);
            }
          }
          for (const [name, target] of Object.entries(snap.aliasTargets)) {
            const past = await aliasTargetAsOf(h.store, { account: '111122223333', region: 'us-east-1' }, name as AliasName, { time: snap.time });
            expect(past.state.status === 'Active' ? past.state.targetKeyId : undefined).toBe(target);
          }
        }
        h.kms.close();
      }),
      { numRuns: 40 },
    );
  });

  it('lists a key timeline with who and what, without wrapped material', async () => {
    const h = await openHarness();
    const { KeyMetadata } = await h.call('CreateKey', { Description: 'timeline' }, { principalArn: 'arn:aws:iam::111122223333:user/bob' });
    await h.call('DisableKey', { KeyId: KeyMetadata.KeyId });
    const entries = await timeline(h.store, `key-${KeyMetadata.Arn}`);
    expect(entries.map((e) => e.type)).toEqual(['KeyCreated', 'KeyDisabled']);
    expect(entries[0]).toMatchObject({ principalArn: 'arn:aws:iam::111122223333:user/bob', operation: 'CreateKey' });
    expect(JSON.stringify(entries)).not.toContain('wrapped');
    expect(entries[0]!.data['keyMaterialId']).toMatch(/^[0-9a-f]{64}$/);
  });
});
