// Canonical encoding of an AWS KMS encryption context, used as (part of) the GCM additional
// authenticated data (SP 800-38D §5.2.1.1, "A") of every symmetric ciphertext.
//
// An encryption context is a map of Unicode strings to Unicode strings; AWS treats it as a set of
// pairs (order never matters) and requires exactly the same pairs at decryption. For the AAD
// to be a faithful function of that set, the encoding must be:
// - injective: distinct maps → distinct bytes. Every open-source KMS emulator concatenates keys
//   and values without lengths, so {"ab":"c"} and {"a":"bc"} collide there. Here every string is
//   length-prefixed and the pair count leads, so the encoding is prefix-free and unambiguous.
// - canonical: independent of JavaScript property order. Entries are sorted by the UTF-8 bytes
//   of their keys (bytewise, like the AWS Encryption SDK's serialized context, and unlike
//   JavaScript's UTF-16 code-unit sort, which orders astral characters differently).
//
// Layout (all integers unsigned 32-bit big-endian):
//   count ‖ for each entry in key order: len(key) ‖ key ‖ len(value) ‖ value
// An empty or absent context is the four bytes 00 00 00 00, so "no context" and "{}" are the same
// context, as in AWS.
//
// Strings containing unpaired UTF-16 surrogates are refused (InvalidInput): UTF-8 cannot carry
// them, and TextEncoder's silent U+FFFD substitution would make "\uD800" and "\uFFFD" collide.
// The API layer should reject such contexts as a ValidationException before they get here.

import { createHash } from 'node:crypto';
import { bytesToHex, compareBytes, concatBytes, isWellFormedUtf16, u32be } from './bytes.js';
import { invalidInput } from './errors.js';

export type EncryptionContext = Readonly<Record<string, string>>;

/** Checks that `context` is absent or a plain map of strings to strings, without echoing it. */
export function assertEncryptionContext(context: unknown): asserts context is EncryptionContext | undefined {
  if (context === undefined) return;
  if (context === null || typeof context !== 'object' || Array.isArray(context))
    throw invalidInput(`"context" expected an object of string values, got ${context === null ? 'null' : Array.isArray(context) ? 'array' : typeof context}`);
  // A Map, Date or class instance has no own enumerable entries and would silently encode as the
  // empty context; only plain objects (as JSON.parse makes) are contexts.
  const proto: unknown = Object.getPrototypeOf(context);
  if (proto !== Object.prototype && proto !== null)
    throw invalidInput(`"context" expected a plain object, got ${(context as object).constructor?.name ?? 'object'}`);
  if (Object.getOwnPropertySymbols(context).length > 0) throw invalidInput('"context" must not have symbol keys');
  for (const [k, v] of Object.entries(context)) {
    if (typeof v !== 'string') throw invalidInput(`"context" values must be strings, got ${typeof v}`);
    if (!isWellFormedUtf16(k) || !isWellFormedUtf16(v))
      throw invalidInput('"context" contains an unpaired UTF-16 surrogate');
  }
}

const encoder = new TextEncoder();

/** The canonical bytes of an encryption context (see the layout above). */
export const encodeEncryptionContext = (context?: EncryptionContext | undefined): Uint8Array => {
  // No context (most requests): the encoding is u32be(0) alone.
  if (context === undefined) return new Uint8Array(4);
  assertEncryptionContext(context);
  const entries = Object.entries(context).map(([k, v]) => [encoder.encode(k), encoder.encode(v)] as const);
  // Keys of one object are distinct strings, and UTF-8 is injective on well-formed strings,
  // so no two entries tie here and the sort is total.
  entries.sort((a, b) => compareBytes(a[0], b[0]));
  return concatBytes(
    u32be(entries.length),
    ...entries.flatMap(([k, v]) => [u32be(k.length), k, u32be(v.length), v]),
  );
};

/**
 * Lowercase hex SHA-256 (FIPS 180-4) of the canonical encoding. Audit events record this
 * instead of the context itself: equal contexts give equal digests, and the value (which may
 * be sensitive) is not disclosed. Note that a low-entropy context can be guessed and checked
 * against its digest — it is an identifier, not a secret-keeping commitment.
 */
export const encryptionContextDigest = (context?: EncryptionContext | undefined): string =>
  digestOfEncodedContext(encodeEncryptionContext(context));

/** The same digest from bytes encodeEncryptionContext already produced (encode once on hot paths). */
export const digestOfEncodedContext = (encoded: Uint8Array): string => bytesToHex(createHash('sha256').update(encoded).digest());
