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
import type { EventMembers, Json, JsonObject, MemberPaths, RecordedEvent } from '../store/eventStore.js';
import { responseElementsOf } from './auditResponse.js';
import { type AuditTrace, stringMember as str, traceOf } from './auditTrace.js';
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


/** 2026-01-01T12:34:56.789Z → 2026-01-01T12:34:56Z, CloudTrail's precision. */
export const cloudTrailTime = (iso: string): string => `${iso.slice(0, 19)}Z`;

export const identityType = (principalArn: string): IdentityType => {
  if (principalArn === SERVICE_PRINCIPAL) return 'AWSService';
  if (principalArn.endsWith(':root')) return 'Root';
  if (principalArn.includes(':user/')) return 'IAMUser';
  if (principalArn.includes(':assumed-role/')) return 'AssumedRole';
  return 'Unknown';
};

/** `audit-<account>-<region>-<yyyy-mm-dd>` (auditStream); 'anonymous'/'none' are unknown. */
const auditStreamScope = (stream: string): { account?: string; region?: string } => {
  const middle = stream.slice('audit-'.length, -'-yyyy-mm-dd'.length);
  const dash = middle.indexOf('-');
  const account = middle.slice(0, dash);
  const region = middle.slice(dash + 1);
  return { ...(account !== 'anonymous' ? { account } : {}), ...(region !== 'none' ? { region } : {}) };
};

class Group {
  readonly events: AuditTrace[] = [];
  /** The keys the request touched, unsorted, without duplicates: most touch one, kept alone. */
  keyArn: string | undefined = undefined;
  moreKeyArns: string[] | undefined = undefined;
  aliasArns: string[] | undefined = undefined;
}

const addKeyArn = (group: Group, arn: string): void => {
  if (group.keyArn === undefined) group.keyArn = arn;
  else if (group.keyArn !== arn && !(group.moreKeyArns?.includes(arn) ?? false)) (group.moreKeyArns ??= []).push(arn);
};

const NO_ALIASES: readonly string[] = Object.freeze([]);
const NO_RESOURCES: readonly TrailResource[] = Object.freeze([]);

/**
 * Folds the log into CloudTrail records. Applying is O(1) per event; `entries()` builds the
 * records. Alias targets are tracked so that an alias event's record names its key.
 *
 * What many records have in common — a key's resources entry, a caller's userIdentity, a
 * key's responseElements — is built once per trail and shared between its records, frozen.
 */
export class AuditTrail implements Projection {
  readonly name = 'auditTrail';
  /** A request's events; a lone event of a key's stream stands for its own group until another comes. */
  private readonly groups = new Map<string, Group | AuditTrace>();
  private readonly aliasTargets = new Map<string, string>();
  private readonly shared = new SharedParts();
  /** `key-<arn>` → `<arn>`, one string per key for all its events. */
  private readonly keyArnOfStream = new Map<string, string>();

  apply(event: RecordedEvent): void {
    if (isTraced(event)) this.applyTrace(traceOf(event));
  }

  /** apply, for an event already read as its trace. */
  applyTrace(trace: AuditTrace): void {
    const groupId = traceKeyOf(trace);
    if (groupId === undefined) return;
    const known = this.groups.get(groupId);
    if (known === undefined && trace.stream.startsWith('key-')) {
      this.groups.set(groupId, trace);
      return;
    }
    let group: Group;
    if (known instanceof Group) group = known;
    else {
      group = new Group();
      // Set again, a Map keeps the place of the key's first entry: records stay in log order.
      this.groups.set(groupId, group);
      if (known !== undefined) this.join(group, known);
    }
    this.join(group, trace);
  }

  private join(group: Group, trace: AuditTrace): void {
    group.events.push(trace);
    const { stream } = trace;
    if (stream.startsWith('key-')) {
      addKeyArn(group, this.keyArnOf(stream));
    } else if (stream.startsWith('alias-')) this.applyAlias(trace, group);
    else if (trace.type === 'RequestRecorded') {
      const resources = trace.data['resources'];
      if (Array.isArray(resources)) for (const r of resources) if (typeof r === 'string') addKeyArn(group, r);
    }
  }

  private keyArnOf(keyStream: string): string {
    let arn = this.keyArnOfStream.get(keyStream);
    if (arn === undefined) this.keyArnOfStream.set(keyStream, (arn = keyStream.slice('key-'.length)));
    return arn;
  }

  /** The group of a lone trace, made when its record is. */
  private groupOf(entry: Group | AuditTrace): Group {
    if (entry instanceof Group) return entry;
    const group = new Group();
    group.events.push(entry);
    group.keyArn = this.keyArnOf(entry.stream);
    return group;
  }

