// Byte helpers shared by the crypto modules: argument checks with precise messages (noble's
// habit: every input checked on the first line), big-endian length prefixes, strict hex and
// strict UTF-8 (RFC 3629: only Unicode scalar values are encodable). Internal to src/crypto; not re-exported from index.ts.

import { invalidInput } from './errors.js';

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
};

/** Throws InvalidInput unless `value` is a Uint8Array of exactly `length` bytes (if given). */
export function assertBytes(name: string, value: unknown, length?: number): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw invalidInput(`"${name}" expected Uint8Array, got ${describe(value)}`);
  if (length !== undefined && value.length !== length)
    throw invalidInput(`"${name}" expected ${length} bytes, got ${value.length}`);
}

/** Throws InvalidInput unless `value` is a Uint8Array whose length lies in [min, max]. */
export function assertBytesIn(name: string, value: unknown, min: number, max: number): asserts value is Uint8Array {
  assertBytes(name, value);
  if (value.length < min || value.length > max)
    throw invalidInput(`"${name}" expected ${min}..${max} bytes, got ${value.length}`);
}

export function assertString(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw invalidInput(`"${name}" expected string, got ${describe(value)}`);
}

export function assertInteger(name: string, value: unknown, min: number, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max)
    throw invalidInput(`"${name}" expected an integer in ${min}..${max}, got ${typeof value === 'number' ? value : describe(value)}`);
}

export const concatBytes = (...parts: readonly Uint8Array[]): Uint8Array => {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};

export const u32be = (n: number): Uint8Array => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw invalidInput(`u32 out of range: ${n}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
};

/**
 * u32be(len) ‖ bytes for each part. A prefix-free encoding, so distinct tuples of parts never
 * encode to the same bytes — the property every AAD and KDF `info` string here relies on.
 */
export const lengthPrefixed = (...parts: readonly Uint8Array[]): Uint8Array =>
  concatBytes(...parts.flatMap((p) => [u32be(p.length), p]));

// A lone surrogate (\p{Cs} only matches *unpaired* surrogates in a /u regex). TextEncoder
// would silently replace it by U+FFFD, so "\uD800" and "\uFFFD" would encode alike.
const LONE_SURROGATE = /\p{Cs}/u;

// String.prototype.isWellFormed (ES2024, in Node 20) answers the same question natively, an
// order of magnitude faster than the regex on the Encrypt hot path; the regex is the fallback.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

export const isWellFormedUtf16 = (s: string): boolean =>
  nativeIsWellFormed ? nativeIsWellFormed.call(s) : !LONE_SURROGATE.test(s);

const encoder = new TextEncoder();

/** UTF-8 encoding that refuses strings TextEncoder would alter (lone surrogates). */
export const utf8 = (name: string, s: string): Uint8Array => {
  assertString(name, s);
  if (!isWellFormedUtf16(s)) throw invalidInput(`"${name}" contains an unpaired UTF-16 surrogate`);
  return encoder.encode(s);
};

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex only: one spelling per byte string, so ids compare as strings. */
export const hexToBytes = (name: string, hex: string): Uint8Array => {
  assertString(name, hex);
  if (!HEX.test(hex)) throw invalidInput(`"${name}" expected lowercase hex of even length`);
  // Validated above, so node's decoder (which stops silently at a bad digit) sees only good input.
  return toUint8Array(Buffer.from(hex, 'hex'));
};

export const bytesToHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** Lexicographic comparison of byte strings (shorter prefix first), as used by sort(). */
export const compareBytes = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
};

/**
 * True if every byte is zero, examined without early exit. An all-zero 256-bit key is never
 * drawn from a CSPRNG (probability 2^-256) but is exactly what a key looks like after fill(0):
 * callers use this to fail closed on a key used after it was zeroed (e.g. evicted from a cache
 * while a request still held it), instead of encrypting under the public key 0^256.
 */
export const isZeroized = (bytes: Uint8Array): boolean => {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
};

/** Copies a node Buffer (or any view) into a fresh, unshared Uint8Array. */
export const toUint8Array = (view: Uint8Array): Uint8Array => {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
};
