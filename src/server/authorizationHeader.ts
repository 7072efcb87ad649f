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
export const parseAuthorization = (header: string, hasDateHeader: boolean): WireResult<ParsedAuthorization> => {
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
  const parts = credentialText.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (parts.length !== 5 || accessKeyId === undefined || date === undefined || region === undefined || service === undefined || terminator === undefined) {
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

  return ok({
    credential: { accessKeyId, date, region, service, terminator },
    signedHeaders,
    signature: params.get('Signature') ?? '',
  });
};
