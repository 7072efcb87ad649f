// The audit trail as AWS CloudTrail would record it for KMS (CloudTrail record contents,
// eventVersion 1.08): one record per request, built from the one trace each request leaves in
// the log (src/service/requestRecorder.ts) — the key and alias events it wrote, or one
// RequestRecorded, or one RequestRejected. Events of one request are grouped by request id, so a
// ReEncrypt's two KeyUsed events (and a RequestRecorded failure, when the destination refused)
// make one record. Service actions (automatic rotation, deletion) have no request id: each of
// their events is its own AwsServiceEvent record.
//
// Nothing secret can reach a record: requestParameters are the request's already-filtered
// `metadata.request.parameters` (auditParameters.ts: no blob, encryption contexts as digests),
// and responseElements are picked member by member (auditResponse.ts) — wrapped material is never read.
import { readOnlyOperations } from '../domain/audit/events.js';
import type { Json, JsonObject, RecordedEvent } from '../store/eventStore.js';
import { responseElementsOf } from './auditResponse.js';
import type { Projection } from './projection.js';

export type IdentityType = 'IAMUser' | 'AssumedRole' | 'Root' | 'AWSService' | 'Unknown';

export interface UserIdentity {
  readonly type: IdentityType;
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId?: string;
  readonly accessKeyId?: string;
  readonly invokedBy?: string;
}

export interface TrailResource {
  readonly accountId: string;
  readonly type: 'AWS::KMS::Key';
  readonly ARN: string;
}

/** A CloudTrail record, members in CloudTrail's order and spelling. */
export interface CloudTrailRecord {
  readonly eventVersion: '1.08';
  readonly userIdentity: UserIdentity;
  readonly eventTime: string;
  readonly eventSource: 'kms.amazonaws.com';
  readonly eventName: string;
  readonly awsRegion: string | null;
  readonly sourceIPAddress: string | null;
  readonly userAgent: string | null;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: JsonObject | null;
  readonly responseElements: JsonObject | null;
  readonly requestID: string | null;
  readonly eventID: string;
  readonly readOnly: boolean;
  readonly resources: readonly TrailResource[];
  readonly eventType: 'AwsApiCall' | 'AwsServiceEvent';
  readonly managementEvent: true;
  readonly recipientAccountId: string | null;
  readonly eventCategory: 'Management';
}

/** A record, with the aliases the request touched (for filtering; CloudTrail has no alias resource). */
export interface AuditEntry {
  readonly record: CloudTrailRecord;
  readonly aliasArns: readonly string[];
  /** The first event's log position: records are in this order. */
  readonly position: number;
}

export const SERVICE_PRINCIPAL = 'kms.amazonaws.com';

/** CloudTrail marks the cryptographic operations read-only too: they change no resource. */
const cryptoOperations: ReadonlySet<string> = new Set([
  'Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'Sign', 'Verify', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret', 'Encapsulate', 'Decapsulate',
]);

/** CloudTrail's names for what the service does on its own. */
const serviceEventNames: Readonly<Record<string, string>> = { KeyMaterialRotated: 'RotateKey', KeyDeleted: 'DeleteKey' };

const obj = (v: Json | undefined): JsonObject | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** 2026-01-01T12:34:56.789Z → 2026-01-01T12:34:56Z, CloudTrail's precision. */
export const cloudTrailTime = (iso: string): string => `${iso.slice(0, 19)}Z`;

export const identityType = (principalArn: string): IdentityType => {
  if (principalArn === SERVICE_PRINCIPAL) return 'AWSService';
  if (principalArn.endsWith(':root')) return 'Root';
  if (principalArn.includes(':user/')) return 'IAMUser';
  if (principalArn.includes(':assumed-role/')) return 'AssumedRole';
  return 'Unknown';
};

/** `arn:aws:kms:r:a:key/id` → `{ account, region }`. */
const arnScope = (arn: string): { account: string; region: string } | undefined => {
  const [, , , region, account] = arn.split(':');
  return region !== undefined && account !== undefined ? { account, region } : undefined;
};

/** `audit-<account>-<region>-<yyyy-mm-dd>` (auditStream); 'anonymous'/'none' are unknown. */
const auditStreamScope = (stream: string): { account?: string; region?: string } => {
  const middle = stream.slice('audit-'.length, -'-yyyy-mm-dd'.length);
  const dash = middle.indexOf('-');
  const account = middle.slice(0, dash);
  const region = middle.slice(dash + 1);
  return { ...(account !== 'anonymous' ? { account } : {}), ...(region !== 'none' ? { region } : {}) };
};

