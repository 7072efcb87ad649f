// Request and response shapes of the AWS KMS operations keyledger implements, mirroring the
// service model member for member (PascalCase names, optional where AWS's are), so that the
// HTTP layer is a thin generic codec: blobs are Uint8Array (base64 on the wire) and
// timestamps are Date (epoch seconds on the wire). Validation against AWS's limits happens
// at the edge (src/server); the service re-checks only what the domain owns.
import type { KeySpec, KeyUsage, Origin, RotationType, Tag, UsageOperation } from '../domain/key/events.js';

export type { Tag };
export type KeyState = 'Creating' | 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingImport' | 'PendingReplicaDeletion' | 'Unavailable' | 'Updating';
export type EncryptionAlgorithmSpec = 'SYMMETRIC_DEFAULT' | 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'SM2PKE';
export type DataKeySpec = 'AES_128' | 'AES_256';
export type EncryptionContext = Readonly<Record<string, string>>;

export interface KeyMetadata {
  AWSAccountId: string;
  KeyId: string;
  Arn: string;
  CreationDate: Date;
  Enabled: boolean;
  Description: string;
  KeyUsage: KeyUsage;
  KeyState: KeyState;
  DeletionDate?: Date;
  PendingDeletionWindowInDays?: number;
  Origin: Origin;
  KeyManager: 'AWS' | 'CUSTOMER';
  CustomerMasterKeySpec: KeySpec;
  KeySpec: KeySpec;
  EncryptionAlgorithms?: EncryptionAlgorithmSpec[];
  MultiRegion: boolean;
  CurrentKeyMaterialId?: string;
}

