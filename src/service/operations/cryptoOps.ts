// Encrypt, Decrypt, ReEncrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom
// (reference/aws-kms-api.md §1.2, §1.11). Symmetric keys only in this version.
import { kmsError } from '../../domain/errors.js';
import { keyArnOf, type KeyId } from '../../domain/ids.js';
import { isCryptoError } from '../../crypto/index.js';
import { findMaterial } from '../../domain/key/queries.js';
import { currentMaterial } from '../../domain/key/state.js';
import type { Handler, ServiceContext } from '../context.js';
import { useKey } from '../keyUsage.js';
import { resolveKey, resolveKeyArn, type LiveKey } from '../resolve.js';
import type { DataKeySpec, EncryptionAlgorithmSpec, EncryptionContext, RequestContext } from '../shapes.js';

const SYMMETRIC = 'SYMMETRIC_DEFAULT' as const;

const checkAlgorithm = (algorithm: EncryptionAlgorithmSpec | undefined) => (key: LiveKey): void => {
  if ((algorithm ?? SYMMETRIC) !== SYMMETRIC || key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw kmsError('InvalidKeyUsageException', `${key.keyArn} does not support encryption algorithm ${algorithm ?? SYMMETRIC}.`);
  }
};

const encryptUnder = (svc: ServiceContext, key: LiveKey, plaintext: Uint8Array, context: EncryptionContext | undefined) => {
  const material = currentMaterial(key);
  return svc.keyRing
    .encrypt(key.keyArn, key.keyId, material, plaintext, context)
    .then((blob) => ({ blob, keyMaterialId: material.keyMaterialId }));
};

export const encrypt: Handler<'Encrypt'> = async (svc, input, request) => {
  const { keyArn } = resolveKey(input.KeyId, request, svc, true);
  return useKey(svc, request, {
    operation: 'Encrypt',
    keyArn,
    algorithm: SYMMETRIC,
    context: input.EncryptionContext,
    dryRun: input.DryRun,
    check: checkAlgorithm(input.EncryptionAlgorithm),
    run: async (key) => {
      const { blob } = await encryptUnder(svc, key, input.Plaintext, input.EncryptionContext);
      return { CiphertextBlob: blob, KeyId: keyArn, EncryptionAlgorithm: SYMMETRIC };
    },
  });
};

/**
 * Which key and material a ciphertext names, read before any crypto runs; a KeyId in the
 * request must name the same key. A malformed blob is InvalidCiphertextException, no detail.
 */
const sourceOf = (svc: ServiceContext, request: RequestContext, blob: Uint8Array, keyId: string | undefined) => {
  let envelope;
  try {
    envelope = svc.keyRing.parse(blob);
  } catch (e) {
    if (isCryptoError(e)) throw kmsError('InvalidCiphertextException', e.message);
    throw e;
  }
  const keyArn = keyArnOf(request, envelope.keyId as KeyId);
  if (keyId !== undefined && resolveKeyArn(keyId, request, svc.aliases, true) !== keyArn) {
    throw kmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
  }
  return { keyArn, keyMaterialId: envelope.materialId };
};

/** Decrypts under the key the blob names, recording the use as `operation`; the plaintext stays in the service. */
const decryptFrom = (
  svc: ServiceContext,
  request: RequestContext,
  operation: 'Decrypt' | 'ReEncrypt',
  args: { blob: Uint8Array; keyId: string | undefined; context: EncryptionContext | undefined; algorithm: EncryptionAlgorithmSpec | undefined; dryRun: boolean | undefined },
) => {
  const { keyArn, keyMaterialId } = sourceOf(svc, request, args.blob, args.keyId);
  return useKey(svc, request, {
    operation,
    keyArn,
    keyMaterialId,
    algorithm: SYMMETRIC,
    context: args.context,
    contextMember: operation === 'ReEncrypt' ? 'sourceEncryptionContext' : 'encryptionContext',
    dryRun: args.dryRun,
    check: checkAlgorithm(args.algorithm),
    run: async (key) => {
      const material = findMaterial(key, keyMaterialId)!;
      return { keyArn, keyMaterialId, plaintext: await svc.keyRing.decrypt(keyArn, material, args.blob, args.context) };
    },
  });
};