interface Group {
  readonly events: RecordedEvent[];
  readonly keyArns: Set<string>;
  readonly aliasArns: Set<string>;
}

/**
 * Folds the log into CloudTrail records. Applying is O(1) per event; `entries()` builds the
 * records. Alias targets are tracked so that an alias event's record names its key.
 */
export class AuditTrail implements Projection {
  readonly name = 'auditTrail';
  private readonly groups = new Map<string, Group>();
  private readonly aliasTargets = new Map<string, string>();

  apply(event: RecordedEvent): void {
    const groupId = recordKeyOf(event);
    if (groupId === undefined) return;
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = { events: [], keyArns: new Set(), aliasArns: new Set() };
      this.groups.set(groupId, group);
    }
    group.events.push(event);
    if (event.stream.startsWith('key-')) group.keyArns.add(event.stream.slice('key-'.length));
    else if (event.stream.startsWith('alias-')) this.applyAlias(event, group);
    else if (event.type === 'RequestRecorded') {
      const resources = event.data['resources'];
      if (Array.isArray(resources)) for (const r of resources) if (typeof r === 'string') group.keyArns.add(r);
    }
  }

  private applyAlias(event: RecordedEvent, group: Group): void {
    const aliasArn = event.stream.slice('alias-'.length);
    group.aliasArns.add(aliasArn);
    const keyPrefix = aliasArn.slice(0, aliasArn.indexOf(':alias/'));
    const target = str(event.data['targetKeyId']);
    const previous = str(event.data['previousTargetKeyId']) ?? this.aliasTargets.get(aliasArn);
    if (previous !== undefined) group.keyArns.add(`${keyPrefix}:key/${previous}`);
    if (target !== undefined) {
      group.keyArns.add(`${keyPrefix}:key/${target}`);
      this.aliasTargets.set(aliasArn, target);
    }
    if (event.type === 'AliasDeleted') this.aliasTargets.delete(aliasArn);
  }

  /** Every record, in the log order of each request's first event. */
  *entries(): IterableIterator<AuditEntry> {
    for (const group of this.groups.values()) {
      const entry = recordOf(group);
      if (entry !== undefined) yield entry;
    }
  }

  /** The record of one request (a key from recordKeyOf), from the events applied so far. */
  entry(key: string): AuditEntry | undefined {
    const group = this.groups.get(key);
    return group === undefined ? undefined : recordOf(group);
  }

  /**
   * Drops a request's events, keeping what later records need (alias targets). For a reader
   * that tails the log (`keyledger audit --follow`) and is done with a record: memory stays
   * bounded by the requests in flight, not by the length of the log.
   */
  forget(key: string): void {
    this.groups.delete(key);
  }
}

/** Which record an event belongs to — its request's, or its own for a service action — or
 *  undefined when the event is no trace of a request (a signed checkpoint). */
export const recordKeyOf = (event: RecordedEvent): string | undefined => {
  if (!isTraced(event)) return undefined;
  const id = requestIdOf(event);
  return id === undefined ? `event:${event.id}` : `request:${id}`;
};

/** The pure form: events in log order → one entry per request. */
export const auditTrail = (events: Iterable<RecordedEvent>): AuditEntry[] => {
  const trail = new AuditTrail();
  for (const e of events) trail.apply(e);
  return [...trail.entries()];
};

const requestIdOf = (event: RecordedEvent): string | undefined =>
  str(obj(event.metadata['request'])?.['requestId']) ?? (event.stream.startsWith('audit-') ? str(event.data['requestId']) : undefined);

const isTraced = (e: RecordedEvent): boolean =>
  e.stream.startsWith('key-') || e.stream.startsWith('alias-') || e.type === 'RequestRecorded' || e.type === 'RequestRejected';

/** What differs between the three kinds of record; the rest is the same for all. */
type Varying = Omit<CloudTrailRecord, 'eventVersion' | 'eventSource' | 'eventID' | 'resources' | 'managementEvent' | 'eventCategory'>;

