// UseKey: whether a key may be used cryptographically, and the KeyUsed fact it records
// (reference/aws-kms-api.md §3 "Key semantics", key-state table in §5; DESIGN.md "Fail closed").
import { describe, expect, it } from 'vitest';
import { INVALID_CIPHERTEXT_MESSAGE as CRYPTO_INVALID_CIPHERTEXT } from '../../../src/crypto/errors.js';
import { INVALID_CIPHERTEXT_MESSAGE, keyDecider, type KeyCommand, type UsageOperation } from '../../../src/domain/key/index.js';
import { ARN, command, given, histories, keyCreated, material, materialRotated, T3 } from './fixtures.js';

const use = (operation: UsageOperation, extra: Partial<Omit<Extract<KeyCommand, { type: 'UseKey' }>, 'type'>> = {}) =>
  command('UseKey', { operation, requestId: 'req-1', ...extra });
const id = (n: number): string => material(n).keyMaterialId;

describe('UseKey', () => {
  it('records the use with the current material when none is named', () =>
    given([keyCreated(), materialRotated(2)])
      .when(use('Encrypt', { algorithm: 'SYMMETRIC_DEFAULT', encryptionContextDigest: 'sha256:abc' }))
      .then([
        {
          type: 'KeyUsed',
          data: {
            at: T3,
            operation: 'Encrypt',
            requestId: 'req-1',
            keyMaterialId: id(2),
            algorithm: 'SYMMETRIC_DEFAULT',
            encryptionContextDigest: 'sha256:abc',
          },
        },
      ]));

  it('records the material a ciphertext names, old material included', () =>
    given([keyCreated(), materialRotated(2)])
      .when(use('Decrypt', { keyMaterialId: id(1) }))
      .then([{ type: 'KeyUsed', data: { at: T3, operation: 'Decrypt', requestId: 'req-1', keyMaterialId: id(1) } }]));

  it('leaves absent optional members out of the event (plain JSON, no undefined)', () => {
    const [event] = keyDecider.decide(use('GenerateDataKey'), given(histories.Enabled).state());
    expect(Object.keys(event?.data ?? {}).sort()).toEqual(['at', 'keyMaterialId', 'operation', 'requestId']);
  });

  it('refuses a Disabled key', () =>
    given(histories.Disabled).when(use('Encrypt')).thenThrows('DisabledException', `${ARN} is disabled.`));

  it('refuses a key pending deletion', () =>
    given(histories.PendingDeletion).when(use('Decrypt')).thenThrows('KMSInvalidStateException', `${ARN} is pending deletion.`));

  it('refuses a key whose usage does not fit the operation, in AWS’s words', () => {
    given([keyCreated({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' })])
      .when(use('Encrypt'))
      .thenThrows('InvalidKeyUsageException', `${ARN} key usage is SIGN_VERIFY which is not valid for Encrypt.`);
    given(histories.Enabled)
      .when(use('GenerateMac'))
      .thenThrows('InvalidKeyUsageException', `${ARN} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`);
    given(histories.Enabled)
      .when(use('Sign'))
      .thenThrows('InvalidKeyUsageException', `${ARN} key usage is ENCRYPT_DECRYPT which is not valid for Sign.`);
  });

  it.each([
    ['Sign', 'RSA_2048', 'SIGN_VERIFY'],
    ['Verify', 'ECC_NIST_P256', 'SIGN_VERIFY'],
    ['GenerateMac', 'HMAC_256', 'GENERATE_VERIFY_MAC'],
    ['DeriveSharedSecret', 'ECC_NIST_P384', 'KEY_AGREEMENT'],
    ['Encapsulate', 'ML_KEM_768', 'ENCAPSULATE_DECAPSULATE'],
    ['Decrypt', 'RSA_4096', 'ENCRYPT_DECRYPT'],
  ] as const)('allows %s with a %s key of usage %s', (operation, keySpec, keyUsage) =>
    given([keyCreated({ keySpec, keyUsage })]).when(use(operation)).thenState((key) => expect(key.status).toBe('Enabled')));

  it('lets the service require a specific usage', () =>
    given(histories.Enabled)
      .when(use('Encrypt', { requireKeyUsage: 'SIGN_VERIFY' }))
      .thenThrows('InvalidKeyUsageException', `${ARN} key usage is ENCRYPT_DECRYPT which is not valid for Encrypt.`));

  it('refuses material the key does not have, with the one message every decryption failure carries', () =>
    given(histories.Enabled).when(use('Decrypt', { keyMaterialId: id(7) })).thenThrows('InvalidCiphertextException', INVALID_CIPHERTEXT_MESSAGE));

  it('uses the same sentence as src/crypto, so material and tag failures look alike', () =>
    expect(INVALID_CIPHERTEXT_MESSAGE).toBe(CRYPTO_INVALID_CIPHERTEXT));

  it('checks state before key usage, and usage before material (AWS’s order)', () => {
    given([keyCreated({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' }), { type: 'KeyDisabled', data: { at: T3 } }])
      .when(use('Decrypt', { keyMaterialId: id(7) }))
      .thenThrows('DisabledException');
    given([keyCreated({ keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY' })])
      .when(use('Decrypt', { keyMaterialId: id(7) }))
      .thenThrows('InvalidKeyUsageException');
  });

  it('does not change the key state', () =>
    given(histories.Enabled).when(use('Encrypt')).thenState((key) => expect(key).toEqual(given(histories.Enabled).state())));
});
