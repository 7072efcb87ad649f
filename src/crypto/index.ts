// The public surface of the crypto boundary (DESIGN.md, "The key hierarchy and the crypto
// boundary"): the only code that holds plaintext key material. Everything here is a pure function
// over Uint8Array, except randomness and root-key loading at startup.
//
// Deliberately not exported: encryptSymmetricWithNonces (caller-chosen salt and IV, for golden
// tests only) and the byte helpers in bytes.ts.

export {
  CryptoError,
  type CryptoErrorKind,
  INVALID_CIPHERTEXT_MESSAGE,
  KEY_UNAVAILABLE_MESSAGE,
  isCryptoError,
  keyUnavailable,
} from './errors.js';
export { MAX_RANDOM_BYTES, randomBytes } from './random.js';
export {
  AES_256_KEY_BYTES,
  GCM_IV_BYTES,
  GCM_TAG_BYTES,
  type Sealed,
  hkdfSha256,
  open,
  seal,
} from './aead.js';
export {
  ROOT_KEY_BYTES,
  ROOT_KEY_ENV,
  type LoadedRootKey,
  type RootKeyOptions,
  type RootKeySource,
  loadOrCreateRootKey,
  parseRootKey,
} from './rootKey.js';
export {
  KEK_BYTES,
  MATERIAL_ID_BYTES,
  MAX_MATERIAL_BYTES,
  SYMMETRIC_MATERIAL_BYTES,
  type MaterialBinding,
  type NewKeyMaterial,
  generateKek,
  isMaterialId,
  newKeyMaterial,
  newMaterialId,
  unwrapKek,
  unwrapMaterial,
  wrapKek,
  wrapMaterial,
} from './keyWrap.js';
export {
  type EncryptionContext,
  assertEncryptionContext,
  digestOfEncodedContext,
  encodeEncryptionContext,
  encryptionContextDigest,
} from './encryptionContext.js';
export {
  MAX_KEY_ID_BYTES,
  MAX_SYMMETRIC_PLAINTEXT_BYTES,
  MIN_SYMMETRIC_PLAINTEXT_BYTES,
  type DecryptSymmetricInput,
  type EncryptSymmetricInput,
  type ParsedEnvelope,
  decryptSymmetric,
  encryptSymmetric,
  envelopeOverhead,
  parseEnvelope,
} from './envelope.js';
