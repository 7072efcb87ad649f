// Serializes a response the way AWS JSON 1.1 does (reference/aws-kms-api.md §4; @smithy/core
// codec-v2): Uint8Array → standard padded base64, Date → epoch seconds as a JSON number with
// the fraction kept (1764072000.123), undefined members omitted, member names unchanged.
// Generic over the output shapes, so one function serves every operation.
import { encodeBase64 } from './base64.js';

type Json = null | boolean | number | string | Json[] | { [member: string]: Json };

/** Thrown for a value no KMS shape contains: a bug in the service, reported as KMSInternalException. */
export class UnserializableOutputError extends Error {}

const toJson = (value: unknown, path: string): Json | undefined => {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnserializableOutputError(`non-finite number at ${path}`);
    return value;
  }
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new UnserializableOutputError(`invalid Date at ${path}`);
    return ms / 1000;
  }
  if (Array.isArray(value)) return value.map((item: unknown, i) => toJson(item, `${path}[${i}]`) ?? null);
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new UnserializableOutputError(`unexpected object at ${path}`);
    // No prototype, so a member named "__proto__" stays a member.
    const out = Object.create(null) as { [member: string]: Json };
    for (const [name, member] of Object.entries(value)) {
      const json = toJson(member, `${path}.${name}`);
      if (json !== undefined) out[name] = json;
    }
    return out;
  }
  throw new UnserializableOutputError(`unexpected ${typeof value} at ${path}`);
};

/** The JSON text of an operation's output; `{}` for empty outputs. */
export const encodeOutput = (output: unknown): string => {
  const json = toJson(output ?? {}, '$');
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UnserializableOutputError('output is not a structure');
  return JSON.stringify(json);
};
