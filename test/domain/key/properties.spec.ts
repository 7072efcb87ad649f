// Invariants of the key decider, over arbitrary histories and command sequences (STYLE.md:
// properties for invariants). A failing seed is pinned here with `{ seed, path }` when found.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKmsError } from '../../../src/domain/errors.js';
import {
  initialKey,
  isDeletionDue,
  isRotationDue,
  keyDecider,
  MAX_ON_DEMAND_ROTATIONS,
  MAX_TAGS_PER_KEY,
  upsertTags,
  type Key,
  type Tag,
} from '../../../src/domain/key/index.js';
import { arbKeyEvent, arbSteps, runSteps, type Outcome } from './arbitraries.js';
import { command, given, histories } from './fixtures.js';

const decideOutcome = (o: Outcome): unknown => {
  try {
    return keyDecider.decide(o.command, o.before);
  } catch (e) {
    return isKmsError(e) ? { code: e.code, message: e.message } : e;
  }
};

const everyOutcome = (check: (o: Outcome) => void, steps = arbSteps()) =>
  fc.assert(fc.property(steps, (s) => runSteps(s).forEach(check)));

const hasProps = (key: Key): key is Exclude<Key, { status: 'Nonexistent' }> => key.status !== 'Nonexistent';

describe('key decider properties', () => {
  it('evolve never throws, whatever the events and their order', () =>
    fc.assert(
      fc.property(fc.array(arbKeyEvent, { maxLength: 60 }), (events) => {
        const key = events.reduce(keyDecider.evolve, initialKey);
        expect(['Nonexistent', 'Enabled', 'Disabled', 'PendingDeletion', 'Deleted']).toContain(key.status);
      }),
    ));

  it('decide is deterministic: the same command on the same state gives the same events (or refusal)', () =>
    everyOutcome((o) => expect(decideOutcome(o)).toEqual(o.refused ? { code: o.refused.code, message: o.refused.message } : o.events)));

  it('replaying the recorded events gives the same state as running the commands', () =>
    fc.assert(
      fc.property(arbSteps(), (steps) => {
        const outcomes = runSteps(steps);
        const replayed = outcomes.flatMap((o) => o.events).reduce(keyDecider.evolve, initialKey);
        expect(replayed).toEqual(outcomes.at(-1)?.after ?? initialKey);
      }),
    ));

  it('materials only grow, old ones unchanged, and their ids stay unique', () =>
    everyOutcome(({ before, after }) => {
      if (!hasProps(after)) return;
      const ids = after.materials.map((m) => m.keyMaterialId);
      expect(new Set(ids).size).toBe(ids.length);
      if (hasProps(before)) expect(after.materials.slice(0, before.materials.length)).toEqual(before.materials);
    }));

  it('a key that is not Enabled never yields KeyUsed', () =>
    everyOutcome(({ before, events }) => {
      if (before.status !== 'Enabled') expect(events.filter((e) => e.type === 'KeyUsed')).toEqual([]);
    }));

  it('CancelKeyDeletion always lands on Disabled', () =>
    everyOutcome(({ command, events, after }) => {
      if (command.type === 'CancelKeyDeletion' && events.length > 0) expect(after.status).toBe('Disabled');
    }));

  it('a key has at most 50 tags, with unique keys', () =>
    everyOutcome(({ after }) => {
      if (!hasProps(after)) return;
      const keys = after.tags.map((t) => t.TagKey);
      expect(keys.length).toBeLessThanOrEqual(MAX_TAGS_PER_KEY);
      expect(new Set(keys).size).toBe(keys.length);
    }));

  it('at most 25 on-demand rotations, each one a material', () =>
    everyOutcome(({ after }) => {
      if (!hasProps(after)) return;
      expect(after.onDemandRotations).toBeLessThanOrEqual(MAX_ON_DEMAND_ROTATIONS);
      expect(after.materials.filter((m) => m.rotationType === 'ON_DEMAND')).toHaveLength(after.onDemandRotations);
    }, arbSteps(120, 40)));

  it('[] exactly when nothing changes: every recorded management event changes the state', () =>
    everyOutcome(({ command, before, events, after }) => {
      if (events.length === 0) expect(after).toBe(before);
      else if (command.type !== 'UseKey') expect(after).not.toEqual(before);
    }));

  it('Deleted is final, and a key is created at most once', () =>
    everyOutcome(({ before, after }) => {
      if (before.status === 'Deleted') expect(after).toBe(before);
      if (hasProps(before) && hasProps(after)) expect(after.createdAt).toBe(before.createdAt);
    }));

  it('status moves only along AWS’s transitions', () => {
    const allowed = new Set([
      'Nonexistent>Enabled',
      'Enabled>Disabled',
      'Disabled>Enabled',
      'Enabled>PendingDeletion',
      'Disabled>PendingDeletion',
      'PendingDeletion>Disabled',
      'PendingDeletion>Deleted',
    ]);
    everyOutcome(({ before, after }) => {
      if (before.status !== after.status) expect(allowed).toContain(`${before.status}>${after.status}`);
    });
  });

  it('the scheduler rotates exactly when rotation is due, and deletes exactly when deletion is due', () =>
    everyOutcome(({ command: c, before, events }) => {
      if (c.type === 'RotateKeyAutomatically') expect(events.length > 0).toBe(isRotationDue(before, c.now));
      if (c.type === 'FinishKeyDeletion' && before.status !== 'Nonexistent') expect(events.length > 0).toBe(isDeletionDue(before, c.now));
    }, arbSteps(120, 20)));

  it('TagResource refuses exactly the requests that would take a key past 50 tags', () => {
    const request = fc.uniqueArray(
      fc.record({ TagKey: fc.integer({ min: 0, max: 80 }).map((n) => `k${n}`), TagValue: fc.constantFrom('a', 'b') }),
      { selector: (t) => t.TagKey, minLength: 1, maxLength: 15 },
    );
    fc.assert(
      fc.property(fc.array(request, { minLength: 1, maxLength: 15 }), (requests) => {
        let key: Key = given(histories.Enabled).state();
        for (const tags of requests) {
          const current: readonly Tag[] = key.status === 'Nonexistent' ? [] : key.tags;
          const tooMany = upsertTags(current, tags).length > MAX_TAGS_PER_KEY;
          try {
            key = keyDecider.decide(command('TagResource', { tags }), key).reduce(keyDecider.evolve, key);
            expect(tooMany).toBe(false);
          } catch (e) {
            expect(isKmsError(e) && e.message === 'Too many tags').toBe(true);
            expect(tooMany).toBe(true);
          }
        }
      }),
    );
  });
});
