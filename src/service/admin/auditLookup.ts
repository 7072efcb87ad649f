// The audit trail over HTTP: `keyledger audit`'s filter, answered by the same queryAudit
// (../auditQuery.ts) and handed out a page at a time. Records are in log order of each request's
// first event — queryAudit's promise — so a page boundary is a log position.
import type { AuditFilter } from '../../projections/auditFilter.js';
import type { EventStore } from '../../store/eventStore.js';
import { queryAudit } from '../auditQuery.js';
import type { RequestContext } from '../shapes.js';
import type { AdminInput, AdminOutput } from './adminShapes.js';
import { pageOf } from './paging.js';
import { filterReference, namedAlias, namedKey } from './references.js';

/** The AuditFilter a lookup asks for; key and alias references resolve in the caller's scope. */
export const auditFilterOf = (input: AdminInput<'LookupAuditEvents'>, request: RequestContext): AuditFilter => ({
  ...(input.Key !== undefined ? { keyArn: filterReference('key', 'a key id or key ARN', input.Key, (ref) => namedKey(ref, request).keyArn) } : {}),
  ...(input.Alias !== undefined
    ? { aliasArn: filterReference('alias', 'an alias name or alias ARN', input.Alias, (ref) => namedAlias(ref, request).aliasArn) }
    : {}),
  ...(input.Principal !== undefined ? { principalArn: input.Principal } : {}),
  ...(input.Operation !== undefined ? { operation: input.Operation } : {}),
  ...(input.Outcome !== undefined ? { outcome: input.Outcome } : {}),
  ...(input.Since !== undefined ? { since: input.Since } : {}),
  ...(input.Until !== undefined ? { until: input.Until } : {}),
});

export const lookupAuditEvents = async (
  store: EventStore,
  input: AdminInput<'LookupAuditEvents'>,
  request: RequestContext,
): Promise<AdminOutput<'LookupAuditEvents'>> => {
  const filter = auditFilterOf(input, request);
  const page = pageOf('LookupAuditEvents', filter, await queryAudit(store, filter), (e) => e.position, input);
  return { Records: page.items.map((e) => e.record), ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
};
