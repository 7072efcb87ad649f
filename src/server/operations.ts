// The one table of operations (DESIGN.md, "The API surface"): for every operation in
// src/service/shapes.ts, the request members with AWS's constraints. The constraints are the
// service model's (botocore data/kms/2014-11-01/service-2.json): KeyIdType 1–2048,
// DescriptionType 0–8192, PolicyType 1–131072 with its character pattern, PolicyNameType 1–128
// `[\w]+`, AliasNameType 1–256, PlaintextType 1–4096 bytes, CiphertextType 1–6144 bytes,
// NumberOfBytesType 1–1024, PendingWindowInDaysType 1–365 (the 7–30 rule is the domain's),
// RotationPeriodInDaysType 90–2560, MarkerType 1–1024, GrantTokenList 0–10 of 1–8192.
// Limit is one LimitType (1–1000) in the model, but each operation documents its own range
// (ListAliases 1–100, ListResourceTags 1–50), which is what we enforce.
// The compiler checks this table against the request types: see StructureSchema.
import type { Input, OperationName } from '../service/shapes.js';
import { type WireError, type WireResult } from './wireError.js';
import { decodeStructure, validationError } from './validation/decodeInput.js';
import {
  type AnyMemberSchema,
  type BlobMember,
  type EnumMember,
  type IntegerMember,
  type ListMember,
  type StringMember,
  type StructureSchema,
  required,
} from './validation/schema.js';
import type { JsonValue } from './validation/strictJson.js';
import { wireError } from './wireError.js';

const str = (min: number, max: number, pattern?: string): StringMember => (pattern === undefined ? { kind: 'string', min, max } : { kind: 'string', min, max, pattern });
const int = (min: number, max: number): IntegerMember => ({ kind: 'integer', min, max });
const blob = (min: number, max: number): BlobMember => ({ kind: 'blob', min, max });
const oneOf = <V extends string>(...values: V[]): EnumMember<V> => ({ kind: 'enum', values });

