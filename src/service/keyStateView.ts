// A key's state as the forensic reads show it (`keyledger history`, the admin read API): AWS's
// member names where AWS has one (KeyState, KeySpec, KeyRotationEnabled, …), and never the
// wrapped key material the state carries — only each material's id, age and how it came to be.
import type { Key } from '../domain/key/state.js';

export interface KeyMaterialView {
  readonly KeyMaterialId: string;
  readonly CreatedAt: string;
  readonly RotationType?: string;
  readonly Current: boolean;
}

export interface KeyStateView {
  readonly KeyState: Exclude<Key['status'], 'Nonexistent'>;
  readonly KeyId: string;
  readonly Arn: string;
  readonly CreationDate: string;
  readonly Description: string;
  readonly KeySpec: string;
  readonly KeyUsage: string;
  readonly Origin: string;
  readonly MultiRegion: boolean;
  readonly Enabled: boolean;
  readonly DeletionDate?: string;
  readonly PendingDeletionWindowInDays?: number;
  readonly DeletedAt?: string;
  readonly KeyRotationEnabled: boolean;
  readonly RotationPeriodInDays?: number;
  readonly OnDemandRotations: number;
  readonly KeyMaterials: readonly KeyMaterialView[];
  readonly Tags: readonly { readonly TagKey: string; readonly TagValue: string }[];
  readonly Aliases: readonly string[];
  readonly Policy: string;
}

/** The view of a key that exists (in any state but Nonexistent) at the point asked about. */
export const keyStateView = (key: Exclude<Key, { status: 'Nonexistent' }>, aliases: readonly string[]): KeyStateView => ({
  KeyState: key.status,
  KeyId: key.keyId,
  Arn: key.keyArn,
  CreationDate: key.createdAt,
  Description: key.description,
  KeySpec: key.keySpec,
  KeyUsage: key.keyUsage,
  Origin: key.origin,
  MultiRegion: key.multiRegion,
  Enabled: key.status === 'Enabled',
  ...(key.status === 'PendingDeletion' ? { DeletionDate: key.deletionDate, PendingDeletionWindowInDays: key.pendingWindowInDays } : {}),
  ...(key.status === 'Deleted' ? { DeletedAt: key.deletedAt } : {}),
  KeyRotationEnabled: key.rotation.enabled,
  // AWS reports the period only while rotation is enabled (GetKeyRotationStatus).
  ...(key.rotation.enabled ? { RotationPeriodInDays: key.rotation.periodInDays } : {}),
  OnDemandRotations: key.onDemandRotations,
  KeyMaterials: key.materials.map((m, i) => ({
    KeyMaterialId: m.keyMaterialId,
    CreatedAt: m.createdAt,
    ...(m.rotationType !== undefined ? { RotationType: m.rotationType } : {}),
    Current: i === key.materials.length - 1,
  })),
  Tags: key.tags.map(({ TagKey, TagValue }) => ({ TagKey, TagValue })),
  Aliases: aliases,
  Policy: key.policy,
});

/**
 * Defence in depth for every JSON document the forensic reads print or send: whatever an event
 * or a state holds under `wrapped` (key material wrapped under a KEK) is left out, even if a
 * future event type carried it somewhere the views above do not expect. Use as JSON.stringify's
 * replacer.
 */
export const withoutWrapped = (key: string, value: unknown): unknown => (key === 'wrapped' ? undefined : value);
