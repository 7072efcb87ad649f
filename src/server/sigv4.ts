// AWS Signature Version 4 verification for the Authorization header (AWS General Reference,
// "Signing AWS API requests"; no presigned URLs). Pure: the clock and the credential lookup
// are arguments. The errors are AWS's, with AWS's wording where it is known:
//   no Authorization header          → MissingAuthenticationTokenException
//   malformed header / X-Amz-Date    → IncompleteSignatureException
//   unknown key, any session token   → UnrecognizedClientException (we issue no session tokens)
//   bad scope, skew, wrong signature → InvalidSignatureException
// all HTTP 400, as KMS answers them (see wireError.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRegion } from '../domain/ids.js';
import { parseAuthorization } from './authorizationHeader.js';
import type { PrincipalRole } from './principals.js';
import { type HeaderValues, canonicalHeaderValue, canonicalRequest, sha256Hex, stringToSign } from './sigv4Canonical.js';
import { type SigningKeyCache, createSigningKeyCache } from './signingKeyCache.js';
import { type WireResult, fail, ok, wireError } from './wireError.js';

export interface SignedRequest {
  readonly method: string;
  /** The path as received, without the query string. */
  readonly path: string;
  /** The raw query string without `?` ('' when there is none). */
  readonly query: string;
  readonly headers: HeaderValues;
  readonly body: Uint8Array;
}

export interface Credential {
  readonly secretAccessKey: string;
  readonly principalArn: string;
  readonly account: string;
  readonly roles?: readonly PrincipalRole[];
}

export type CredentialLookup = (accessKeyId: string) => Credential | undefined;

export interface VerifiedIdentity {
  readonly accessKeyId: string;
  readonly principalArn: string;
  readonly account: string;
  /** From the credential scope: selects the partition of keys. */
  readonly region: string;
  /** The principal's keyledger roles, from the same lookup that found its secret. */
  readonly roles?: readonly PrincipalRole[];
}

export interface VerifyOptions {
  readonly now: Date;
  readonly lookup: CredentialLookup;
  readonly cache?: SigningKeyCache;
}

/** AWS accepts request times within 15 minutes either side of its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const INVALID_TOKEN = 'The security token included in the request is invalid.';

const amzDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** `YYYYMMDDTHHMMSSZ`, the ISO 8601 basic format SigV4 uses. */
export const formatAmzDate = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/**
 * Milliseconds since the epoch, or undefined unless `s` is a real instant in basic format:
 * every field must survive the round trip through Date.UTC, which rolls 30 February over to
 * March and maps years 0–99 to 1900–1999.
 */
export const parseAmzDate = (s: string): number | undefined => {
  const m = amzDatePattern.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const se = Number(m[6]);
  const ms = Date.UTC(y, mo, d, h, mi, se);
  const t = new Date(ms);
  const exact =
    t.getUTCFullYear() === y && t.getUTCMonth() === mo && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === se;
  return exact ? ms : undefined;
};

const invalidSignature = (message: string) => fail<VerifiedIdentity>(wireError('InvalidSignatureException', message));
const unrecognized = () => fail<VerifiedIdentity>(wireError('UnrecognizedClientException', INVALID_TOKEN));

/** Message texts of AWS's skew errors, e.g. "Signature expired: … (… - 15 min.)". */
const skewError = (amzDate: string, requestMs: number, nowMs: number) => {
  if (requestMs >= nowMs - MAX_CLOCK_SKEW_MS && requestMs <= nowMs + MAX_CLOCK_SKEW_MS) return undefined;
  const now = formatAmzDate(new Date(nowMs - (nowMs % 1000)));
  if (requestMs < nowMs - MAX_CLOCK_SKEW_MS) {
    const earliest = formatAmzDate(new Date(nowMs - (nowMs % 1000) - MAX_CLOCK_SKEW_MS));
    return invalidSignature(`Signature expired: ${amzDate} is now earlier than ${earliest} (${now} - 15 min.)`);
  }
  const latest = formatAmzDate(new Date(nowMs - (nowMs % 1000) + MAX_CLOCK_SKEW_MS));
  return invalidSignature(`Signature not yet current: ${amzDate} is still later than ${latest} (${now} + 15 min.)`);
};

