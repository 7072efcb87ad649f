// KeyMetadata as AWS returns it from CreateKey and DescribeKey (reference/aws-kms-api.md §1.13):
// both KeySpec and its deprecated twin CustomerMasterKeySpec, the algorithms the key supports,
// and the deletion date while pending deletion.
import { currentMaterial, type ExistingKey } from '../domain/key/state.js';
import type { EncryptionAlgorithmSpec, KeyMetadata } from './shapes.js';

type LiveKey = Exclude<ExistingKey, { status: 'Deleted' }>;

const encryptionAlgorithms = (key: LiveKey): EncryptionAlgorithmSpec[] | undefined => {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') return undefined;
  if (key.keySpec === 'SYMMETRIC_DEFAULT') return ['SYMMETRIC_DEFAULT'];
  if (key.keySpec.startsWith('RSA_')) return ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
  return undefined;
};

export const keyMetadata = (key: LiveKey): KeyMetadata => {
  const algorithms = encryptionAlgorithms(key);
  return {
    AWSAccountId: key.account,
    KeyId: key.keyId,
    Arn: key.keyArn,
    CreationDate: new Date(key.createdAt),
    Enabled: key.status === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.status,
    ...(key.status === 'PendingDeletion'
      ? { DeletionDate: new Date(key.deletionDate), PendingDeletionWindowInDays: key.pendingWindowInDays }
      : {}),
    Origin: key.origin,
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    ...(algorithms ? { EncryptionAlgorithms: algorithms } : {}),
    MultiRegion: key.multiRegion,
    CurrentKeyMaterialId: currentMaterial(key).keyMaterialId,
  };
};
