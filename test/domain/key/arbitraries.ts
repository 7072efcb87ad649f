// fast-check generators for the key decider's properties: well-typed events with arbitrary
// values (for "evolve is total"), and command sequences on one key whose details are filled in
// against the state at each step (for the lifecycle invariants).
import fc from 'fast-check';
import { isKmsError, type KmsError } from '../../../src/domain/errors.js';
import {
  initialKey,
  keyDecider,
  type Key,
  type KeyCommand,
  type KeyEvent,
  type Tag,
  type UsageOperation,
} from '../../../src/domain/key/index.js';
import { defaultKeyPolicy } from '../../../src/domain/key/keyPolicy.js';
import { ARN, KEY_ID, material, scope, T0 } from './fixtures.js';

const HOUR_MS = 3_600_000;
const T0_MS = Date.parse(T0);

export const arbInstant = fc.integer({ min: T0_MS, max: T0_MS + 5 * 365 * 24 * HOUR_MS }).map((ms) => new Date(ms).toISOString());

// 71 plain keys, so that a key can reach its 50 tags, and now and then the reserved prefix.
const tagKeys = fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 70 }).map((n) => `k${n}`) }, fc.constant('aws:reserved'));
const arbTag = fc.record({ TagKey: tagKeys, TagValue: fc.constantFrom('', 'v', 'w') });
const arbValidTags: fc.Arbitrary<Tag[]> = fc.uniqueArray(arbTag, { selector: (t) => t.TagKey, maxLength: 12 });
/** Mostly requests that may pass, some with duplicate keys. */
export const arbTags: fc.Arbitrary<Tag[]> = fc.oneof({ weight: 5, arbitrary: arbValidTags }, fc.array(arbTag, { maxLength: 8 }));
const arbMaterial = fc.integer({ min: 0, max: 40 }).map(material);
const operations: readonly UsageOperation[] = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'Sign', 'GenerateMac', 'ReEncrypt'];
const specs = [
  { keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT' },
  { keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' },
  { keySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' },
] as const;

/** Any key event, with values that need not make sense together. */
export const arbKeyEvent: fc.Arbitrary<KeyEvent> = fc.oneof(
  fc.record({
    type: fc.constant('KeyCreated' as const),
    data: fc.record({
      keyId: fc.constant(KEY_ID),
      keyArn: fc.constant(ARN),
      account: fc.constant(scope.account),
      region: fc.constant(scope.region),
      at: arbInstant,
      description: fc.string({ maxLength: 5 }),
      keyUsage: fc.constantFrom(...specs.map((s) => s.keyUsage)),
      keySpec: fc.constantFrom(...specs.map((s) => s.keySpec)),
      origin: fc.constantFrom('AWS_KMS' as const, 'EXTERNAL' as const),
      multiRegion: fc.boolean(),
      policy: fc.constantFrom('{}', 'not json'),
      tags: arbTags,
      material: arbMaterial,
    }),
  }),
  fc.record({
    type: fc.constant('KeyDescriptionUpdated' as const),
    data: fc.record({ description: fc.string({ maxLength: 5 }), at: arbInstant }),
  }),
  fc.record({
    type: fc.constantFrom(...(['KeyEnabled', 'KeyDisabled', 'KeyDeletionCanceled', 'KeyDeleted', 'KeyRotationDisabled'] as const)),
    data: fc.record({ at: arbInstant }),
  }),
  fc.record({
    type: fc.constant('KeyDeletionScheduled' as const),
    data: fc.record({ at: arbInstant, deletionDate: arbInstant, pendingWindowInDays: fc.integer({ min: -5, max: 400 }) }),
  }),
  fc.record({
    type: fc.constant('KeyRotationEnabled' as const),
    data: fc.record({ at: arbInstant, rotationPeriodInDays: fc.integer({ min: -5, max: 3000 }) }),
  }),
  fc.record({
    type: fc.constant('KeyMaterialRotated' as const),
    data: fc.record({ at: arbInstant, rotationType: fc.constantFrom('AUTOMATIC' as const, 'ON_DEMAND' as const), material: arbMaterial }),
  }),
  fc.record({
    type: fc.constant('KeyPolicyPut' as const),
    data: fc.record({ at: arbInstant, policyName: fc.constantFrom('default', 'x'), policy: fc.string({ maxLength: 5 }) }),
  }),
  fc.record({ type: fc.constant('KeyTagged' as const), data: fc.record({ at: arbInstant, tags: arbTags }) }),
  fc.record({
    type: fc.constant('KeyUntagged' as const),
    data: fc.record({ at: arbInstant, tagKeys: fc.array(tagKeys, { maxLength: 5 }) }),
  }),
  fc.record({
    type: fc.constant('KeyUsed' as const),
    data: fc.record(
      {
        at: arbInstant,
        operation: fc.constantFrom(...operations),
        requestId: fc.constant('r'),
        keyMaterialId: arbMaterial.map((m) => m.keyMaterialId),
        algorithm: fc.constant('SYMMETRIC_DEFAULT'),
      },
      { requiredKeys: ['at', 'operation', 'requestId'] },
    ),
  }),
);

/** A command template: what to ask, with the random choices its details are made of. */
export type Step = { readonly hours: number; readonly op: Op };
type Op =
  | { readonly t: 'CreateKey'; readonly spec: number; readonly tags: Tag[] }
  | { readonly t: 'UpdateKeyDescription'; readonly description: string }
  | { readonly t: 'EnableKey' | 'DisableKey' | 'CancelKeyDeletion' | 'FinishKeyDeletion' | 'DisableKeyRotation' }
  | { readonly t: 'ScheduleKeyDeletion'; readonly days: number }
  | { readonly t: 'EnableKeyRotation'; readonly period: number | null }
  | { readonly t: 'RotateKeyOnDemand' | 'RotateKeyAutomatically' }
  | { readonly t: 'PutKeyPolicy'; readonly policyName: string; readonly policy: string }
  | { readonly t: 'TagResource'; readonly tags: Tag[] }
  | { readonly t: 'UntagResource'; readonly tagKeys: string[] }
  | { readonly t: 'UseKey'; readonly operation: UsageOperation; readonly pick: number | null };

// Mostly symmetric keys (the ones that rotate), some signing and HMAC keys.
const arbCreate = fc.record({
  t: fc.constant('CreateKey' as const),
  spec: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.constant(1), fc.constant(2)),
  tags: arbTags,
});

const arbOp = (rotationWeight: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 1, arbitrary: arbCreate },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('UpdateKeyDescription' as const), description: fc.constantFrom('a', 'b') }) },
    {
      weight: 5,
      arbitrary: fc.record({
        t: fc.constantFrom(...(['EnableKey', 'DisableKey', 'CancelKeyDeletion', 'FinishKeyDeletion', 'DisableKeyRotation'] as const)),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('ScheduleKeyDeletion' as const), days: fc.integer({ min: 5, max: 32 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ t: fc.constant('EnableKeyRotation' as const), period: fc.option(fc.integer({ min: 85, max: 400 })) }),
    },
    {
      weight: rotationWeight,
      arbitrary: fc.record({ t: fc.constantFrom('RotateKeyOnDemand' as const, 'RotateKeyAutomatically' as const) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('PutKeyPolicy' as const),
        policyName: fc.constantFrom('default', 'default', 'other'),
        policy: fc.constantFrom('{}', '{"a":1}', '[]'),
      }),
    },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('TagResource' as const), tags: arbTags }) },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('UntagResource' as const), tagKeys: fc.array(tagKeys, { maxLength: 5 }) }),
    },
    {
      weight: 4,
      arbitrary: fc.record({ t: fc.constant('UseKey' as const), operation: fc.constantFrom(...operations), pick: fc.option(fc.nat(40)) }),
    },
  );

