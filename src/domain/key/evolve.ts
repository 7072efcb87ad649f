// evolve(key, event) → key: folds one fact into a key's state. Total and never throws, so any
// history replays. An event that does not apply to the state (a second KeyCreated, anything
// after KeyDeleted, KeyEnabled on a key pending deletion) leaves it unchanged: status moves
// only along the transitions `decide` can produce, while facts about attributes (policy,
// tags, materials, rotation) apply in every state in which the key exists.
import type { KeyCreated, KeyEvent } from './events.js';
import { findMaterial, isLive, type LiveKey } from './queries.js';
import { DEFAULT_ROTATION_PERIOD_IN_DAYS } from './rotation.js';
import type { Key, KeyProps } from './state.js';
import { removeTags, upsertTags } from './tags.js';

const created = ({ data }: KeyCreated): Key => ({
  status: 'Enabled',
  keyId: data.keyId,
  keyArn: data.keyArn,
  account: data.account,
  region: data.region,
  createdAt: data.at,
  description: data.description,
  keyUsage: data.keyUsage,
  keySpec: data.keySpec,
  origin: data.origin,
  multiRegion: data.multiRegion,
  policy: data.policy,
  // Upserted rather than copied, so tag keys stay unique whatever the event holds.
  tags: upsertTags([], data.tags),
  materials: [{ keyMaterialId: data.material.keyMaterialId, wrapped: data.material.wrapped, createdAt: data.at }],
  rotation: { enabled: false, periodInDays: DEFAULT_ROTATION_PERIOD_IN_DAYS },
  onDemandRotations: 0,
});

/** The key without its status and the fields that belong to that status. */
const propsOf = (key: LiveKey): KeyProps => {
  if (key.status === 'PendingDeletion') {
    const { status: _status, deletionDate: _deletionDate, pendingWindowInDays: _window, ...props } = key;
    return props;
  }
  const { status: _status, ...props } = key;
  return props;
};

const evolveLive = (key: LiveKey, event: Exclude<KeyEvent, KeyCreated>): Key => {
  switch (event.type) {
    case 'KeyDescriptionUpdated':
      return { ...key, description: event.data.description };
    case 'KeyEnabled':
      return key.status === 'Disabled' ? { ...propsOf(key), status: 'Enabled' } : key;
    case 'KeyDisabled':
      return key.status === 'Enabled' ? { ...propsOf(key), status: 'Disabled' } : key;
    case 'KeyDeletionScheduled':
      if (key.status === 'PendingDeletion') return key;
      return {
        ...propsOf(key),
        status: 'PendingDeletion',
        deletionDate: event.data.deletionDate,
        pendingWindowInDays: event.data.pendingWindowInDays,
      };
    case 'KeyDeletionCanceled':
      // AWS: a canceled deletion leaves the key Disabled, whatever it was before.
      return key.status === 'PendingDeletion' ? { ...propsOf(key), status: 'Disabled' } : key;
    case 'KeyDeleted':
      // From any state: once the KEK is destroyed the key can never be used again.
      return { ...propsOf(key), status: 'Deleted', deletedAt: event.data.at };
    case 'KeyRotationEnabled': {
      // A new period on an enabled schedule keeps its start; enabling starts it now.
      const enabledAt = key.rotation.enabled ? (key.rotation.enabledAt ?? event.data.at) : event.data.at;
      return { ...key, rotation: { enabled: true, periodInDays: event.data.rotationPeriodInDays, enabledAt } };
    }
    case 'KeyRotationDisabled':
      return { ...key, rotation: { enabled: false, periodInDays: key.rotation.periodInDays } };
    case 'KeyMaterialRotated': {
      const { material, rotationType, at } = event.data;
      // Material ids stay unique: a repeated id is not a second material.
      if (findMaterial(key, material.keyMaterialId) !== undefined) return key;
      return {
        ...key,
        materials: [...key.materials, { keyMaterialId: material.keyMaterialId, wrapped: material.wrapped, createdAt: at, rotationType }],
        onDemandRotations: key.onDemandRotations + (rotationType === 'ON_DEMAND' ? 1 : 0),
      };
    }
    case 'KeyPolicyPut':
      return { ...key, policy: event.data.policy };
    case 'KeyTagged':
      return { ...key, tags: upsertTags(key.tags, event.data.tags) };
    case 'KeyUntagged':
      return { ...key, tags: removeTags(key.tags, event.data.tagKeys) };
    case 'KeyUsed':
      // Usage is history (GetKeyLastUsage is a projection of it), not key state.
      return key;
  }
};

export const evolve = (key: Key, event: KeyEvent): Key => {
  if (event.type === 'KeyCreated') return key.status === 'Nonexistent' ? created(event) : key;
  if (!isLive(key)) return key;
  return evolveLive(key, event);
};
