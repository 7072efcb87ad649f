// Blobs travel as base64 (RFC 4648 §4, standard alphabet, padded), as the AWS SDKs write
// them (reference/aws-kms-api.md §4). Decoding is strict: no whitespace, no URL-safe
// alphabet, correct padding, and canonical (the unused bits of the last symbol are zero,
// RFC 4648 §3.5) — Node's own decoder silently skips anything it does not understand, which
// is how emulators end up encrypting something other than what the caller sent.

const shape = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The decoded bytes, or undefined when `text` is not canonical padded base64. */
export const decodeBase64Strict = (text: string): Uint8Array | undefined => {
  if (!shape.test(text)) return undefined;
  // Given the shape, the encoding is canonical exactly when the bits the last symbol carries
  // beyond the data are zero (§3.5): 4 of them before "==", 2 before "=". Checked in place
  // rather than by encoding the bytes again and comparing.
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0) {
    const last = ALPHABET.indexOf(text.charAt(text.length - padding - 1));
    if ((last & (padding === 2 ? 0x0f : 0x03)) !== 0) return undefined;
  }
  // A copy, not a view: small Buffers share Node's allocation pool, and the service may zero
  // what it was given.
  return new Uint8Array(Buffer.from(text, 'base64'));
};

export const encodeBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
