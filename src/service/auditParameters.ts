// What an audit record may say about a request (CloudTrail's requestParameters): every member
// the caller sent, in CloudTrail's camelCase, except what must never be logged — plaintext,
// ciphertext and any other blob is left out, and an encryption context is replaced by its
// digest (DESIGN.md: "a digest (not the value) of the encryption context").
import { encryptionContextDigest, isCryptoError } from '../crypto/index.js';
import type { Json, JsonObject } from '../store/eventStore.js';

const contextMembers = new Set(['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext']);

const camel = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

const jsonOf = (value: unknown): Json | undefined => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => jsonOf(v) ?? null);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      const j = jsonOf(v);
      if (j !== undefined) out[k] = j;
    }
    return out;
  }
  return undefined;
};

const digestOf = (context: unknown): Json => {
  try {
    return encryptionContextDigest(context as Record<string, string>);
  } catch (e) {
    if (isCryptoError(e)) return 'invalid';
    throw e;
  }
};

/** The loggable request parameters of `input`, in sorted order (as they are stored; see json.ts). */
export const auditParameters = (input: object): JsonObject => {
  const out: JsonObject = {};
  const members = Object.keys(input);
  if (members.length > 1) members.sort((a, b) => (camel(a) < camel(b) ? -1 : camel(a) > camel(b) ? 1 : 0));
  for (const member of members) {
    const value = (input as Record<string, unknown>)[member];
    if (value === undefined || value instanceof Uint8Array) continue;
    if (contextMembers.has(member)) {
      out[`${camel(member)}Digest`] = digestOf(value);
      continue;
    }
    const j = jsonOf(value);
    if (j !== undefined) out[camel(member)] = j;
  }
  return out;
};
