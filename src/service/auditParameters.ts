// What an audit record may say about a request (CloudTrail's requestParameters): every member
// the caller sent, in CloudTrail's camelCase, except what must never be logged — plaintext,
// ciphertext and any other blob is left out, and an encryption context is replaced by its
// digest (DESIGN.md: "a digest (not the value) of the encryption context").
import { encryptionContextDigest, isCryptoError } from '../crypto/index.js';
import type { Json, JsonObject } from '../store/eventStore.js';

const contextMembers = new Set(['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext']);

const camel = (member: string): string => member.charAt(0).toLowerCase() + member.slice(1);

/** Orders member names as their camel() forms order, without building them when the first letters are ASCII. */
const compareCamel = (a: string, b: string): number => {
  const ca = a.charCodeAt(0);
  const cb = b.charCodeAt(0);
  // NaN (an empty name) fails both tests and takes the general path.
  if (ca < 0x80 && cb < 0x80) {
    const la = ca >= 0x41 && ca <= 0x5a ? ca + 0x20 : ca;
    const lb = cb >= 0x41 && cb <= 0x5a ? cb + 0x20 : cb;
    if (la !== lb) return la < lb ? -1 : 1;
    // Same first letter: camel(a) and camel(b) differ exactly where a and b do.
    if (ca === cb) return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = camel(a);
  const y = camel(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

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
  // Insertion sort (stable, like Array.prototype.sort, which copies its input): a request has
  // a handful of members, and this runs for every request.
  for (let i = 1; i < members.length; i++) {
    const member = members[i] as string;
    let j = i - 1;
    for (; j >= 0 && compareCamel(members[j] as string, member) > 0; j--) members[j + 1] = members[j] as string;
    members[j + 1] = member;
  }
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
