// Parses the SigV4 Authorization header:
//   AWS4-HMAC-SHA256 Credential=<akid>/<yyyymmdd>/<region>/<service>/aws4_request,
//                    SignedHeaders=<h1;h2;...>, Signature=<64 hex>
// (AWS General Reference, "Elements of an AWS API request signature").
//
// Failures use AWS's own IncompleteSignatureException wording. AWS tokenizes the header on
// commas and whitespace, takes the first token as the algorithm and requires every other token
// to be key=value: `Credential= AKID/...` (a stray space) is answered with
// "'AKID/...' not a valid key=value pair (missing equal-sign) in Authorization header: '...'."
// (seen from JSON 1.1 services in iann0036/cloud9-sync#10 and
// awslabs/fhir-works-on-aws-deployment#379). Missing parameters are listed one sentence each,
// followed by `Authorization=<header>` (aws/chalice#828).
import { type WireResult, fail, ok, wireError } from './wireError.js';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

export interface CredentialScope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminator: string;
}

export interface ParsedAuthorization {
  readonly credential: CredentialScope;
  /** Lowercased, sorted and de-duplicated, as the canonical request lists them. */
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const incomplete = (message: string) => fail<ParsedAuthorization>(wireError('IncompleteSignatureException', message));

const required = ['Credential', 'Signature', 'SignedHeaders'] as const;

/**
 * `hasDateHeader` says whether the request carries an X-Amz-Date header: AWS reports its
 * absence in the same message as missing parameters.
 */
export const parseAuthorization = (header: string, hasDateHeader: boolean): WireResult<ParsedAuthorization> =>
  (hasDateHeader ? parseWellFormed(header) : undefined) ?? parseAny(header, hasDateHeader);

const CREDENTIAL = `${SIGV4_ALGORITHM} Credential=`;
const SIGNED_HEADERS = ', SignedHeaders=';
const SIGNATURE = ', Signature=';

/**
 * The layout every SDK sends, `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`
 * with plain values and signed headers already lowercased, sorted and distinct, read with
 * indexOf instead of tokenizing. Undefined for anything else, which `parseAny` then reads:
 * the answer is the same either way (a property test holds the two to it), only cheaper for
 * the header every request carries.
 */
const parseWellFormed = (header: string): WireResult<ParsedAuthorization> | undefined => {
  if (!header.startsWith(CREDENTIAL)) return undefined;
  const credentialEnd = header.indexOf(SIGNED_HEADERS, CREDENTIAL.length);
  if (credentialEnd < 0) return undefined;
  const signedStart = credentialEnd + SIGNED_HEADERS.length;
  const signedEnd = header.indexOf(SIGNATURE, signedStart);
  if (signedEnd < 0) return undefined;
  const signatureStart = signedEnd + SIGNATURE.length;
  if (!isPlain(header, CREDENTIAL.length, credentialEnd) || !isPlain(header, signedStart, signedEnd) || !isPlain(header, signatureStart, header.length)) {
    return undefined;
  }
  const credential = credentialScope(header.slice(CREDENTIAL.length, credentialEnd));
  const signedHeaders = signedHeadersOf(header.slice(signedStart, signedEnd));
  if (credential === undefined || signedHeaders === undefined) return undefined;
  return ok({ credential, signedHeaders, signature: header.slice(signatureStart) });
};

/** A non-empty run of printable ASCII without commas: one token whichever way the header is split. */
const isPlain = (s: string, from: number, to: number): boolean => {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x2c) return false;
  }
  return true;
};

/** Exactly five slash-delimited elements (empty ones included), else undefined. */
const credentialScope = (text: string): CredentialScope | undefined => {
  const a = text.indexOf('/');
  const b = a < 0 ? -1 : text.indexOf('/', a + 1);
  const c = b < 0 ? -1 : text.indexOf('/', b + 1);
  const d = c < 0 ? -1 : text.indexOf('/', c + 1);
  if (d < 0 || text.indexOf('/', d + 1) >= 0) return undefined;
  return { accessKeyId: text.slice(0, a), date: text.slice(a + 1, b), region: text.slice(b + 1, c), service: text.slice(c + 1, d), terminator: text.slice(d + 1) };
};

/** The last SignedHeaders list read (frozen, as it is shared): a client signs the same headers every time. */
let lastSigned: { readonly text: string; readonly names: readonly string[] | undefined } = { text: '', names: undefined };

const signedHeadersOf = (text: string): readonly string[] | undefined => {
  if (text !== lastSigned.text) {
    const names = sortedSignedHeaders(text);
    lastSigned = { text, names: names && Object.freeze(names) };
  }
  return lastSigned.names;
};

/**
 * The list as sent when it is already what the canonical request wants — every name
 * non-empty, lowercase ASCII and strictly after the one before (so sorting and de-duplicating
 * would change nothing) — and naming host and x-amz-date; else undefined.
 */
const sortedSignedHeaders = (text: string): string[] | undefined => {
  const names = text.split(';');
  let previous = '';
  for (const name of names) {
    if (name.length === 0 || name <= previous) return undefined;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c >= 0x41 && c <= 0x5a) return undefined;
    }
    previous = name;
  }
  return names.includes('host') && names.includes('x-amz-date') ? names : undefined;
};

/** Any header, in AWS's tokenization: split on commas and whitespace, then key=value pairs. */
const parseAny = (header: string, hasDateHeader: boolean): WireResult<ParsedAuthorization> => {
  const tokens = header.split(/[\s,]+/).filter((t) => t.length > 0);
  const [algorithm = '', ...rest] = tokens;
  const params = new Map<string, string>();
  for (const token of rest) {
    const eq = token.indexOf('=');
    if (eq < 0) return incomplete(`'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`);
    const key = token.slice(0, eq);
    if (params.has(key)) return incomplete(`'${key}' appears more than once in Authorization header: '${header}'.`);
    params.set(key, token.slice(eq + 1));
  }

  const problems = required.filter((name) => !params.get(name)).map((name) => `Authorization header requires '${name}' parameter.`);
  if (!hasDateHeader) problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (problems.length > 0) return incomplete(`${problems.join(' ')} Authorization=${header}`);

  if (algorithm !== SIGV4_ALGORITHM) return incomplete(`Unsupported AWS 'algorithm': '${algorithm}'`);

  const credentialText = params.get('Credential') ?? '';
  const credential = credentialScope(credentialText);
  if (credential === undefined) {
    return incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credentialText}'`,
    );
  }

  const signedHeaders = [...new Set((params.get('SignedHeaders') ?? '').split(';').map((h) => h.toLowerCase()))].sort();
  if (signedHeaders.some((h) => h.length === 0)) {
    return incomplete(`SignedHeaders must be a semicolon-separated list of header names, got '${params.get('SignedHeaders') ?? ''}'`);
  }
  if (!signedHeaders.includes('host')) return incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  if (!signedHeaders.includes('x-amz-date')) return incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");

  return ok({ credential, signedHeaders, signature: params.get('Signature') ?? '' });
};