/** Mostly hours between commands, sometimes months (so deletions and rotations fall due). */
const arbHours = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 48 }) }, fc.integer({ min: 0, max: 100 * 24 }));

/** A CreateKey, then up to `maxLength` commands (a key that never exists only tests NotFound). */
export const arbSteps = (maxLength = 80, rotationWeight = 3): fc.Arbitrary<Step[]> =>
  fc
    .tuple(
      fc.record({ hours: fc.constant(0), op: arbCreate }),
      fc.array(fc.record({ hours: arbHours, op: arbOp(rotationWeight) }), { maxLength, size: 'max' }),
    )
    .map(([create, rest]) => [create, ...rest]);

/** The command a step asks for at `now`, its details taken from `key` (material ids never repeat: 1000 + step). */
export const commandOf = (op: Op, i: number, now: string, key: Key): KeyCommand => {
  const base = { keyArn: ARN, now };
  switch (op.t) {
    case 'CreateKey': {
      const spec = specs[op.spec] ?? specs[0];
      return {
        ...base,
        type: 'CreateKey',
        keyId: KEY_ID,
        account: scope.account,
        region: scope.region,
        description: '',
        keyUsage: spec.keyUsage,
        keySpec: spec.keySpec,
        origin: 'AWS_KMS',
        multiRegion: false,
        policy: defaultKeyPolicy(scope.account),
        tags: op.tags,
        material: material(1000 + i),
      };
    }
    case 'UpdateKeyDescription':
      return { ...base, type: op.t, description: op.description };
    case 'ScheduleKeyDeletion':
      return { ...base, type: op.t, pendingWindowInDays: op.days };
    case 'EnableKeyRotation':
      return op.period === null ? { ...base, type: op.t } : { ...base, type: op.t, rotationPeriodInDays: op.period };
    case 'RotateKeyOnDemand':
    case 'RotateKeyAutomatically':
      return { ...base, type: op.t, material: material(1000 + i) };
    case 'PutKeyPolicy':
      return { ...base, type: op.t, policyName: op.policyName, policy: op.policy };
    case 'TagResource':
      return { ...base, type: op.t, tags: op.tags };
    case 'UntagResource':
      return { ...base, type: op.t, tagKeys: op.tagKeys };
    case 'UseKey': {
      if (op.pick === null) return { ...base, type: 'UseKey', operation: op.operation, requestId: `req-${i}` };
      // Even picks name a material the key has, odd ones a material it never had.
      const materials = key.status === 'Nonexistent' ? [] : key.materials;
      const known = op.pick % 2 === 0 ? materials[op.pick % Math.max(materials.length, 1)] : undefined;
      const keyMaterialId = (known ?? material(op.pick)).keyMaterialId;
      return { ...base, type: 'UseKey', operation: op.operation, requestId: `req-${i}`, keyMaterialId };
    }
    default:
      return { ...base, type: op.t };
  }
};

export interface Outcome {
  readonly command: KeyCommand;
  readonly before: Key;
  readonly events: KeyEvent[];
  readonly refused?: KmsError;
  readonly after: Key;
}

/** Runs the steps on one key from nothing; refused commands leave the state as it was. Bugs (non-KmsErrors) propagate. */
export const runSteps = (steps: readonly Step[]): Outcome[] => {
  let key: Key = initialKey;
  let ms = T0_MS;
  return steps.map((step, i) => {
    ms += step.hours * HOUR_MS;
    const command = commandOf(step.op, i, new Date(ms).toISOString(), key);
    const before = key;
    try {
      const events = keyDecider.decide(command, before);
      key = events.reduce(keyDecider.evolve, before);
      return { command, before, events, after: key };
    } catch (e) {
      if (!isKmsError(e)) throw e;
      return { command, before, events: [], refused: e, after: before };
    }
  });
};
