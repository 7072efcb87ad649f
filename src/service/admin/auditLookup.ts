// The audit trail over HTTP: `keyledger audit`'s filter, answered by the same query
// (../auditQuery.ts) a page at a time. Records are in log order of each request's first event —
// queryAudit's promise — so a page boundary is a log position, and the next page is read from it.
//
// A page is computed where the server says (AuditPages): on the server, a thread of its own
// (auditThread.ts), off the event loop that answers KMS requests; else here.
import type { AuditFilter } from '../../projections/auditFilter.js';
import type { AuditEntry } from '../../projections/auditTrail.js';
import type { EventStore } from '../../store/eventStore.js';
import { queryAuditPage } from '../auditQuery.js';
import type { RequestContext } from '../shapes.js';
import type { AdminInput, AdminOutput, PageInput } from './adminShapes.js';
import { pageFrom } from './paging.js';
import { filterReference, namedAlias, namedKey } from './references.js';

/** Who computes a page of audit records: auditPage on some store, in some thread. */
export interface AuditPages {
  page(filter: AuditFilter, page: PageInput): Promise<AdminOutput<'LookupAuditEvents'>>;
}

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

/** One page of the records matching `filter`: read from where the previous page ended (queryAuditPage). */
export const auditPage = async (store: EventStore, filter: AuditFilter, input: PageInput): Promise<AdminOutput<'LookupAuditEvents'>> => {
  const page = await pageFrom('LookupAuditEvents', filter, (e: AuditEntry) => e.position, input, async (after, limit) => {
    const { entries, more } = await queryAuditPage(store, filter, { after, limit });
    return { items: entries, more };
  });
  return { Records: page.items.map((e) => e.record), ...(page.nextToken !== undefined ? { NextToken: page.nextToken } : {}) };
};

/** AuditPages on this thread. */
export const auditPagesOn = (store: EventStore): AuditPages => ({ page: (filter, input) => auditPage(store, filter, input) });

export const lookupAuditEvents = async (
  pages: AuditPages,
  input: AdminInput<'LookupAuditEvents'>,
  request: RequestContext,
): Promise<AdminOutput<'LookupAuditEvents'>> => {
  const filter = auditFilterOf(input, request);
  return pages.page(filter, { ...(input.Limit !== undefined ? { Limit: input.Limit } : {}), ...(input.NextToken !== undefined ? { NextToken: input.NextToken } : {}) });
};
