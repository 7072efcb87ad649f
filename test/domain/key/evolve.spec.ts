// evolve applies facts and ignores events that do not apply; the read-side helpers answer
// from the folded state.
import { describe, expect, it } from 'vitest';
import {
  findMaterial,
  isDeletionDue,
  keyDecider,
  keyState,
  type Key,
  type KeyEvent,
} from '../../../src/domain/key/index.js';
import {
  deletionCanceled,
  deletionScheduled,
  given,
  gone,
  histories,
  keyCreated,
  keyDeleted,
  keyDisabled,
  keyEnabled,
  keyTagged,
  material,
  materialRotated,
  T1,
  T2,
  T3,
} from './fixtures.js';

const fold = (events: readonly KeyEvent[]): Key => given(events).state();

describe('evolve', () => {
  it('ignores a second KeyCreated', () => {
    const first = fold([keyCreated()]);
    expect(keyDecider.evolve(first, keyCreated({ description: 'other' }))).toBe(first);
  });

  it('ignores everything before KeyCreated', () =>
    expect(fold([keyDisabled(), keyTagged([{ TagKey: 'a', TagValue: '' }])])).toEqual({ status: 'Nonexistent' }));

  it('ignores everything after KeyDeleted, KeyCreated included', () => {
    const deleted = fold(gone.Deleted);
    for (const e of [keyEnabled(), keyCreated(), materialRotated(5), deletionCanceled(), keyTagged([{ TagKey: 'a', TagValue: '' }])]) {
      expect(keyDecider.evolve(deleted, e)).toBe(deleted);
    }
  });

  it('moves status only along the transitions decide makes', () => {
    const pending = fold(histories.PendingDeletion);
    expect(keyDecider.evolve(pending, keyEnabled())).toBe(pending);
    expect(keyDecider.evolve(pending, keyDisabled())).toBe(pending);
    expect(keyDecider.evolve(pending, deletionScheduled(T2, 7))).toBe(pending);
    const enabled = fold(histories.Enabled);
    expect(keyDecider.evolve(enabled, deletionCanceled())).toBe(enabled);
  });

  it('deletes from any state: a destroyed KEK is final', () =>
    expect(fold([keyCreated(), keyDeleted(T2)])).toMatchObject({ status: 'Deleted', deletedAt: T2 }));

  it('drops the deletion fields when a deletion is canceled', () =>
    expect(Object.keys(fold([...histories.PendingDeletion, deletionCanceled()]))).not.toContain('deletionDate'));

  it('keeps material ids unique: a repeated id is not a second material', () =>
    expect(fold([keyCreated(), materialRotated(2), materialRotated(2, T3)])).toMatchObject({
      materials: [{ keyMaterialId: material(1).keyMaterialId }, { keyMaterialId: material(2).keyMaterialId, createdAt: T2 }],
      onDemandRotations: 1,
    }));

  it('keeps tag keys unique even when a KeyCreated lists one twice', () =>
    expect(fold([keyCreated({ tags: [{ TagKey: 'a', TagValue: '1' }, { TagKey: 'a', TagValue: '2' }] })])).toMatchObject({
      tags: [{ TagKey: 'a', TagValue: '2' }],
    }));

  it('applies attribute facts while the key is pending deletion', () =>
    expect(fold([...histories.PendingDeletion, keyTagged([{ TagKey: 'a', TagValue: 'b' }], T2)])).toMatchObject({
      status: 'PendingDeletion',
      tags: [{ TagKey: 'a', TagValue: 'b' }],
    }));

  it('does not change the state for KeyUsed', () => {
    const key = fold(histories.Enabled);
    const used: KeyEvent = { type: 'KeyUsed', data: { at: T1, operation: 'Encrypt', requestId: 'r' } };
    expect(keyDecider.evolve(key, used)).toBe(key);
  });
});

describe('keyState', () => {
  it('is AWS’s KeyState for keys callers can see, and undefined otherwise', () => {
    expect(keyState(fold(histories.Enabled))).toBe('Enabled');
    expect(keyState(fold(histories.Disabled))).toBe('Disabled');
    expect(keyState(fold(histories.PendingDeletion))).toBe('PendingDeletion');
    expect(keyState(fold(gone.Nonexistent))).toBeUndefined();
    expect(keyState(fold(gone.Deleted))).toBeUndefined();
  });
});

describe('findMaterial', () => {
  it('finds current and old material by id, and nothing else', () => {
    const key = fold([keyCreated(), materialRotated(2)]);
    expect(findMaterial(key, material(1).keyMaterialId)).toMatchObject({ wrapped: material(1).wrapped });
    expect(findMaterial(key, material(2).keyMaterialId)).toMatchObject({ rotationType: 'ON_DEMAND' });
    expect(findMaterial(key, material(3).keyMaterialId)).toBeUndefined();
    expect(findMaterial({ status: 'Nonexistent' }, material(1).keyMaterialId)).toBeUndefined();
  });
});

describe('isDeletionDue', () => {
  it('is true from the deletion date on, for keys pending deletion only', () => {
    const pending = fold([keyCreated(), deletionScheduled(T1, 7, '2024-01-09T00:00:00.000Z')]);
    expect(isDeletionDue(pending, '2024-01-08T23:59:59.999Z')).toBe(false);
    expect(isDeletionDue(pending, '2024-01-09T00:00:00.000Z')).toBe(true);
    expect(isDeletionDue(fold(histories.Disabled), '2030-01-01T00:00:00.000Z')).toBe(false);
    expect(isDeletionDue(fold(gone.Deleted), '2030-01-01T00:00:00.000Z')).toBe(false);
  });
});
