// The audit question every reader asks — `keyledger audit`, the admin read API, a later web
// console: which CloudTrail records match a filter. One function, so that how the records are
// found (today a fold of the whole log) can change without any reader noticing.
import { type AuditFilter, matchesAudit } from '../projections/auditFilter.js';
import { AuditTrail, type AuditEntry } from '../projections/auditTrail.js';
import type { EventStore } from '../store/eventStore.js';

/** Every record matching `filter`, oldest first (by the log position of each request's first event). */
export const queryAudit = async (store: EventStore, filter: AuditFilter): Promise<AuditEntry[]> => {
  const trail = new AuditTrail();
  for await (const event of store.readAll()) trail.apply(event);
  return [...trail.entries()].filter((e) => matchesAudit(filter, e));
};
