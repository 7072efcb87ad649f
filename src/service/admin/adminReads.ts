// The admin read API in the service: who may ask, what each operation does, and which keys its
// audit record names. Keyledger.executeAdmin runs them inside the request recorder, so every
// admin request — a refused one too — leaves one RequestRecorded, like every KMS request:
// reading the audit trail is itself in the audit trail.
import { kmsError } from '../../domain/errors.js';
import type { EventStore } from '../../store/eventStore.js';
import type { RequestContext } from '../shapes.js';
import type { AdminInput, AdminOperationName, AdminOutput } from './adminShapes.js';
import { type AuditPages, lookupAuditEvents } from './auditLookup.js';
import { getAliasHistory, getAliasStateAsOf, getKeyHistory, getKeyStateAsOf } from './historyReads.js';
import { namedKey } from './references.js';
import type { VerifyRuns } from './verifyRuns.js';

export interface AdminContext {
  readonly store: EventStore;
  readonly verifyRuns: VerifyRuns;
  /** Where audit pages are computed (the server: its audit thread). */
  readonly auditPages: AuditPages;
}

type AdminHandler<O extends AdminOperationName> = (ctx: AdminContext, input: AdminInput<O>, request: RequestContext) => Promise<AdminOutput<O>>;

export const adminHandlers: { readonly [O in AdminOperationName]: AdminHandler<O> } = {
  GetKeyStateAsOf: (ctx, input, request) => getKeyStateAsOf(ctx.store, input, request),
  GetKeyHistory: (ctx, input, request) => getKeyHistory(ctx.store, input, request),
  GetAliasStateAsOf: (ctx, input, request) => getAliasStateAsOf(ctx.store, input, request),
  GetAliasHistory: (ctx, input, request) => getAliasHistory(ctx.store, input, request),
  LookupAuditEvents: (ctx, input, request) => lookupAuditEvents(ctx.auditPages, input, request),
  VerifyLog: (ctx) => ctx.verifyRuns.run(),
};

/** The roles (principals.json, `keyledger principals add --role`) that may use the admin API. */
export const ADMIN_API_ROLES: readonly string[] = ['auditor', 'admin'];

/** AccessDeniedException, in the shape of AWS's "User: … is not authorized to perform: …". */
export const requireAdminRole = (operation: AdminOperationName, roles: readonly string[], request: RequestContext): void => {
  if (roles.some((role) => ADMIN_API_ROLES.includes(role))) return;
  throw kmsError(
    'AccessDeniedException',
    `User: ${request.principalArn} is not authorized to perform: keyledger:${operation} because its access key has neither the auditor nor the admin role`,
  );
};

/**
 * The keys an admin request read, for its record's resources: so `audit?key=K` also shows who
 * looked into K's past. An alias, the audit trail or the whole log is not a key; their records
 * name the alias in requestParameters instead (which the alias filter reads).
 */
export const adminResources = (input: object, request: RequestContext): string[] => {
  const ref = (input as { KeyId?: unknown }).KeyId;
  if (typeof ref !== 'string') return [];
  try {
    return [namedKey(ref, request).keyArn];
  } catch {
    return [];
  }
};