export const decrypt: Handler<'Decrypt'> = async (svc, input, request) => {
  const blob = requireCiphertext(input.CiphertextBlob);
  const out = await decryptFrom(svc, request, 'Decrypt', {
    blob,
    keyId: input.KeyId,
    context: input.EncryptionContext,
    algorithm: input.EncryptionAlgorithm,
    dryRun: input.DryRun,
  });
  return { KeyId: out.keyArn, Plaintext: out.plaintext, EncryptionAlgorithm: SYMMETRIC, KeyMaterialId: out.keyMaterialId };
};

export const reEncrypt: Handler<'ReEncrypt'> = async (svc, input, request) => {
  const blob = requireCiphertext(input.CiphertextBlob);
  const { keyArn: destination } = resolveKey(input.DestinationKeyId, request, svc, true);
  const source = await decryptFrom(svc, request, 'ReEncrypt', {
    blob,
    keyId: input.SourceKeyId,
    context: input.SourceEncryptionContext,
    algorithm: input.SourceEncryptionAlgorithm,
    dryRun: false,
  });
  try {
    return await useKey(svc, request, {
      operation: 'ReEncrypt',
      keyArn: destination,
      algorithm: SYMMETRIC,
      context: input.DestinationEncryptionContext,
      contextMember: 'destinationEncryptionContext',
      dryRun: input.DryRun,
      check: checkAlgorithm(input.DestinationEncryptionAlgorithm),
      run: async (key) => {
        const { blob: out, keyMaterialId } = await encryptUnder(svc, key, source.plaintext, input.DestinationEncryptionContext);
        return {
          CiphertextBlob: out,
          SourceKeyId: source.keyArn,
          KeyId: destination,
          SourceEncryptionAlgorithm: SYMMETRIC,
          DestinationEncryptionAlgorithm: SYMMETRIC,
          SourceKeyMaterialId: source.keyMaterialId,
          DestinationKeyMaterialId: keyMaterialId,
        };
      },
    });
  } finally {
    source.plaintext.fill(0);
  }
};

const requireCiphertext = (blob: Uint8Array | undefined): Uint8Array => {
  if (blob === undefined) {
    throw kmsError('ValidationException', "1 validation error detected: Value null at 'ciphertextBlob' failed to satisfy constraint: Member must not be null");
  }
  return blob;
};

const dataKeyBytes = (keySpec: DataKeySpec | undefined, numberOfBytes: number | undefined): number => {
  if ((keySpec === undefined) === (numberOfBytes === undefined)) {
    throw kmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  return numberOfBytes ?? (keySpec === 'AES_128' ? 16 : 32);
};

const generateDataKey = async (
  svc: ServiceContext,
  request: RequestContext,
  operation: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext',
  input: { KeyId: string; EncryptionContext?: EncryptionContext; NumberOfBytes?: number; KeySpec?: DataKeySpec; DryRun?: boolean },
) => {
  const bytes = dataKeyBytes(input.KeySpec, input.NumberOfBytes);
  const { keyArn } = resolveKey(input.KeyId, request, svc, true);
  return useKey(svc, request, {
    operation,
    keyArn,
    algorithm: SYMMETRIC,
    context: input.EncryptionContext,
    dryRun: input.DryRun,
    check: checkAlgorithm(undefined),
    run: async (key) => {
      const dataKey = svc.keyRing.random(bytes);
      const { blob, keyMaterialId } = await encryptUnder(svc, key, dataKey, input.EncryptionContext);
      return { CiphertextBlob: blob, Plaintext: dataKey, KeyId: keyArn, KeyMaterialId: keyMaterialId };
    },
  });
};

export const generateDataKeyWithPlaintext: Handler<'GenerateDataKey'> = (svc, input, request) =>
  generateDataKey(svc, request, 'GenerateDataKey', input);

export const generateDataKeyWithoutPlaintext: Handler<'GenerateDataKeyWithoutPlaintext'> = async (svc, input, request) => {
  const out = await generateDataKey(svc, request, 'GenerateDataKeyWithoutPlaintext', input);
  out.Plaintext.fill(0);
  return { CiphertextBlob: out.CiphertextBlob, KeyId: out.KeyId, KeyMaterialId: out.KeyMaterialId };
};

export const generateRandom: Handler<'GenerateRandom'> = async (svc, input) => {
  if (input.CustomKeyStoreId !== undefined) {
    throw kmsError('UnsupportedOperationException', 'Custom key stores are not supported by keyledger');
  }
  if (input.NumberOfBytes === undefined) {
    throw kmsError('ValidationException', "1 validation error detected: Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null");
  }
  return { Plaintext: svc.keyRing.random(input.NumberOfBytes) };
};
