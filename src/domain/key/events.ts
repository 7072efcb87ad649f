// Facts about one KMS key, past tense, plain JSON data. Names are permanent (a test pins
// them): a changed shape is a new event type or an upcaster in src/store, never an edit.
// All of a key's events — lifecycle and usage — share its stream `key-<keyArn>`.

/** A domain event: a literal type and JSON data. Metadata (who, when, request) travels beside it. */
export interface Event<T extends string, D> {
  readonly type: T;
  readonly data: D;
}

export interface Tag {
  readonly TagKey: string;
  readonly TagValue: string;
}

export type KeySpec =
  | 'SYMMETRIC_DEFAULT'
  | 'RSA_2048'
  | 'RSA_3072'
  | 'RSA_4096'
  | 'ECC_NIST_P256'
  | 'ECC_NIST_P384'
  | 'ECC_NIST_P521'
  | 'ECC_SECG_P256K1'
  | 'ECC_NIST_EDWARDS25519'
  | 'HMAC_224'
  | 'HMAC_256'
  | 'HMAC_384'
  | 'HMAC_512'
  | 'ML_DSA_44'
  | 'ML_DSA_65'
  | 'ML_DSA_87'
  | 'ML_KEM_512'
  | 'ML_KEM_768'
  | 'ML_KEM_1024'
  | 'SM2';

export type KeyUsage = 'ENCRYPT_DECRYPT' | 'SIGN_VERIFY' | 'GENERATE_VERIFY_MAC' | 'KEY_AGREEMENT' | 'ENCAPSULATE_DECAPSULATE';
export type Origin = 'AWS_KMS' | 'EXTERNAL' | 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE';
export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

/** Operations whose use of a key is recorded (AWS's KeyLastUsageTrackingOperation). */
export type UsageOperation =
  | 'Encrypt'
  | 'Decrypt'
  | 'ReEncrypt'
  | 'GenerateDataKey'
  | 'GenerateDataKeyWithoutPlaintext'
  | 'GenerateDataKeyPair'
  | 'GenerateDataKeyPairWithoutPlaintext'
  | 'Sign'
  | 'Verify'
  | 'GenerateMac'
  | 'VerifyMac'
  | 'DeriveSharedSecret'
  | 'Encapsulate'
  | 'Decapsulate';

/**
 * Backing key material, wrapped under the key's KEK (which lives in the vault) with the key
 * ARN and material id as associated data. Never plaintext.
 */
export interface WrappedMaterial {
  /** 64 lowercase hex characters (AWS KeyMaterialId). */
  readonly keyMaterialId: string;
  /** base64 of the wrapped bytes. */
  readonly wrapped: string;
}

export type KeyCreated = Event<
  'KeyCreated',
  {
    readonly keyId: string;
    readonly keyArn: string;
    readonly account: string;
    readonly region: string;
    readonly at: string;
    readonly description: string;
    readonly keyUsage: KeyUsage;
    readonly keySpec: KeySpec;
    readonly origin: Origin;
    readonly multiRegion: boolean;
    readonly policy: string;
    readonly tags: readonly Tag[];
    readonly material: WrappedMaterial;
  }
>;
export type KeyDescriptionUpdated = Event<'KeyDescriptionUpdated', { readonly description: string; readonly at: string }>;
export type KeyEnabled = Event<'KeyEnabled', { readonly at: string }>;
export type KeyDisabled = Event<'KeyDisabled', { readonly at: string }>;
export type KeyDeletionScheduled = Event<
  'KeyDeletionScheduled',
  { readonly at: string; readonly deletionDate: string; readonly pendingWindowInDays: number }
>;
export type KeyDeletionCanceled = Event<'KeyDeletionCanceled', { readonly at: string }>;
/** The key's KEK has been destroyed: its material in this log is unreadable for ever. */
export type KeyDeleted = Event<'KeyDeleted', { readonly at: string }>;
export type KeyRotationEnabled = Event<'KeyRotationEnabled', { readonly at: string; readonly rotationPeriodInDays: number }>;
export type KeyRotationDisabled = Event<'KeyRotationDisabled', { readonly at: string }>;
export type KeyMaterialRotated = Event<
  'KeyMaterialRotated',
  { readonly at: string; readonly rotationType: RotationType; readonly material: WrappedMaterial }
>;
export type KeyPolicyPut = Event<'KeyPolicyPut', { readonly at: string; readonly policyName: string; readonly policy: string }>;
export type KeyTagged = Event<'KeyTagged', { readonly at: string; readonly tags: readonly Tag[] }>;
export type KeyUntagged = Event<'KeyUntagged', { readonly at: string; readonly tagKeys: readonly string[] }>;
/**
 * A cryptographic use of the key, appended before the result leaves the service (fail closed).
 * The encryption context appears only as a digest, never as its value.
 */
export type KeyUsed = Event<
  'KeyUsed',
  {
    readonly at: string;
    readonly operation: UsageOperation;
    readonly requestId: string;
    readonly keyMaterialId?: string;
    readonly algorithm?: string;
    readonly encryptionContextDigest?: string;
  }
>;

export type KeyEvent =
  | KeyCreated
  | KeyDescriptionUpdated
  | KeyEnabled
  | KeyDisabled
  | KeyDeletionScheduled
  | KeyDeletionCanceled
  | KeyDeleted
  | KeyRotationEnabled
  | KeyRotationDisabled
  | KeyMaterialRotated
  | KeyPolicyPut
  | KeyTagged
  | KeyUntagged
  | KeyUsed;

export type KeyEventType = KeyEvent['type'];

/** Every key event name, pinned by a test: these strings are in logs for ever. */
export const keyEventTypes: readonly KeyEventType[] = [
  'KeyCreated',
  'KeyDescriptionUpdated',
  'KeyEnabled',
  'KeyDisabled',
  'KeyDeletionScheduled',
  'KeyDeletionCanceled',
  'KeyDeleted',
  'KeyRotationEnabled',
  'KeyRotationDisabled',
  'KeyMaterialRotated',
  'KeyPolicyPut',
  'KeyTagged',
  'KeyUntagged',
  'KeyUsed',
];