const keyId = str(1, 2048);
const aliasName = str(1, 256, '^[a-zA-Z0-9:/_-]+$');
const description = str(0, 8192);
const policy = str(1, 131072, '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+');
const policyName = str(1, 128, '[\\w]+');
const marker = str(1, 1024, '[\\u0020-\\u00FF]*');
const limit = (max: number) => int(1, max);
const grantTokens: ListMember<StringMember> = { kind: 'list', member: str(1, 8192), min: 0, max: 10 };
const boolean = { kind: 'boolean' } as const;
const context = { kind: 'map' } as const;
const tags = { kind: 'tags' } as const;
const plaintext = blob(1, 4096);
const ciphertext = blob(1, 6144);
const numberOfBytes = int(1, 1024);
const customKeyStoreId = str(1, 64);
// Enum values in the model's order, which is the order AWS prints them in messages.
const encryptionAlgorithm = oneOf('SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE');
const dataKeySpec = oneOf('AES_256', 'AES_128');
const dryRunModifiers: ListMember<EnumMember<'IGNORE_CIPHERTEXT'>> = { kind: 'list', member: oneOf('IGNORE_CIPHERTEXT') };
const legacyKeySpecs = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2'] as const;
const keySpec = oneOf(...legacyKeySpecs, 'ECC_NIST_EDWARDS25519', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024');
const keyIdOnly = { KeyId: required(keyId) };
const paged = (max: number) => ({ Limit: limit(max), Marker: marker });

interface OperationSpec<O extends OperationName> {
  readonly input: StructureSchema<Input<O>>;
  /** Rules across members, checked once every member is valid on its own. */
  readonly check?: (input: Input<O>) => WireError | undefined;
}

/** GenerateDataKey*: exactly one of KeySpec and NumberOfBytes, in AWS's words. */
const keySpecXorNumberOfBytes = (input: { KeySpec?: string; NumberOfBytes?: number }): WireError | undefined =>
  (input.KeySpec === undefined) === (input.NumberOfBytes === undefined)
    ? wireError('ValidationException', 'Please specify either number of bytes or key spec.')
    : undefined;

/** CiphertextBlob became optional in the model only for DryRunModifiers=[IGNORE_CIPHERTEXT]. */
const ciphertextUnlessIgnored = (input: { CiphertextBlob?: Uint8Array; DryRunModifiers?: readonly string[] }): WireError | undefined =>
  input.CiphertextBlob === undefined && !input.DryRunModifiers?.includes('IGNORE_CIPHERTEXT')
    ? validationError(["Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null"])
    : undefined;

export const operations: { readonly [O in OperationName]: OperationSpec<O> } = {
  CreateKey: {
    input: {
      Policy: policy,
      Description: description,
      KeyUsage: oneOf('SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT', 'ENCAPSULATE_DECAPSULATE'),
      CustomerMasterKeySpec: oneOf(...legacyKeySpecs),
      KeySpec: keySpec,
      Origin: oneOf('AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'),
      CustomKeyStoreId: customKeyStoreId,
      BypassPolicyLockoutSafetyCheck: boolean,
      Tags: tags,
      MultiRegion: boolean,
      XksKeyId: str(1, 128, '^[a-zA-Z0-9-_.]+$'),
    },
  },
  DescribeKey: { input: { ...keyIdOnly, GrantTokens: grantTokens } },
  ListKeys: { input: paged(1000) },
  UpdateKeyDescription: { input: { ...keyIdOnly, Description: required(description) } },
  EnableKey: { input: keyIdOnly },
  DisableKey: { input: keyIdOnly },
  ScheduleKeyDeletion: { input: { ...keyIdOnly, PendingWindowInDays: int(1, 365) } },
  CancelKeyDeletion: { input: keyIdOnly },
  EnableKeyRotation: { input: { ...keyIdOnly, RotationPeriodInDays: int(90, 2560) } },
  DisableKeyRotation: { input: keyIdOnly },
  GetKeyRotationStatus: { input: keyIdOnly },
  RotateKeyOnDemand: { input: keyIdOnly },
  ListKeyRotations: { input: { ...keyIdOnly, IncludeKeyMaterial: oneOf('ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'), ...paged(1000) } },
  CreateAlias: { input: { AliasName: required(aliasName), TargetKeyId: required(keyId) } },
  UpdateAlias: { input: { AliasName: required(aliasName), TargetKeyId: required(keyId) } },
  DeleteAlias: { input: { AliasName: required(aliasName) } },
  ListAliases: { input: { KeyId: keyId, ...paged(100) } },
  TagResource: { input: { ...keyIdOnly, Tags: required(tags) } },
  UntagResource: { input: { ...keyIdOnly, TagKeys: required<ListMember<StringMember>>({ kind: 'list', member: str(1, 128) }) } },
  ListResourceTags: { input: { ...keyIdOnly, ...paged(50) } },
  GetKeyPolicy: { input: { ...keyIdOnly, PolicyName: policyName } },
  PutKeyPolicy: {
    input: { ...keyIdOnly, PolicyName: policyName, Policy: required(policy), BypassPolicyLockoutSafetyCheck: boolean },
  },
  ListKeyPolicies: { input: { ...keyIdOnly, ...paged(1000) } },
  Encrypt: {
    input: {
      ...keyIdOnly,
      Plaintext: required(plaintext),
      EncryptionContext: context,
      GrantTokens: grantTokens,
      EncryptionAlgorithm: encryptionAlgorithm,
      DryRun: boolean,
    },
  },
  Decrypt: {
    input: {
      CiphertextBlob: ciphertext,
      EncryptionContext: context,
      GrantTokens: grantTokens,
      KeyId: keyId,
      EncryptionAlgorithm: encryptionAlgorithm,
      DryRun: boolean,
      DryRunModifiers: dryRunModifiers,
    },
    check: ciphertextUnlessIgnored,
  },
  ReEncrypt: {
    input: {
      CiphertextBlob: ciphertext,
      SourceEncryptionContext: context,
      SourceKeyId: keyId,
      DestinationKeyId: required(keyId),
      DestinationEncryptionContext: context,
      SourceEncryptionAlgorithm: encryptionAlgorithm,
      DestinationEncryptionAlgorithm: encryptionAlgorithm,
      GrantTokens: grantTokens,
      DryRun: boolean,
      DryRunModifiers: dryRunModifiers,
    },
    check: ciphertextUnlessIgnored,
  },
  GenerateDataKey: {
    input: { ...keyIdOnly, EncryptionContext: context, NumberOfBytes: numberOfBytes, KeySpec: dataKeySpec, GrantTokens: grantTokens, DryRun: boolean },
    check: keySpecXorNumberOfBytes,
  },
  GenerateDataKeyWithoutPlaintext: {
    input: { ...keyIdOnly, EncryptionContext: context, KeySpec: dataKeySpec, NumberOfBytes: numberOfBytes, GrantTokens: grantTokens, DryRun: boolean },
    check: keySpecXorNumberOfBytes,
  },
  GenerateRandom: { input: { NumberOfBytes: numberOfBytes, CustomKeyStoreId: customKeyStoreId } },
  GetKeyLastUsage: { input: keyIdOnly },
};

export const isOperationName = (name: string): name is OperationName => Object.hasOwn(operations, name);

/** Decodes and validates a parsed body for `operation` into its typed input. */
export const decodeInput = <O extends OperationName>(operation: O, body: JsonValue): WireResult<Input<O>> => {
  const spec: OperationSpec<O> = operations[operation];
  // The one place the typed table meets the generic walker; StructureSchema guarantees the match.
  const decoded = decodeStructure<Input<O>>(spec.input as unknown as Readonly<Record<string, AnyMemberSchema>>, body);
  if (!decoded.ok || !spec.check) return decoded;
  const problem = spec.check(decoded.value);
  return problem ? { ok: false, error: problem } : decoded;
};