interface Paged {
  Limit?: number;
  Marker?: string;
}
interface PageOut {
  NextMarker?: string;
  Truncated: boolean;
}
interface DryRunnable {
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface CreateKeyRequest {
  Policy?: string;
  Description?: string;
  KeyUsage?: KeyUsage;
  CustomerMasterKeySpec?: KeySpec;
  KeySpec?: KeySpec;
  Origin?: Origin;
  CustomKeyStoreId?: string;
  BypassPolicyLockoutSafetyCheck?: boolean;
  Tags?: Tag[];
  MultiRegion?: boolean;
  XksKeyId?: string;
}
export interface KeyIdOnly {
  KeyId: string;
}
export type Empty = Record<string, never>;

export interface Operations {
  CreateKey: { input: CreateKeyRequest; output: { KeyMetadata: KeyMetadata } };
  DescribeKey: { input: KeyIdOnly & { GrantTokens?: string[] }; output: { KeyMetadata: KeyMetadata } };
  ListKeys: { input: Paged; output: PageOut & { Keys: { KeyId: string; KeyArn: string }[] } };
  UpdateKeyDescription: { input: KeyIdOnly & { Description: string }; output: Empty };
  EnableKey: { input: KeyIdOnly; output: Empty };
  DisableKey: { input: KeyIdOnly; output: Empty };
  ScheduleKeyDeletion: {
    input: KeyIdOnly & { PendingWindowInDays?: number };
    output: { KeyId: string; DeletionDate: Date; KeyState: KeyState; PendingWindowInDays: number };
  };
  CancelKeyDeletion: { input: KeyIdOnly; output: { KeyId: string } };
  EnableKeyRotation: { input: KeyIdOnly & { RotationPeriodInDays?: number }; output: Empty };
  DisableKeyRotation: { input: KeyIdOnly; output: Empty };
  GetKeyRotationStatus: {
    input: KeyIdOnly;
    output: {
      KeyRotationEnabled: boolean;
      KeyId: string;
      RotationPeriodInDays?: number;
      NextRotationDate?: Date;
      OnDemandRotationStartDate?: Date;
    };
  };
  RotateKeyOnDemand: { input: KeyIdOnly; output: { KeyId: string } };
  ListKeyRotations: {
    input: KeyIdOnly & Paged & { IncludeKeyMaterial?: 'ALL_KEY_MATERIAL' | 'ROTATIONS_ONLY' };
    output: PageOut & {
      Rotations: {
        KeyId: string;
        KeyMaterialId: string;
        KeyMaterialState: 'CURRENT' | 'NON_CURRENT';
        RotationDate?: Date;
        RotationType?: RotationType;
      }[];
    };
  };
  CreateAlias: { input: { AliasName: string; TargetKeyId: string }; output: Empty };
  UpdateAlias: { input: { AliasName: string; TargetKeyId: string }; output: Empty };
  DeleteAlias: { input: { AliasName: string }; output: Empty };
  ListAliases: {
    input: Paged & { KeyId?: string };
    output: PageOut & {
      Aliases: { AliasName: string; AliasArn: string; TargetKeyId?: string; CreationDate?: Date; LastUpdatedDate?: Date }[];
    };
  };
  TagResource: { input: KeyIdOnly & { Tags: Tag[] }; output: Empty };
  UntagResource: { input: KeyIdOnly & { TagKeys: string[] }; output: Empty };
  ListResourceTags: { input: KeyIdOnly & Paged; output: PageOut & { Tags: Tag[] } };
  GetKeyPolicy: { input: KeyIdOnly & { PolicyName?: string }; output: { Policy: string; PolicyName: string } };
  PutKeyPolicy: {
    input: KeyIdOnly & { PolicyName?: string; Policy: string; BypassPolicyLockoutSafetyCheck?: boolean };
    output: Empty;
  };
  ListKeyPolicies: { input: KeyIdOnly & Paged; output: PageOut & { PolicyNames: string[] } };
  Encrypt: {
    input: KeyIdOnly &
      DryRunnable & { Plaintext: Uint8Array; EncryptionContext?: EncryptionContext; EncryptionAlgorithm?: EncryptionAlgorithmSpec };
    output: { CiphertextBlob: Uint8Array; KeyId: string; EncryptionAlgorithm: EncryptionAlgorithmSpec };
  };
  Decrypt: {
    input: DryRunnable & {
      CiphertextBlob?: Uint8Array;
      EncryptionContext?: EncryptionContext;
      KeyId?: string;
      EncryptionAlgorithm?: EncryptionAlgorithmSpec;
      DryRunModifiers?: 'IGNORE_CIPHERTEXT'[];
    };
    output: { KeyId: string; Plaintext: Uint8Array; EncryptionAlgorithm: EncryptionAlgorithmSpec; KeyMaterialId: string };
  };
  ReEncrypt: {
    input: DryRunnable & {
      CiphertextBlob?: Uint8Array;
      SourceEncryptionContext?: EncryptionContext;
      SourceKeyId?: string;
      DestinationKeyId: string;
      DestinationEncryptionContext?: EncryptionContext;
      SourceEncryptionAlgorithm?: EncryptionAlgorithmSpec;
      DestinationEncryptionAlgorithm?: EncryptionAlgorithmSpec;
      DryRunModifiers?: 'IGNORE_CIPHERTEXT'[];
    };
    output: {
      CiphertextBlob: Uint8Array;
      SourceKeyId: string;
      KeyId: string;
      SourceEncryptionAlgorithm: EncryptionAlgorithmSpec;
      DestinationEncryptionAlgorithm: EncryptionAlgorithmSpec;
      SourceKeyMaterialId: string;
      DestinationKeyMaterialId: string;
    };
  };
  GenerateDataKey: {
    input: KeyIdOnly & DryRunnable & { EncryptionContext?: EncryptionContext; NumberOfBytes?: number; KeySpec?: DataKeySpec };
    output: { CiphertextBlob: Uint8Array; Plaintext: Uint8Array; KeyId: string; KeyMaterialId: string };
  };
  GenerateDataKeyWithoutPlaintext: {
    input: KeyIdOnly & DryRunnable & { EncryptionContext?: EncryptionContext; NumberOfBytes?: number; KeySpec?: DataKeySpec };
    output: { CiphertextBlob: Uint8Array; KeyId: string; KeyMaterialId: string };
  };
  GenerateRandom: { input: { NumberOfBytes?: number; CustomKeyStoreId?: string }; output: { Plaintext: Uint8Array } };
  GetKeyLastUsage: {
    input: KeyIdOnly;
    output: {
      KeyId: string;
      KeyLastUsage: { Operation?: UsageOperation; Timestamp?: Date; CloudTrailEventId?: string; KmsRequestId?: string };
      TrackingStartDate: Date;
      KeyCreationDate: Date;
    };
  };
}

export type OperationName = keyof Operations;
export type Input<O extends OperationName> = Operations[O]['input'];
export type Output<O extends OperationName> = Operations[O]['output'];

/** Who is asking, from where, in which partition. Flows into every event's metadata. */
export interface RequestContext {
  readonly requestId: string;
  readonly account: string;
  readonly region: string;
  readonly principalArn: string;
  readonly accessKeyId?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Set by the service, not the caller: the request's loggable parameters (see auditParameters). */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** The service as the HTTP layer sees it: one generic entry point, typed per operation. */
export interface KmsApi {
  execute<O extends OperationName>(operation: O, input: Input<O>, context: RequestContext): Promise<Output<O>>;
}
