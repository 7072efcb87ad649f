// Random bytes from the operating system's CSPRNG (node:crypto → OpenSSL RAND_bytes, seeded
// from getrandom(2)), the approved source SP 800-90A/B/C describes. Every key, KEK, salt, IV and
// id in src/crypto comes from here; the service uses it for GenerateRandom and GenerateDataKey.

import { randomFillSync } from 'node:crypto';
import { assertInteger } from './bytes.js';

/** Upper bound per call; AWS caps GenerateRandom at 1024 bytes, so this is generous. */
export const MAX_RANDOM_BYTES = 65_536;

// Each call into the CSPRNG costs a few microseconds however few bytes it returns, and every
// Encrypt needs a salt and an IV: small requests are served from a pool refilled 16 KiB at a
// time (node's randomUUID caches the same way). Bytes handed out are copied and wiped from the
// pool, so no key material lingers in it.
const POOL_BYTES = 16_384;
const POOLED_MAX = 1024;
const pool = new Uint8Array(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `n` bytes from the CSPRNG, as a fresh plain Uint8Array (never a view of a shared buffer, so
 * a caller may zero it without touching anyone else's bytes).
 */
export const randomBytes = (n: number): Uint8Array => {
  assertInteger('n', n, 0, MAX_RANDOM_BYTES);
  if (n > POOLED_MAX) return randomFillSync(new Uint8Array(n));
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = pool.slice(offset, offset + n);
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
};

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const uuidText = Buffer.alloc(36);

/**
 * A random (version 4) UUID, RFC 9562 §5.4: 122 bits from the pool, the version and variant
 * bits set. What crypto.randomUUID returns, written into one buffer and read out as one
 * string: node's builds it from twenty concatenations (about 590 heap bytes a call against
 * about 60 here), and every request needs one for its id.
 */
export const randomUuid = (): string => {
  if (offset + 16 > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  let at = 0;
  for (let i = 0; i < 16; i++) {
    let byte = pool[offset + i] as number;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) uuidText[at++] = 0x2d;
    uuidText[at++] = HEX_DIGITS[byte >> 4] as number;
    uuidText[at++] = HEX_DIGITS[byte & 0x0f] as number;
  }
  pool.fill(0, offset, offset + 16);
  offset += 16;
  return uuidText.toString('latin1', 0, 36);
};
