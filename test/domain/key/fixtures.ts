// Events and commands of one test key, with literal instants. Key material is a plain string:
// the domain never unwraps it.
import { keyArnOf, type KeyArn, type KeyId } from '../../../src/domain/ids.js';
import { givenFor } from '../given.js';
import {
  keyDecider,
  type KeyCommand,
  type KeyCreated,
  type KeyEvent,
  type Tag,
  type WrappedMaterial,
} from '../../../src/domain/key/index.js';
import { defaultKeyPolicy } from '../../../src/domain/key/keyPolicy.js';

export const scope = { account: '111122223333', region: 'eu-west-2' };
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab' as KeyId;
export const ARN: KeyArn = keyArnOf(scope, KEY_ID);
export const OTHER_ID = '0987dcba-09ab-09cd-09ef-0987654321ab' as KeyId;
export const OTHER_ARN: KeyArn = keyArnOf(scope, OTHER_ID);

/** Instants used across the tests: T0 < T1 < T2 < T3, a day apart. */
export const T0 = '2024-01-01T00:00:00.000Z';
export const T1 = '2024-01-02T00:00:00.000Z';
export const T2 = '2024-01-03T00:00:00.000Z';
export const T3 = '2024-01-04T00:00:00.000Z';

/** Material number n: a 64-hex-digit id and a fake wrapped blob. */
export const material = (n: number): WrappedMaterial => ({
  keyMaterialId: n.toString(16).padStart(64, '0'),
  wrapped: `d3JhcHBlZC0${n}`,
});

export const given = givenFor(keyDecider);

// ---- events -----------------------------------------------------------------------------

export const keyCreated = (data: Partial<KeyCreated['data']> = {}): KeyCreated => ({
  type: 'KeyCreated',
  data: {
    keyId: KEY_ID,
    keyArn: ARN,
    account: scope.account,
    region: scope.region,
    at: T0,
    description: 'test key',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    multiRegion: false,
    policy: defaultKeyPolicy(scope.account),
    tags: [],
    material: material(1),
    ...data,
  },
});
export const keyEnabled = (at = T1): KeyEvent => ({ type: 'KeyEnabled', data: { at } });
export const keyDisabled = (at = T1): KeyEvent => ({ type: 'KeyDisabled', data: { at } });
export const deletionScheduled = (at = T1, days = 30, deletionDate = '2024-01-31T00:00:00.000Z'): KeyEvent => ({
  type: 'KeyDeletionScheduled',
  data: { at, deletionDate, pendingWindowInDays: days },
});
export const deletionCanceled = (at = T2): KeyEvent => ({ type: 'KeyDeletionCanceled', data: { at } });
export const keyDeleted = (at = '2024-01-31T00:00:00.000Z'): KeyEvent => ({ type: 'KeyDeleted', data: { at } });
export const rotationEnabled = (at = T1, rotationPeriodInDays = 365): KeyEvent => ({
  type: 'KeyRotationEnabled',
  data: { at, rotationPeriodInDays },
});
export const rotationDisabled = (at = T2): KeyEvent => ({ type: 'KeyRotationDisabled', data: { at } });
export const materialRotated = (n: number, at = T2, rotationType: 'AUTOMATIC' | 'ON_DEMAND' = 'ON_DEMAND'): KeyEvent => ({
  type: 'KeyMaterialRotated',
  data: { at, rotationType, material: material(n) },
});
export const keyTagged = (tags: readonly Tag[], at = T1): KeyEvent => ({ type: 'KeyTagged', data: { at, tags } });

/** The history that puts a key in each state callers can see. */
export const histories = {
  Enabled: [keyCreated()],
  Disabled: [keyCreated(), keyDisabled()],
  PendingDeletion: [keyCreated(), deletionScheduled()],
} as const;
export const gone = {
  Nonexistent: [],
  Deleted: [keyCreated(), deletionScheduled(), keyDeleted()],
} as const;

// ---- commands ---------------------------------------------------------------------------

type Fields<T extends KeyCommand['type']> = Omit<Extract<KeyCommand, { type: T }>, 'type' | 'keyArn' | 'now'>;

/** A command for the test key at `now` (T3 unless given). */
export const command = <T extends KeyCommand['type']>(type: T, fields: Fields<T>, now = T3): KeyCommand =>
  ({ type, keyArn: ARN, now, ...fields }) as KeyCommand;

export const createKey = (fields: Partial<Fields<'CreateKey'>> = {}, now = T0): KeyCommand =>
  command(
    'CreateKey',
    {
      keyId: KEY_ID,
      account: scope.account,
      region: scope.region,
      description: 'test key',
      keyUsage: 'ENCRYPT_DECRYPT',
      keySpec: 'SYMMETRIC_DEFAULT',
      origin: 'AWS_KMS',
      multiRegion: false,
      policy: defaultKeyPolicy(scope.account),
      tags: [],
      material: material(1),
      ...fields,
    },
    now,
  );

/** One instance of every command but CreateKey, for the rules that hold for all of them. */
export const everyCommandButCreate: readonly KeyCommand[] = [
  command('UpdateKeyDescription', { description: 'd' }),
  command('EnableKey', {}),
  command('DisableKey', {}),
  command('ScheduleKeyDeletion', { pendingWindowInDays: 7 }),
  command('CancelKeyDeletion', {}),
  command('FinishKeyDeletion', {}),
  command('EnableKeyRotation', {}),
  command('DisableKeyRotation', {}),
  command('RotateKeyOnDemand', { material: material(9) }),
  command('RotateKeyAutomatically', { material: material(9) }),
  command('PutKeyPolicy', { policyName: 'default', policy: '{}' }),
  command('TagResource', { tags: [{ TagKey: 'k', TagValue: 'v' }] }),
  command('UntagResource', { tagKeys: ['k'] }),
  command('UseKey', { operation: 'Encrypt', requestId: 'req-1' }),
];

/** The scheduler's commands: on a deleted key they have nothing to do rather than nothing to find. */
export const schedulerCommands: readonly KeyCommand['type'][] = ['FinishKeyDeletion', 'RotateKeyAutomatically'];
