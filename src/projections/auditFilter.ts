// Which audit records a question is about: `keyledger audit --key … --outcome failure`. Every
// criterion given must hold; none given matches all. Pure, over the records auditTrail builds.
import type { AuditEntry } from './auditTrail.js';

export interface AuditFilter {
  /** A key ARN among the record's resources. */
  readonly keyArn?: string;
  /** An alias ARN the request named (its requestParameters) or whose stream it wrote. */
  readonly aliasArn?: string;
  /** userIdentity.arn, or `kms.amazonaws.com` for what the service did on its own. */
  readonly principalArn?: string;
  /** eventName. */
  readonly operation?: string;
  readonly outcome?: 'success' | 'failure';
  /** Inclusive, ISO-8601 UTC. */
  readonly since?: string;
  /** Exclusive, ISO-8601 UTC. */
  readonly until?: string;
}

const KEY_MEMBERS = ['aliasName', 'keyId', 'targetKeyId', 'sourceKeyId', 'destinationKeyId'] as const;

/** Alias ARNs a record's requestParameters name: `alias/x` in the record's scope, or an alias ARN. */
const aliasArnsNamed = (entry: AuditEntry): string[] => {
  const { record } = entry;
  const params = record.requestParameters ?? {};
  const scope = `arn:aws:kms:${record.awsRegion ?? ''}:${record.recipientAccountId ?? ''}:`;
  return KEY_MEMBERS.flatMap((member) => {
    const ref = params[member];
    if (typeof ref !== 'string') return [];
    if (ref.startsWith('alias/')) return [`${scope}${ref}`];
    return ref.startsWith('arn:') && ref.includes(':alias/') ? [ref] : [];
  });
};

const time = (iso: string): number => Date.parse(iso);

/** matchesAudit for one filter, with its bounds parsed once: for testing many records. */
export const auditMatcher = (filter: AuditFilter): ((entry: AuditEntry) => boolean) => {
  const since = filter.since === undefined ? undefined : time(filter.since);
  const until = filter.until === undefined ? undefined : time(filter.until);
  return (entry) => {
    const { record } = entry;
    if (filter.keyArn !== undefined && !record.resources.some((r) => r.ARN === filter.keyArn)) return false;
    if (filter.aliasArn !== undefined && !entry.aliasArns.includes(filter.aliasArn) && !aliasArnsNamed(entry).includes(filter.aliasArn)) return false;
    if (filter.principalArn !== undefined && (record.userIdentity.arn ?? record.userIdentity.invokedBy) !== filter.principalArn) return false;
    if (filter.operation !== undefined && record.eventName !== filter.operation) return false;
    if (filter.outcome !== undefined && (record.errorCode === undefined) !== (filter.outcome === 'success')) return false;
    if (since === undefined && until === undefined) return true;
    const at = time(record.eventTime);
    return (since === undefined || at >= since) && (until === undefined || at < until);
  };
};

export const matchesAudit = (filter: AuditFilter, entry: AuditEntry): boolean => auditMatcher(filter)(entry);