/** The last X-Amz-Date read and its instant: requests sent in the same second carry the same one. */
let lastAmzDate: { readonly text: string; readonly ms: number | undefined } = { text: '', ms: undefined };

const requestTime = (amzDate: string): number | undefined => {
  if (amzDate !== lastAmzDate.text) lastAmzDate = { text: amzDate, ms: parseAmzDate(amzDate) };
  return lastAmzDate.ms;
};

export const verifySigV4 = (request: SignedRequest, options: VerifyOptions): WireResult<VerifiedIdentity> => {
  const authorization = request.headers.get('authorization');
  if (authorization === undefined) return fail(wireError('MissingAuthenticationTokenException', 'Missing Authentication Token'));
  if (authorization.length > 1) return fail(wireError('IncompleteSignatureException', 'Only one Authorization header may be present.'));

  const dateValues = request.headers.get('x-amz-date');
  const parsed = parseAuthorization(authorization[0] ?? '', dateValues !== undefined);
  if (!parsed.ok) return parsed;
  const { credential, signedHeaders, signature } = parsed.value;

  const amzDate = canonicalHeaderValue(dateValues ?? []);
  const requestMs = requestTime(amzDate);
  if (requestMs === undefined) {
    return fail(wireError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`));
  }

  // Scope checks, in AWS's wording (note the trailing space AWS leaves in these messages).
  if (credential.terminator !== 'aws4_request') {
    return invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${credential.terminator}'. `);
  }
  if (credential.service !== 'kms') return invalidSignature("Credential should be scoped to correct service: 'kms'. ");
  if (!isRegion(credential.region) || credential.region.length > 32) {
    return invalidSignature(`Credential should be scoped to a valid region, not '${credential.region}'. `);
  }
  if (credential.date !== amzDate.slice(0, 8)) {
    return invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const skew = skewError(amzDate, requestMs, options.now.getTime());
  if (skew) return skew;

  if (request.headers.has('x-amz-security-token')) return unrecognized();
  const found = options.lookup(credential.accessKeyId);
  if (!found) return unrecognized();

  const payloadHash = sha256Hex(request.body);
  const declared = request.headers.get('x-amz-content-sha256');
  if (declared !== undefined && canonicalHeaderValue(declared) !== payloadHash) {
    return invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  const { method, path, query, headers } = request;
  const canonical = canonicalRequest({ method, path, query, headers, signedHeaders, payloadHash });
  if (canonical === undefined || !/^[0-9a-f]{64}$/.test(signature)) return invalidSignature(SIGNATURE_MISMATCH);
  const scope = `${credential.date}/${credential.region}/kms/aws4_request`;
  const key = (options.cache ?? createSigningKeyCache(1)).get(found.secretAccessKey, credential.date, credential.region);
  const expected = createHmac('sha256', key).update(stringToSign(amzDate, scope, canonical), 'utf8').digest();
  // Both sides are exactly 32 bytes here, so timingSafeEqual compares in constant time.
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return invalidSignature(SIGNATURE_MISMATCH);

  return ok({
    accessKeyId: credential.accessKeyId,
    principalArn: found.principalArn,
    account: found.account,
    region: credential.region,
    ...(found.roles !== undefined ? { roles: found.roles } : {}),
  });
};

export type Authenticate = (request: SignedRequest) => WireResult<VerifiedIdentity> | Promise<WireResult<VerifiedIdentity>>;

export interface SigV4AuthenticatorOptions {
  readonly lookup: CredentialLookup;
  readonly clock?: () => Date;
  readonly cacheSize?: number;
}

/** The `authenticate` the HTTP handler wants: SigV4 against a lookup, one signing-key cache. */
export const createSigV4Authenticator = (options: SigV4AuthenticatorOptions): Authenticate => {
  const cache = createSigningKeyCache(options.cacheSize);
  const clock = options.clock ?? (() => new Date());
  return (request) => verifySigV4(request, { now: clock(), lookup: options.lookup, cache });
};
