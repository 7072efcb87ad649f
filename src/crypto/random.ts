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
