// One handler per KMS operation, keyed by AWS's operation name: the table the service
// dispatches on, and the list of what keyledger implements.
import type { Handler } from '../context.js';
import type { OperationName } from '../shapes.js';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases.js';
import {
  decrypt,
  encrypt,
  generateDataKeyWithPlaintext,
  generateDataKeyWithoutPlaintext,
  generateRandom,
  reEncrypt,
} from './cryptoOps.js';
import {
  cancelKeyDeletion,
  createKey,
  describeKey,
  disableKey,
  enableKey,
  getKeyLastUsage,
  listKeys,
  scheduleKeyDeletion,
  updateKeyDescription,
} from './keyLifecycle.js';
import { disableKeyRotation, enableKeyRotation, getKeyRotationStatus, listKeyRotations, rotateKeyOnDemand } from './rotation.js';
import { getKeyPolicy, listKeyPolicies, listResourceTags, putKeyPolicy, tagResource, untagResource } from './tagsAndPolicies.js';

export const handlers: { readonly [O in OperationName]: Handler<O> } = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  UpdateKeyDescription: updateKeyDescription,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
  CreateAlias: createAlias,
  UpdateAlias: updateAlias,
  DeleteAlias: deleteAlias,
  ListAliases: listAliases,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListResourceTags: listResourceTags,
  GetKeyPolicy: getKeyPolicy,
  PutKeyPolicy: putKeyPolicy,
  ListKeyPolicies: listKeyPolicies,
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: generateDataKeyWithPlaintext,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateRandom: generateRandom,
  GetKeyLastUsage: getKeyLastUsage,
};

export const implementedOperations = Object.keys(handlers) as OperationName[];
