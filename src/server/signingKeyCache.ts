// SigV4 signing keys (AWS General Reference, "Create a signature for an AWS API request",
// step 4: kSecret → kDate → kRegion → kService → kSigning). A key depends only on the secret,
// the scope date, the region and the service, so it is valid for a whole UTC day: caching it
// turns four HMACs per request into one lookup. The cache is bounded (least recently used
// entry evicted first) so a flood of made-up regions cannot grow it.
import { createHmac } from 'node:crypto';

const hmac = (key: Uint8Array | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** Derives the signing key for `<date>/<region>/<service>/aws4_request`. */
export const deriveSigningKey = (secretAccessKey: string, date: string, region: string, service: string): Buffer => {
  const kDate = hmac(`AWS4${secretAccessKey}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'aws4_request');
};

export interface SigningKeyCache {
  /** The signing key for the KMS service, derived on a miss. */
  get(secretAccessKey: string, date: string, region: string): Buffer;
  readonly size: number;
}

export const DEFAULT_SIGNING_KEY_CACHE_SIZE = 1024;

export const createSigningKeyCache = (maxEntries = DEFAULT_SIGNING_KEY_CACHE_SIZE): SigningKeyCache => {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError(`"maxEntries" expected a positive integer, got ${maxEntries}`);
  const entries = new Map<string, Buffer>();
  // The most recently used entry, checked first: one caller in one day asks for the same key
  // again and again, and then neither the Map's key string nor its LRU reordering is needed
  // (the entry is already the newest in the Map).
  let last: { secretAccessKey: string; date: string; region: string; key: Buffer } | undefined;
  return {
    get(secretAccessKey, date, region) {
      if (last !== undefined && last.secretAccessKey === secretAccessKey && last.date === date && last.region === region) return last.key;
      // NUL cannot occur in a date or region that passed the scope checks, so the key is unambiguous.
      const id = `${date}\0${region}\0${secretAccessKey}`;
      let key = entries.get(id);
      if (key) {
        entries.delete(id);
        entries.set(id, key);
      } else {
        key = deriveSigningKey(secretAccessKey, date, region, 'kms');
        entries.set(id, key);
        if (entries.size > maxEntries) {
          const oldest = entries.keys().next();
          if (!oldest.done) entries.delete(oldest.value);
        }
      }
      last = { secretAccessKey, date, region, key };
      return key;
    },
    get size() {
      return entries.size;
    },
  };
};
