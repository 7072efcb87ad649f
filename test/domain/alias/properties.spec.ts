// Invariants of the alias decider over arbitrary histories and command sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aliasDecider, initialAlias, type Alias, type AliasCommand, type AliasEvent } from '../../../src/domain/alias/index.js';
import { isKmsError } from '../../../src/domain/errors.js';
import { keyTypeOf } from '../../../src/domain/key/keySpecs.js';
import type { Key } from '../../../src/domain/key/index.js';
import { deletedKey, disabledKey, enabledKey, keyArnOfN, keyIdOf, pendingKey, signingKey, ALIAS_ARN, NAME } from './fixtures.js';

const T0_MS = Date.parse('2024-01-01T00:00:00.000Z');
const arbInstant = fc.integer({ min: T0_MS, max: T0_MS + 1e10 }).map((ms) => new Date(ms).toISOString());
const arbKeyN = fc.integer({ min: 1, max: 6 });

const arbAliasEvent: fc.Arbitrary<AliasEvent> = fc.oneof(
  fc.record({
    type: fc.constant('AliasCreated' as const),
    data: fc.record({ aliasName: fc.constant(NAME), aliasArn: fc.constant(ALIAS_ARN), targetKeyId: arbKeyN.map(keyIdOf), at: arbInstant }),
  }),
  fc.record({
    type: fc.constant('AliasUpdated' as const),
    data: fc.record({ targetKeyId: arbKeyN.map(keyIdOf), previousTargetKeyId: arbKeyN.map(keyIdOf), at: arbInstant }),
  }),
  fc.record({ type: fc.constant('AliasDeleted' as const), data: fc.record({ at: arbInstant }) }),
);

/** Six keys in every situation an alias target can be in. */
const keys: Record<number, Key> = {
  1: enabledKey(1),
  2: disabledKey(2),
  3: pendingKey(3),
  4: signingKey(4),
  5: { status: 'Nonexistent' },
  6: deletedKey(6),
};
const keyOf = (n: number): Key => keys[n] ?? { status: 'Nonexistent' };
const numberOf = (keyId: string): number => [1, 2, 3, 4, 5, 6].find((n) => keyIdOf(n) === keyId) ?? 5;

type Op = { t: 'CreateAlias' | 'UpdateAlias'; target: number; aliases: number } | { t: 'DeleteAlias' };
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constantFrom('CreateAlias' as const, 'UpdateAlias' as const), target: arbKeyN, aliases: fc.integer({ min: 0, max: 52 }) }),
  fc.record({ t: fc.constant('DeleteAlias' as const) }),
);

const commandOf = (op: Op, alias: Alias, now: string): AliasCommand => {
  if (op.t === 'DeleteAlias') return { type: 'DeleteAlias', aliasArn: ALIAS_ARN, now };
  const target = keyOf(op.target);
  if (op.t === 'CreateAlias') {
    return { type: 'CreateAlias', aliasName: NAME, aliasArn: ALIAS_ARN, targetKeyArn: keyArnOfN(op.target), target, aliasesOnTarget: op.aliases, now };
  }
  // The service's snapshot of the current target is consistent with the alias stream.
  const currentTarget = alias.status === 'Active' ? keyOf(numberOf(alias.targetKeyId)) : { status: 'Nonexistent' as const };
  return { type: 'UpdateAlias', aliasArn: ALIAS_ARN, targetKeyArn: keyArnOfN(op.target), newTarget: target, currentTarget, aliasesOnTarget: op.aliases, now };
};

interface Outcome {
  command: AliasCommand;
  before: Alias;
  events: AliasEvent[];
  after: Alias;
  refused?: { code: string; message: string };
}

const run = (ops: readonly Op[]): Outcome[] => {
  let alias = initialAlias;
  return ops.map((op, i) => {
    const command = commandOf(op, alias, new Date(T0_MS + i * 60_000).toISOString());
    const before = alias;
    try {
      const events = aliasDecider.decide(command, before);
      alias = events.reduce(aliasDecider.evolve, before);
      return { command, before, events, after: alias };
    } catch (e) {
      if (!isKmsError(e)) throw e;
      return { command, before, events: [], after: before, refused: { code: e.code, message: e.message } };
    }
  });
};

const everyOutcome = (check: (o: Outcome) => void) =>
  fc.assert(fc.property(fc.array(arbOp, { maxLength: 40, size: 'max' }), (ops) => run(ops).forEach(check)));

describe('alias decider properties', () => {
  it('evolve never throws, whatever the events and their order', () =>
    fc.assert(
      fc.property(fc.array(arbAliasEvent, { maxLength: 40 }), (events) => {
        expect(['Nonexistent', 'Active', 'Deleted']).toContain(events.reduce(aliasDecider.evolve, initialAlias).status);
      }),
    ));

  it('decide is deterministic', () =>
    everyOutcome((o) => {
      let again: unknown;
      try {
        again = aliasDecider.decide(o.command, o.before);
      } catch (e) {
        again = isKmsError(e) ? { code: e.code, message: e.message } : e;
      }
      expect(again).toEqual(o.refused ?? o.events);
    }));

  it('an alias only ever points at a key that was Enabled or Disabled, with room for it', () =>
    everyOutcome(({ command, events }) => {
      if (events.length === 0 || command.type === 'DeleteAlias') return;
      const target = command.type === 'CreateAlias' ? command.target : command.newTarget;
      expect(['Enabled', 'Disabled']).toContain(target.status);
      expect(command.aliasesOnTarget).toBeLessThan(50);
    }));

  it('an update never changes the key usage or key type behind the alias', () =>
    everyOutcome(({ command, events }) => {
      if (command.type !== 'UpdateAlias' || events.length === 0) return;
      const { currentTarget: from, newTarget: to } = command;
      if (from.status === 'Nonexistent' || to.status === 'Nonexistent') throw new Error('update without snapshots');
      expect([to.keyUsage, keyTypeOf(to.keySpec)]).toEqual([from.keyUsage, keyTypeOf(from.keySpec)]);
    }));

  it('status moves Nonexistent → Active → Deleted → Active …, and [] changes nothing', () =>
    everyOutcome(({ before, after, events }) => {
      if (events.length === 0) expect(after).toBe(before);
      if (before.status !== after.status) expect(['Nonexistent>Active', 'Active>Deleted', 'Deleted>Active']).toContain(`${before.status}>${after.status}`);
    }));
});
