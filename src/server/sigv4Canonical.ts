// The SigV4 canonical request (AWS General Reference, "Create a canonical request for
// Signature Version 4"):
//
//   <Method>\n<CanonicalURI>\n<CanonicalQueryString>\n<CanonicalHeaders>\n<SignedHeaders>\n<HashedPayload>
//
// Every piece is rebuilt from the request exactly as it arrived, never from what the caller
// claims: header values come from the raw header list (Node drops duplicates of some headers
// in `req.headers`; SigV4 joins them with commas), and the payload hash is always computed
// from the body bytes.
import { hash } from 'node:crypto';

/** Lowercased header name → every value in arrival order. */
export type HeaderValues = ReadonlyMap<string, readonly string[]>;

/** Builds HeaderValues from Node's `rawHeaders` ([name, value, name, value, …]). */
export const headersFromRaw = (rawHeaders: readonly string[]): HeaderValues => {
  const headers = new HeaderList();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) headers.add((rawHeaders[i] ?? '').toLowerCase(), rawHeaders[i + 1] ?? '');
  return headers;
};

/**
 * HeaderValues as two parallel arrays searched linearly: a request carries about a dozen
 * headers, and a dozen string comparisons cost less than a Map, which reallocates its table
 * three times while a dozen entries go in (about 2 KB a request against 1 KB).
 */
/** Names searched linearly (the SDKs send about a dozen); past this, a Map. */
const LINEAR_SEARCH_NAMES = 32;

class HeaderList implements HeaderValues {
  private readonly names: string[] = [];
  private readonly lists: string[][] = [];
  /**
   * Positions by name once the list is long: the list is built before authentication, and
   * linear searches over the 2,000 names Node admits in one request would let an anonymous
   * caller spend milliseconds of the event loop per request.
   */
  private index: Map<string, number> | undefined;

  private find(name: string): number {
    return this.index === undefined ? this.names.indexOf(name) : (this.index.get(name) ?? -1);
  }

  add(name: string, value: string): void {
    const i = this.find(name);
    if (i >= 0) this.lists[i]?.push(value);
    else {
      this.index?.set(name, this.names.length);
      this.names.push(name);
      this.lists.push([value]);
      if (this.index === undefined && this.names.length > LINEAR_SEARCH_NAMES) this.index = new Map(this.names.map((n, k) => [n, k]));
    }
  }

  get size(): number {
    return this.names.length;
  }

  get(name: string): readonly string[] | undefined {
    const i = this.find(name);
    return i < 0 ? undefined : this.lists[i];
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  forEach(callback: (values: readonly string[], name: string, map: HeaderValues) => void, thisArg?: unknown): void {
    this.names.forEach((name, i) => callback.call(thisArg, this.lists[i] ?? [], name, this));
  }

  // Iteration (tests, never the request path) goes through a Map of the same entries.
  private asMap(): Map<string, readonly string[]> {
    return new Map(this.names.map((name, i) => [name, this.lists[i] ?? []]));
  }

  entries() {
    return this.asMap().entries();
  }

  keys() {
    return this.asMap().keys();
  }

  values() {
    return this.asMap().values();
  }

  [Symbol.iterator]() {
    return this.asMap()[Symbol.iterator]();
  }
}

/** One-shot hashing: about a third of the cost of a createHash object for inputs this small. */
export const sha256Hex = (data: Uint8Array | string): string => hash('sha256', data, 'hex');

/** RFC 3986 encoding as SigV4 wants it: everything but A–Z a–z 0–9 - _ . ~ is %XX (uppercase). */
export const uriEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Every service but S3 normalizes the path and URI-encodes each segment of the path *as sent*
 * (so an already-encoded path is encoded twice), keeping the slashes.
 */
export const canonicalUri = (path: string): string => {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
};

/** Sorted by encoded name then encoded value; undefined when the query has a malformed escape. */
export const canonicalQuery = (query: string): string | undefined => {
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [rawName, rawValue] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    try {
      pairs.push([uriEncode(decodeURIComponent(rawName)), uriEncode(decodeURIComponent(rawValue))]);
    } catch {
      return undefined;
    }
  }
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
};

/** Trimmed, runs of whitespace collapsed to one space, several values joined with commas. */
export const canonicalHeaderValue = (values: readonly string[]): string =>
  values.length === 1 ? canonicalValue(values[0] ?? '') : values.map(canonicalValue).join(',');

/** Whitespace other than a single space, or two whitespace characters in a row. */
const NOT_CANONICAL_SPACE = /[^\S ]|\s\s/;

const canonicalValue = (value: string): string => {
  const trimmed = value.trim();
  // Most values need no collapsing: test instead of building a copy.
  return NOT_CANONICAL_SPACE.test(trimmed) ? trimmed.replace(/\s+/g, ' ') : trimmed;
};

export interface CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: HeaderValues;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
}

/** The canonical request, or undefined when a signed header is absent or the query is malformed. */
export const canonicalRequest = (input: CanonicalInput): string | undefined => {
  const query = input.query === '' ? '' : canonicalQuery(input.query);
  if (query === undefined) return undefined;
  // One string built by concatenation, which the hash flattens once, rather than arrays of
  // lines joined twice: this runs for every request.
  let canonical = `${input.method}\n${input.path === '/' ? '/' : canonicalUri(input.path)}\n${query}\n`;
  // An index loop: for-of over the parser's frozen list allocates an iterator result per name.
  const names = input.signedHeaders;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    const values = input.headers.get(name);
    if (values === undefined) return undefined;
    canonical += `${name}:${canonicalHeaderValue(values)}\n`;
  }
  return `${canonical}\n${signedHeadersLine(input.signedHeaders)}\n${input.payloadHash}`;
};

/** The last list joined, when frozen (so unchanged since): the parser shares one list between requests. */
let lastJoined: { readonly names: readonly string[] | undefined; readonly text: string } = { names: undefined, text: '' };

const signedHeadersLine = (names: readonly string[]): string => {
  if (names === lastJoined.names) return lastJoined.text;
  const text = names.join(';');
  if (Object.isFrozen(names)) lastJoined = { names, text };
  return text;
};

export const stringToSign = (amzDate: string, scope: string, canonical: string): string =>
  `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
