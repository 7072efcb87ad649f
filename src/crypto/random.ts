// Random bytes from the operating system's CSPRNG (node:crypto → OpenSSL RAND_bytes, seeded
// from getrandom(2)), the approved source SP 800-90A/B/C describes. Every key, KEK, salt, IV and
// id in src/crypto comes from here; the service uses it for GenerateRandom and GenerateDataKey.

import { randomFillSync } from 'node:crypto';
import { assertInteger } from './bytes.js';

/** Upper bound per call; AWS caps GenerateRandom at 1024 bytes, so this is generous. */
export const MAX_RANDOM_BYTES = 65_536;

/**
 * `n` bytes from the CSPRNG, as a fresh plain Uint8Array (never a slice of node's shared Buffer
 * pool, so a caller may zero it without touching anyone else's bytes).
 */
export const randomBytes = (n: number): Uint8Array => {
  assertInteger('n', n, 0, MAX_RANDOM_BYTES);
  return randomFillSync(new Uint8Array(n));
};
