// Which key usages each key spec allows, and which usage each cryptographic operation needs
// (reference/aws-kms-api.md §2.1, from the CreateKey KeySpec documentation).
import type { KeySpec, KeyUsage, UsageOperation } from './events.js';

/** AWS's three key types: UpdateAlias refuses to move an alias across them. */
export type KeyType = 'SYMMETRIC' | 'ASYMMETRIC' | 'HMAC';

export const keyTypeOf = (spec: KeySpec): KeyType => {
  if (spec === 'SYMMETRIC_DEFAULT') return 'SYMMETRIC';
  if (spec.startsWith('HMAC_')) return 'HMAC';
  return 'ASYMMETRIC';
};

const rsa: readonly KeyUsage[] = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
const nistEcc: readonly KeyUsage[] = ['SIGN_VERIFY', 'KEY_AGREEMENT'];
const signOnly: readonly KeyUsage[] = ['SIGN_VERIFY'];
const mac: readonly KeyUsage[] = ['GENERATE_VERIFY_MAC'];
const kem: readonly KeyUsage[] = ['ENCAPSULATE_DECAPSULATE'];

export const keyUsagesFor: Readonly<Record<KeySpec, readonly KeyUsage[]>> = {
  SYMMETRIC_DEFAULT: ['ENCRYPT_DECRYPT'],
  RSA_2048: rsa,
  RSA_3072: rsa,
  RSA_4096: rsa,
  ECC_NIST_P256: nistEcc,
  ECC_NIST_P384: nistEcc,
  ECC_NIST_P521: nistEcc,
  ECC_SECG_P256K1: signOnly,
  ECC_NIST_EDWARDS25519: signOnly,
  HMAC_224: mac,
  HMAC_256: mac,
  HMAC_384: mac,
  HMAC_512: mac,
  ML_DSA_44: signOnly,
  ML_DSA_65: signOnly,
  ML_DSA_87: signOnly,
  ML_KEM_512: kem,
  ML_KEM_768: kem,
  ML_KEM_1024: kem,
  // China Regions only at AWS; accepted here because nothing in the domain depends on the Region.
  SM2: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
};

/** The key usage an operation needs; InvalidKeyUsageException names the operation when it differs. */
export const keyUsageFor = (operation: UsageOperation): KeyUsage => {
  switch (operation) {
    case 'Sign':
    case 'Verify':
      return 'SIGN_VERIFY';
    case 'GenerateMac':
    case 'VerifyMac':
      return 'GENERATE_VERIFY_MAC';
    case 'DeriveSharedSecret':
      return 'KEY_AGREEMENT';
    case 'Encapsulate':
    case 'Decapsulate':
      return 'ENCAPSULATE_DECAPSULATE';
    case 'Encrypt':
    case 'Decrypt':
    case 'ReEncrypt':
    case 'GenerateDataKey':
    case 'GenerateDataKeyWithoutPlaintext':
    case 'GenerateDataKeyPair':
    case 'GenerateDataKeyPairWithoutPlaintext':
      return 'ENCRYPT_DECRYPT';
  }
};
