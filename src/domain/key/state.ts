// The state of one KMS key, as `evolve` folds it from the key's events. A union keyed on
// `status` (AWS's KeyState names, plus our own Nonexistent and Deleted).
import type { KeyUsage, KeySpec, Origin, RotationType, Tag } from './events.js';

export interface Material {
  readonly keyMaterialId: string;
  /** base64 of the material wrapped under the key's KEK. */
  readonly wrapped: string;
  readonly createdAt: string;
  /** Absent for the material the key was created with. */
  readonly rotationType?: RotationType;
}

export interface KeyProps {
  readonly keyId: string;
  readonly keyArn: string;
  readonly account: string;
  readonly region: string;
  readonly createdAt: string;
  readonly description: string;
  readonly keyUsage: KeyUsage;
  readonly keySpec: KeySpec;
  readonly origin: Origin;
  readonly multiRegion: boolean;
  readonly policy: string;
  /** In the order they were first added; TagResource upserts by TagKey. */
  readonly tags: readonly Tag[];
  /** Oldest first; the last one is current. Only grows: old ciphertexts must still decrypt. */
  readonly materials: readonly Material[];
  readonly rotation: {
    readonly enabled: boolean;
    /** Set by the last EnableKeyRotation (default 365); reported only while enabled. */
    readonly periodInDays: number;
    /** When rotation was last enabled (the automatic schedule counts from the later of this and the current material). */
    readonly enabledAt?: string;
  };
  readonly onDemandRotations: number;
}

export type Key =
  | { readonly status: 'Nonexistent' }
  | (KeyProps & { readonly status: 'Enabled' | 'Disabled' })
  | (KeyProps & { readonly status: 'PendingDeletion'; readonly deletionDate: string; readonly pendingWindowInDays: number })
  | (KeyProps & { readonly status: 'Deleted'; readonly deletedAt: string });

export type ExistingKey = Exclude<Key, { status: 'Nonexistent' }>;

export const initialKey: Key = { status: 'Nonexistent' };

export const currentMaterial = (key: KeyProps): Material => {
  const m = key.materials[key.materials.length - 1];
  if (!m) throw new Error(`key ${key.keyArn} has no material`);
  return m;
};
