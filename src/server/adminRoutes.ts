// The admin read API's URLs (README, "Admin read API"): which operation a path names, and the
// operation's input from the path and the query string. Pure, so the whole table is tested
// without a server.
//
//   GET /keyledger/v1/keys/{key}               GetKeyStateAsOf    at, position
//   GET /keyledger/v1/keys/{key}/history       GetKeyHistory      at, position, usage, limit, nextToken
//   GET /keyledger/v1/aliases/{alias}          GetAliasStateAsOf  at, position
//   GET /keyledger/v1/aliases/{alias}/history  GetAliasHistory    at, position, limit, nextToken
//   GET /keyledger/v1/audit                    LookupAuditEvents  key, alias, principal, operation,
//                                                                 outcome, since, until, limit, nextToken
//   GET /keyledger/v1/verify                   VerifyLog          —
//
// {key} is a key id or a key ARN, {alias} an alias name (`alias/` optional) or alias ARN, each
// one path segment: an ARN's `/` is sent as %2F (encodeURIComponent). The query string is read
// exactly as SigV4 reads it for the signature (sigv4Canonical.ts: split on `&`, then `=`, then
// percent-decoded; `+` is a plus sign, not a space), so the parameters acted on are the ones
// signed. Unknown and repeated parameters are refused: a typo must not silently widen a query.
import { parseQueryTime } from '../domain/time.js';
import {
  type AdminInput,
  type AdminOperationName,
  type AuditLookupInput,
  type AsOfInput,
  type PageInput,
  MAX_PAGE_SIZE,
} from '../service/admin/adminShapes.js';
import { type WireResult, fail, ok, wireError } from './wireError.js';

export const ADMIN_PATH_PREFIX = '/keyledger/v1/';

/** True for a request target the admin API answers (origin-form only, as the KMS endpoint wants). */
export const isAdminPath = (url: string | undefined): boolean => url?.startsWith(ADMIN_PATH_PREFIX) === true;

export interface AdminRouteMatch {
  readonly operation: AdminOperationName;
  /** The {key} or {alias} path segment, still percent-encoded. */
  readonly resource?: string;
}

/** The operation a path names, or undefined (404). `path` is without the query string. */
export const matchAdminRoute = (path: string): AdminRouteMatch | undefined => {
  if (!path.startsWith(ADMIN_PATH_PREFIX)) return undefined;
  const segments = path.slice(ADMIN_PATH_PREFIX.length).split('/');
  // '', '.' and '..' never name anything: the canonical URI SigV4 signs normalizes them away,
  // and a route must not mean something other than what was signed.
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  const [collection, resource, sub, ...rest] = segments;
  if (rest.length > 0) return undefined;
  if (resource === undefined) {
    if (collection === 'audit') return { operation: 'LookupAuditEvents' };
    if (collection === 'verify') return { operation: 'VerifyLog' };
    return undefined;
  }
  if (sub !== undefined && sub !== 'history') return undefined;
  if (collection === 'keys') return { operation: sub === undefined ? 'GetKeyStateAsOf' : 'GetKeyHistory', resource };
  if (collection === 'aliases') return { operation: sub === undefined ? 'GetAliasStateAsOf' : 'GetAliasHistory', resource };
  return undefined;
};

type ParamKind = 'time' | 'position' | 'limit' | 'token' | 'reference' | 'principal' | 'operation' | 'outcome' | 'boolean';

const AS_OF = { at: 'time', position: 'position' } as const;
const PAGE = { limit: 'limit', nextToken: 'token' } as const;

/** The query parameters each operation takes. */
const PARAMETERS: { readonly [O in AdminOperationName]: Readonly<Record<string, ParamKind>> } = {
  GetKeyStateAsOf: AS_OF,
  GetKeyHistory: { ...AS_OF, usage: 'boolean', ...PAGE },
  GetAliasStateAsOf: AS_OF,
  GetAliasHistory: { ...AS_OF, ...PAGE },
  LookupAuditEvents: {
    key: 'reference',
    alias: 'reference',
    principal: 'principal',
    operation: 'operation',
    outcome: 'outcome',
    since: 'time',
    until: 'time',
    ...PAGE,
  },
  VerifyLog: {},
};

/** 1–2048 printable ASCII characters: the model's KeyIdType limit, and ARNs never hold more. */
const PRINTABLE = /^[\x21-\x7e]{1,2048}$/;
const TOKEN = /^[A-Za-z0-9_-]{1,2048}$/;
const OPERATION = /^[A-Za-z]{1,128}$/;

/** Values are echoed as AWS echoes them, but never at length. */
const echo = (value: string): string => (value.length > 100 ? `${value.slice(0, 100)}…` : value);

const violation = (name: string, value: string, constraint: string): string =>
  `Value '${echo(value)}' at '${name}' failed to satisfy constraint: Member must ${constraint}`;

type Checked = { readonly value: string | number } | { readonly violation: string };