const recordOf = (group: Group): AuditEntry | undefined => {
  const { events } = group;
  const first = events[0];
  if (first === undefined) return undefined;
  const resources = [...group.keyArns].sort().map((ARN): TrailResource => ({ accountId: arnScope(ARN)?.account ?? '', type: 'AWS::KMS::Key', ARN }));
  const v = varyingOf(first, events);
  // One literal in CloudTrail's member order, so an exported line reads like AWS's; the
  // members a record does not have (errorCode, errorMessage) are left out, not set undefined.
  const record: Record<string, unknown> = {};
  const ordered = {
    eventVersion: '1.08', userIdentity: v.userIdentity, eventTime: v.eventTime, eventSource: 'kms.amazonaws.com', eventName: v.eventName,
    awsRegion: v.awsRegion, sourceIPAddress: v.sourceIPAddress, userAgent: v.userAgent, errorCode: v.errorCode, errorMessage: v.errorMessage,
    requestParameters: v.requestParameters, responseElements: v.responseElements, requestID: v.requestID, eventID: first.id, readOnly: v.readOnly,
    resources, eventType: v.eventType, managementEvent: true, recipientAccountId: v.recipientAccountId, eventCategory: 'Management',
  };
  for (const member in ordered) {
    const value = ordered[member as keyof typeof ordered];
    if (value !== undefined) record[member] = value;
  }
  return { record: record as unknown as CloudTrailRecord, aliasArns: [...group.aliasArns].sort(), position: first.position };
};

const varyingOf = (first: RecordedEvent, events: readonly RecordedEvent[]): Varying => {
  if (first.type === 'RequestRejected') {
    const d = first.data;
    const { account, region } = auditStreamScope(first.stream);
    const principal = str(d['principalArn']);
    return {
      userIdentity: identityOf(principal, account, str(d['accessKeyId'])),
      eventTime: cloudTrailTime(str(d['at']) ?? ''),
      // Refused before the operation was known (a bad signature, an unknown target).
      eventName: str(d['operation']) ?? 'Unknown',
      awsRegion: region ?? null,
      sourceIPAddress: str(d['sourceIp']) ?? null,
      userAgent: str(d['userAgent']) ?? null,
      errorCode: str(d['errorCode']) ?? 'Unknown',
      requestParameters: null,
      responseElements: null,
      requestID: str(d['requestId']) ?? null,
      readOnly: readOnlyOperations.has(str(d['operation']) ?? ''),
      eventType: 'AwsApiCall',
      recipientAccountId: account ?? null,
    };
  }

  const actor = obj(first.metadata['actor']) ?? {};
  const request = obj(first.metadata['request']) ?? {};
  const principal = str(actor['principalArn']);
  const account = str(actor['account']);
  const occurredAt = str(first.metadata['occurredAt']) ?? str(first.data['at']) ?? '';
  const region = str(request['region']) ?? null;

  if (principal === SERVICE_PRINCIPAL) {
    return {
      userIdentity: { type: 'AWSService', invokedBy: SERVICE_PRINCIPAL },
      eventTime: cloudTrailTime(occurredAt),
      eventName: serviceEventNames[first.type] ?? str(request['operation']) ?? first.type,
      awsRegion: region,
      sourceIPAddress: SERVICE_PRINCIPAL,
      userAgent: SERVICE_PRINCIPAL,
      requestParameters: null,
      responseElements: null,
      requestID: null,
      readOnly: false,
      eventType: 'AwsServiceEvent',
      recipientAccountId: account ?? null,
    };
  }

  const operation = str(request['operation']) ?? first.type;
  const failure = events.find((e) => e.type === 'RequestRecorded' && e.data['outcome'] === 'Failure');
  const errorMessage = failure && str(failure.data['errorMessage']);
  return {
    userIdentity: identityOf(principal, account, str(actor['accessKeyId'])),
    eventTime: cloudTrailTime(occurredAt),
    eventName: operation,
    awsRegion: region,
    sourceIPAddress: str(request['sourceIp']) ?? null,
    userAgent: str(request['userAgent']) ?? null,
    ...(failure ? { errorCode: str(failure.data['errorCode']) ?? 'Unknown' } : {}),
    ...(errorMessage !== undefined ? { errorMessage } : {}),
    requestParameters: obj(request['parameters']) ?? null,
    responseElements: failure ? null : responseElementsOf(operation, events),
    requestID: str(request['requestId']) ?? null,
    readOnly: readOnlyOperations.has(operation) || cryptoOperations.has(operation),
    eventType: 'AwsApiCall',
    recipientAccountId: account ?? null,
  };
};

const identityOf = (principal: string | undefined, account: string | undefined, accessKeyId: string | undefined): UserIdentity => {
  if (principal === undefined) return { type: 'Unknown', ...(accessKeyId !== undefined ? { accessKeyId } : {}) };
  const type = identityType(principal);
  // keyledger has no IAM unique ids (AIDA…); the name after the last '/' (or the account, for
  // root, as CloudTrail does) stands in for principalId.
  const principalId = type === 'Root' ? (account ?? principal) : principal.slice(principal.lastIndexOf('/') + 1);
  return {
    type,
    principalId,
    arn: principal,
    ...(account !== undefined ? { accountId: account } : {}),
    ...(accessKeyId !== undefined ? { accessKeyId } : {}),
  };
};
