// What a caller (or the scheduler) asks of one KMS key. Commands are plain data: the time
// (`now`), fresh ids and already-wrapped key material arrive in them, so `decide` stays pure
// and the same command on the same state always gives the same events.
//
// Every command names the key by ARN: a missing key has no state to take it from, and AWS's
// NotFoundException message quotes it.
import type { KeyArn, KeyId } from '../ids.js';
import type { KeySpec, KeyUsage, Origin, Tag, UsageOperation, WrappedMaterial } from './events.js';

interface KeyCommandBase<T extends string> {
  readonly type: T;
  readonly keyArn: KeyArn;
  /** ISO-8601 instant stamped by the service's clock. */
  readonly now: string;
}

export interface CreateKey extends KeyCommandBase<'CreateKey'> {
  readonly keyId: KeyId;
  readonly account: string;
  readonly region: string;
  readonly description: string;
  readonly keyUsage: KeyUsage;
  readonly keySpec: KeySpec;
  readonly origin: Origin;
  readonly multiRegion: boolean;
  /** Already defaulted by the service (see `defaultKeyPolicy`) when the request had none. */
  readonly policy: string;
  readonly tags: readonly Tag[];
  readonly material: WrappedMaterial;
}

export interface UpdateKeyDescription extends KeyCommandBase<'UpdateKeyDescription'> {
  readonly description: string;
}

export type EnableKey = KeyCommandBase<'EnableKey'>;
export type DisableKey = KeyCommandBase<'DisableKey'>;

export interface ScheduleKeyDeletion extends KeyCommandBase<'ScheduleKeyDeletion'> {
  /** 7–30; the API layer defaults it to 30. */
  readonly pendingWindowInDays: number;
}

export type CancelKeyDeletion = KeyCommandBase<'CancelKeyDeletion'>;

/** The scheduler's command once a key's waiting period has ended (after the KEK is destroyed). */
export type FinishKeyDeletion = KeyCommandBase<'FinishKeyDeletion'>;

export interface EnableKeyRotation extends KeyCommandBase<'EnableKeyRotation'> {
  /** 90–2560; 365 when absent. */
  readonly rotationPeriodInDays?: number;
}

export type DisableKeyRotation = KeyCommandBase<'DisableKeyRotation'>;

export interface RotateKeyOnDemand extends KeyCommandBase<'RotateKeyOnDemand'> {
  readonly material: WrappedMaterial;
}

/** The scheduler's command when `isRotationDue` says so; a no-op when it no longer is. */
export interface RotateKeyAutomatically extends KeyCommandBase<'RotateKeyAutomatically'> {
  readonly material: WrappedMaterial;
}

export interface PutKeyPolicy extends KeyCommandBase<'PutKeyPolicy'> {
  readonly policyName: string;
  readonly policy: string;
}

export interface TagResource extends KeyCommandBase<'TagResource'> {
  readonly tags: readonly Tag[];
}

export interface UntagResource extends KeyCommandBase<'UntagResource'> {
  readonly tagKeys: readonly string[];
}

/**
 * A cryptographic use of the key, asked before any crypto runs: the one place that decides
 * whether the key may be used. Its KeyUsed event is appended before the result leaves the
 * service (DESIGN.md, "Fail closed").
 */
export interface UseKey extends KeyCommandBase<'UseKey'> {
  readonly operation: UsageOperation;
  readonly requestId: string;
  /** The material named by a ciphertext (Decrypt, ReEncrypt source); absent = current material. */
  readonly keyMaterialId?: string;
  readonly algorithm?: string;
  /** A digest of the encryption context, never its value. */
  readonly encryptionContextDigest?: string;
  /** Overrides the key usage the operation implies (see `keyUsageFor`). */
  readonly requireKeyUsage?: KeyUsage;
}

export type KeyCommand =
  | CreateKey
  | UpdateKeyDescription
  | EnableKey
  | DisableKey
  | ScheduleKeyDeletion
  | CancelKeyDeletion
  | FinishKeyDeletion
  | EnableKeyRotation
  | DisableKeyRotation
  | RotateKeyOnDemand
  | RotateKeyAutomatically
  | PutKeyPolicy
  | TagResource
  | UntagResource
  | UseKey;

export type KeyCommandType = KeyCommand['type'];