  private applyAlias(event: AuditTrace, group: Group): void {
    const aliasArn = event.stream.slice('alias-'.length);
    group.aliasArns ??= [];
    if (!group.aliasArns.includes(aliasArn)) group.aliasArns.push(aliasArn);
    const keyPrefix = aliasArn.slice(0, aliasArn.indexOf(':alias/'));
    const target = str(event.data['targetKeyId']);
    const previous = str(event.data['previousTargetKeyId']) ?? this.aliasTargets.get(aliasArn);
    if (previous !== undefined) addKeyArn(group, `${keyPrefix}:key/${previous}`);
    if (target !== undefined) {
      addKeyArn(group, `${keyPrefix}:key/${target}`);
      this.aliasTargets.set(aliasArn, target);
    }
    if (event.type === 'AliasDeleted') this.aliasTargets.delete(aliasArn);
  }

  /** Every record, in the log order of each request's first event. */
  *entries(): IterableIterator<AuditEntry> {
    for (const group of this.groups.values()) {
      const entry = recordOf(this.groupOf(group), this.shared);
      if (entry !== undefined) yield entry;
    }
  }

  /** The record of one request (a key from recordKeyOf), from the events applied so far. */
  entry(key: string): AuditEntry | undefined {
    const group = this.groups.get(key);
    return group === undefined ? undefined : recordOf(this.groupOf(group), this.shared);
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
export const recordKeyOf = (event: RecordedEvent): string | undefined => (isTraced(event) ? traceKeyOf(traceOf(event)) : undefined);

/** Which record a trace belongs to (recordKeyOf, for a trace); undefined for no record's. */
export const traceKeyOf = (trace: AuditTrace): string | undefined => {
  if (!isTraced(trace)) return undefined;
  const id = trace.requestId ?? (trace.stream.startsWith('audit-') ? str(trace.data['requestId']) : undefined);
  return id === undefined ? `event:${trace.id}` : `request:${id}`;
};

/** The pure form: events in log order → one entry per request. */
export const auditTrail = (events: Iterable<RecordedEvent>): AuditEntry[] => {
  const trail = new AuditTrail();
  for (const e of events) trail.apply(e);
  return [...trail.entries()];
};

/** Whether an event is any record's: a key's or an alias's, or a request recorded or refused (not a checkpoint). */
export const isTraced = (e: { readonly stream: string; readonly type: string }): boolean =>
  e.stream.startsWith('key-') || e.stream.startsWith('alias-') || e.type === 'RequestRecorded' || e.type === 'RequestRejected';

/** The parts records share, each built once (frozen: one object is in many records). */
class SharedParts {
  private readonly resources = new Map<string, readonly TrailResource[]>();
  private readonly identities = new Map<string | undefined, Map<string | undefined, Map<string | undefined, UserIdentity>>>();
  /** By operation, algorithm, key stream. */
  private readonly usageAnswers = new Map<string, Map<string | undefined, Map<string, JsonObject>>>();

  /** The resources list of a record: its keys sorted. */
  resourcesOf(group: Group): readonly TrailResource[] {
    const { keyArn, moreKeyArns } = group;
    if (keyArn === undefined) return NO_RESOURCES;
    if (moreKeyArns === undefined) {
      let resources = this.resources.get(keyArn);
      if (resources === undefined) this.resources.set(keyArn, (resources = Object.freeze([this.resource(keyArn)])));
      return resources;
    }
    return Object.freeze([keyArn, ...moreKeyArns].sort().map((arn) => this.resource(arn)));
  }

  private resource(arn: string): TrailResource {
    // `arn:aws:kms:r:a:key/id`: the account is the fifth part.
    const account = arn.split(':')[4];
    return Object.freeze({ accountId: account ?? '', type: 'AWS::KMS::Key', ARN: arn });
  }

  identity(principal: string | undefined, account: string | undefined, accessKeyId: string | undefined): UserIdentity {
    let byAccount = this.identities.get(principal);
    if (byAccount === undefined) this.identities.set(principal, (byAccount = new Map()));
    let byAccessKey = byAccount.get(account);
    if (byAccessKey === undefined) byAccount.set(account, (byAccessKey = new Map()));
    let identity = byAccessKey.get(accessKeyId);
    if (identity === undefined) byAccessKey.set(accessKeyId, (identity = Object.freeze(identityOf(principal, account, accessKeyId))));
    return identity;
  }

  /** responseElements of a request that used one key once (not a ReEncrypt across two). */
  usageAnswer(operation: string, keyStream: string, algorithm: string | undefined, make: () => JsonObject): JsonObject {
    let byAlgorithm = this.usageAnswers.get(operation);
    if (byAlgorithm === undefined) this.usageAnswers.set(operation, (byAlgorithm = new Map()));
    let byKey = byAlgorithm.get(algorithm);
    if (byKey === undefined) byAlgorithm.set(algorithm, (byKey = new Map()));
    let answer = byKey.get(keyStream);
    if (answer === undefined) byKey.set(keyStream, (answer = Object.freeze(make())));
    return answer;
  }
}

const SERVICE_IDENTITY: UserIdentity = Object.freeze({ type: 'AWSService', invokedBy: SERVICE_PRINCIPAL });

/** One literal in CloudTrail's member order, so an exported line reads like AWS's; the members
 *  a record does not have (errorCode, errorMessage) are left out, not set undefined. */
const recordOf = (group: Group, shared: SharedParts): AuditEntry | undefined => {
  const { events } = group;
  const first = events[0];
  if (first === undefined) return undefined;
  const resources = shared.resourcesOf(group);
  const aliasArns = group.aliasArns === undefined ? NO_ALIASES : [...group.aliasArns].sort();
  let record: CloudTrailRecord;

  if (first.type === 'RequestRejected') {
    const d = first.data;
    const { account, region } = auditStreamScope(first.stream);
    const operation = str(d['operation']);
    record = {
      eventVersion: '1.08',
      userIdentity: shared.identity(str(d['principalArn']), account, str(d['accessKeyId'])),
      eventTime: cloudTrailTime(str(d['at']) ?? ''),
      eventSource: 'kms.amazonaws.com',
      // Refused before the operation was known (a bad signature, an unknown target).
      eventName: operation ?? 'Unknown',
      awsRegion: region ?? null,
      sourceIPAddress: str(d['sourceIp']) ?? null,
      userAgent: str(d['userAgent']) ?? null,
      errorCode: str(d['errorCode']) ?? 'Unknown',
      requestParameters: null,
      responseElements: null,
      requestID: str(d['requestId']) ?? null,
      eventID: first.id,
      readOnly: readOnlyOperations.has(operation ?? ''),
      resources,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account ?? null,
      eventCategory: 'Management',
    };
    return { record, aliasArns, position: first.position };
  }

  const principal = first.principalArn;
  const account = first.account;
  const occurredAt = first.occurredAt ?? str(first.data['at']) ?? '';
  const region = first.region ?? null;

  if (principal === SERVICE_PRINCIPAL) {
    record = {
      eventVersion: '1.08',
      userIdentity: SERVICE_IDENTITY,
      eventTime: cloudTrailTime(occurredAt),
      eventSource: 'kms.amazonaws.com',
      eventName: serviceEventNames[first.type] ?? first.operation ?? first.type,
      awsRegion: region,
      sourceIPAddress: SERVICE_PRINCIPAL,
      userAgent: SERVICE_PRINCIPAL,
      requestParameters: null,
      responseElements: null,
      requestID: null,
      eventID: first.id,
      readOnly: false,
      resources,
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: account ?? null,
      eventCategory: 'Management',
    };
    return { record, aliasArns, position: first.position };
  }

  const operation = first.operation ?? first.type;
  const failure = events.find((e) => e.type === 'RequestRecorded' && e.data['outcome'] === 'Failure');
  const userIdentity = shared.identity(principal, account, first.accessKeyId);
  const eventTime = cloudTrailTime(occurredAt);
  const sourceIPAddress = first.sourceIp ?? null;
  const userAgent = first.userAgent ?? null;
  const requestParameters = first.parameters ?? null;
  const requestID = first.requestId ?? null;
  const readOnly = readOnlyOperations.has(operation) || cryptoOperations.has(operation);
  // Two whole literals rather than one with a spread-in error: a literal with a spread is built
  // member by member, and with it the hot key's day (13,321 records) measured 176 - 212 ms
  // median instead of 116 - 132.
  if (failure === undefined) {
    record = {
      eventVersion: '1.08',
      userIdentity,
      eventTime,
      eventSource: 'kms.amazonaws.com',
      eventName: operation,
      awsRegion: region,
      sourceIPAddress,
      userAgent,
      requestParameters,
      responseElements: responseOf(operation, events, shared),
      requestID,
      eventID: first.id,
      readOnly,
      resources,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account ?? null,
      eventCategory: 'Management',
    };
    return { record, aliasArns, position: first.position };
  }
  const errorCode = str(failure.data['errorCode']) ?? 'Unknown';
  const errorMessage = str(failure.data['errorMessage']);
  const withError = {
    eventVersion: '1.08',
    userIdentity,
    eventTime,
    eventSource: 'kms.amazonaws.com',
    eventName: operation,
    awsRegion: region,
    sourceIPAddress,
    userAgent,
    errorCode,
    ...(errorMessage !== undefined ? { errorMessage } : {}),
    requestParameters,
    responseElements: null,
    requestID,
    eventID: first.id,
    readOnly,
    resources,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account ?? null,
    eventCategory: 'Management',
  } as const;
  return { record: withError, aliasArns, position: first.position };
};

/** responseElementsOf, shared between the records of a key used alike (one KeyUsed event). */
const responseOf = (operation: string, events: readonly AuditTrace[], shared: SharedParts): JsonObject | null => {
  const only = events.length === 1 ? events[0] : undefined;
  if (only !== undefined && only.type === 'KeyUsed' && only.stream.startsWith('key-')) {
    return shared.usageAnswer(operation, only.stream, str(only.data['algorithm']), () => {
      const answer = responseElementsOf(operation, events);
      if (answer === null) throw new Error('a KeyUsed always has responseElements');
      return answer;
    });
  }
  return responseElementsOf(operation, events);
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
