// Serializes a response the way AWS JSON 1.1 does (reference/aws-kms-api.md §4; @smithy/core
// codec-v2): Uint8Array → standard padded base64, Date → epoch seconds as a JSON number with
// the fraction kept (1764072000.123), undefined members omitted, member names unchanged.
// Generic over the output shapes, so one function serves every operation.
import { encodeBase64 } from './base64.js';

/** Thrown for a value no KMS shape contains: a bug in the service, reported as KMSInternalException. */
export class UnserializableOutputError extends Error {}

/**
 * What `textOf` met that no shape holds, and where: the path is assembled on the way out of the
 * recursion, so a well-formed output (every response) builds no path strings at all.
 */
class Unserializable {
  readonly path: string[] = [];
  constructor(readonly what: string) {}
}

/** `textOf(member)`, with the member's name or index added to the path of anything it refuses. */
const memberText = (member: unknown, at: string | number): string | undefined => {
  try {
    return textOf(member);
  } catch (e) {
    if (e instanceof Unserializable) e.path.unshift(typeof at === 'number' ? `[${at}]` : `.${at}`);
    throw e;
  }
};

/**
 * The JSON text of `value`, written directly member by member (no copy to JSON values first):
 * strings, finite numbers, booleans, null, blobs, dates, arrays and plain structures; undefined
 * for undefined (an omitted member). Anything else throws Unserializable.
 */
const textOf = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Unserializable('non-finite number');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new Unserializable(`unexpected ${typeof value}`);
  }
  if (value === null) return 'null';
  // Standard base64 needs no escaping inside a JSON string.
  if (value instanceof Uint8Array) return `"${encodeBase64(value)}"`;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new Unserializable('invalid Date');
    return JSON.stringify(ms / 1000);
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) text += `${i === 0 ? '' : ','}${memberText(value[i], i) ?? 'null'}`;
    return `${text}]`;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new Unserializable('unexpected object');
  // Own keys, so a member named "__proto__" stays a member.
  let text = '';
  for (const name of Object.keys(value)) {
    const member = memberText((value as Record<string, unknown>)[name], name);
    if (member !== undefined) text += `${text === '' ? '{' : ','}${JSON.stringify(name)}:${member}`;
  }
  return text === '' ? '{}' : `${text}}`;
};

/** The JSON text of an operation's output; `{}` for empty outputs. */
export const encodeOutput = (output: unknown): string => {
  const value = output ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) {
    throw new UnserializableOutputError('output is not a structure');
  }
  try {
    return textOf(value) ?? '{}';
  } catch (e) {
    if (e instanceof Unserializable) throw new UnserializableOutputError(`${e.what} at $${e.path.join('')}`);
    throw e;
  }
};