const check = (kind: ParamKind, name: string, raw: string): Checked => {
  const bad = (constraint: string): Checked => ({ violation: violation(name, raw, constraint) });
  switch (kind) {
    case 'time': {
      const time = parseQueryTime(raw);
      return time === undefined ? bad('be an ISO-8601 time with Z or an offset, such as 2026-01-01T12:00:00Z') : { value: time };
    }
    case 'position':
      return /^\d{1,15}$/.test(raw) ? { value: Number(raw) } : bad('be a log position (a whole number)');
    case 'limit': {
      if (!/^\d{1,9}$/.test(raw)) return bad('be a whole number');
      const n = Number(raw);
      if (n < 1) return bad('have value greater than or equal to 1');
      return n > MAX_PAGE_SIZE ? bad(`have value less than or equal to ${MAX_PAGE_SIZE}`) : { value: n };
    }
    case 'token':
      return TOKEN.test(raw) ? { value: raw } : bad('be a NextToken from a previous answer');
    case 'reference':
      return PRINTABLE.test(raw) ? { value: raw } : bad('be a key or alias id, name or ARN (1 to 2048 printable characters)');
    case 'principal':
      return PRINTABLE.test(raw) ? { value: raw } : bad('be a principal ARN (1 to 2048 printable characters)');
    case 'operation':
      return OPERATION.test(raw) ? { value: raw } : bad('be an operation name, such as Decrypt');
    case 'outcome':
      return raw === 'success' || raw === 'failure' ? { value: raw } : bad('satisfy enum value set: [success, failure]');
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { value: raw } : bad('satisfy enum value set: [true, false]');
  }
};

/** `[name, value]` pairs, percent-decoded as the signature decodes them; undefined on a malformed escape. */
const queryPairs = (query: string): [string, string][] | undefined => {
  const pairs: [string, string][] = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    try {
      pairs.push(eq < 0 ? [decodeURIComponent(part), ''] : [decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1))]);
    } catch {
      return undefined;
    }
  }
  return pairs;
};

const invalid = <T>(violations: readonly string[]): WireResult<T> =>
  fail(wireError('ValidationException', `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${violations.join('; ')}`));

/** `alias/` is optional in a path or filter: `payments` is `alias/payments`. */
const aliasReference = (ref: string): string => (ref.startsWith('alias/') || ref.startsWith('arn:') ? ref : `alias/${ref}`);

/** The input of a matched route from its path segment and query string, or a ValidationException. */
export const parseAdminInput = <O extends AdminOperationName>(match: AdminRouteMatch & { operation: O }, query: string): WireResult<AdminInput<O>> => {
  const pairs = queryPairs(query);
  if (pairs === undefined) return invalid(['the query string has a malformed percent-encoding']);
  const allowed = PARAMETERS[match.operation];
  const values = new Map<string, string | number>();
  const violations: string[] = [];
  for (const [name, raw] of pairs) {
    const kind = Object.hasOwn(allowed, name) ? allowed[name] : undefined;
    if (kind === undefined) violations.push(`'${echo(name)}' is not a parameter of ${match.operation}`);
    else if (values.has(name)) violations.push(`'${name}' is given more than once`);
    else {
      const checked = check(kind, name, raw);
      if ('violation' in checked) violations.push(checked.violation);
      values.set(name, 'value' in checked ? checked.value : '');
    }
  }
  let resource: string | undefined;
  if (match.resource !== undefined) {
    const member = match.operation.startsWith('GetKey') ? 'keyId' : 'aliasName';
    try {
      resource = decodeURIComponent(match.resource);
    } catch {
      violations.push(`the ${member} in the path has a malformed percent-encoding`);
    }
    if (resource !== undefined) {
      const checked = check('reference', member, resource);
      if ('violation' in checked) violations.push(checked.violation);
    }
  }
  if (violations.length > 0) return invalid(violations);
  return ok(inputOf(match.operation, resource, values) as AdminInput<O>);
};

type Values = ReadonlyMap<string, string | number>;

/** `{ [member]: value }`, or `{}` when the parameter was not given. */
const opt = <K extends string, V>(member: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [member]: value } as Record<K, V>);
const str = (values: Values, name: string): string | undefined => {
  const v = values.get(name);
  return typeof v === 'string' ? v : undefined;
};
const num = (values: Values, name: string): number | undefined => {
  const v = values.get(name);
  return typeof v === 'number' ? v : undefined;
};

const asOfInput = (values: Values): AsOfInput => ({ ...opt('At', str(values, 'at')), ...opt('Position', num(values, 'position')) });

const pageInput = (values: Values): PageInput => ({ ...opt('Limit', num(values, 'limit')), ...opt('NextToken', str(values, 'nextToken')) });

const auditInput = (values: Values): AuditLookupInput => {
  const alias = str(values, 'alias');
  return {
    ...opt('Key', str(values, 'key')),
    ...opt('Alias', alias === undefined ? undefined : aliasReference(alias)),
    ...opt('Principal', str(values, 'principal')),
    ...opt('Operation', str(values, 'operation')),
    // check() admitted only these two.
    ...opt('Outcome', str(values, 'outcome') as AuditLookupInput['Outcome']),
    ...opt('Since', str(values, 'since')),
    ...opt('Until', str(values, 'until')),
    ...pageInput(values),
  };
};

const inputOf = (operation: AdminOperationName, resource: string | undefined, values: Values): AdminInput<AdminOperationName> => {
  const ref = resource ?? '';
  switch (operation) {
    case 'GetKeyStateAsOf':
      return { KeyId: ref, ...asOfInput(values) };
    case 'GetKeyHistory':
      return { KeyId: ref, ...asOfInput(values), ...opt('Usage', str(values, 'usage') === undefined ? undefined : str(values, 'usage') === 'true'), ...pageInput(values) };
    case 'GetAliasStateAsOf':
      return { AliasName: aliasReference(ref), ...asOfInput(values) };
    case 'GetAliasHistory':
      return { AliasName: aliasReference(ref), ...asOfInput(values), ...pageInput(values) };
    case 'LookupAuditEvents':
      return auditInput(values);
    case 'VerifyLog':
      return {};
  }
};
