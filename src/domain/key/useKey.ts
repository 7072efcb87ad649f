// The one place that decides whether a key may be used cryptographically (Encrypt, Decrypt,
// Sign, GenerateMac, …). The service asks it before any crypto runs and appends its KeyUsed
// event, with the key stream's expected revision, before the result leaves (DESIGN.md,
// "Fail closed"): a concurrent DisableKey makes the append fail instead of racing the use.
import { kmsError } from '../errors.js';
import type { UseKey } from './commands.js';
import type { KeyEvent, KeyUsed } from './events.js';
import { requireEnabled, requireLive } from './guards.js';
import { keyUsageFor } from './keySpecs.js';
import { findMaterial } from './queries.js';
import { currentMaterial, type Key } from './state.js';

/**
 * AWS's message for a failed decryption is empty, and every decryption failure must look
 * alike (no oracle): this is the sentence src/crypto uses for all of them, so an unknown
 * material id is indistinguishable from a bad tag. A test pins the two together.
 */
export const INVALID_CIPHERTEXT_MESSAGE = 'The ciphertext is invalid';

type RequiredMembers<T> = { [M in keyof T]-?: object extends Pick<T, M> ? never : M }[keyof T];
/**
 * The required members of KeyUsed's data that useKey sets in place, which its cast hides from the
 * checker: a member added to the event fails to compile here until useKey sets it too.
 */
type SetByUseKey = 'at' | 'operation' | 'requestId';
type UseKeySetsEveryRequiredMember = [RequiredMembers<KeyUsed['data']>] extends [SetByUseKey] ? true : never;
const setsEveryRequiredMember: UseKeySetsEveryRequiredMember = true;

export const useKey = (command: UseKey, state: Key): KeyEvent[] => {
  const key = requireEnabled(requireLive(command.keyArn, state));
  const required = command.requireKeyUsage ?? keyUsageFor(command.operation);
  if (key.keyUsage !== required) {
    throw kmsError(
      'InvalidKeyUsageException',
      `${key.keyArn} key usage is ${key.keyUsage} which is not valid for ${command.operation}.`,
    );
  }
  if (command.keyMaterialId !== undefined && findMaterial(key, command.keyMaterialId) === undefined) {
    throw kmsError('InvalidCiphertextException', INVALID_CIPHERTEXT_MESSAGE);
  }
  // Optional members are left out rather than set to undefined: event data is plain JSON.
  // Members in sorted order, which is how they are stored: the store encodes an object already
  // in that order with one JSON.stringify (src/store/json.ts). Added in place rather than
  // spread in, since this runs for every cryptographic request.
  const data: { -readonly [M in keyof KeyUsed['data']]: KeyUsed['data'][M] } = {} as KeyUsed['data'];
  if (command.algorithm !== undefined) data.algorithm = command.algorithm;
  data.at = command.now;
  if (command.encryptionContextDigest !== undefined) data.encryptionContextDigest = command.encryptionContextDigest;
  data.keyMaterialId = command.keyMaterialId ?? currentMaterial(key).keyMaterialId;
  data.operation = command.operation;
  data.requestId = command.requestId;
  return [{ type: 'KeyUsed', data }];
};
