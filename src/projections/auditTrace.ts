// What the audit trail reads of one event (auditTrail.ts): its trace — the event's place, a few
// metadata members and the data members a record needs — made from a whole event (traceOf) or
// from members a store picked out of its payload (traceOfMembers, EventStore.readOccurredMembers),
// so that a busy key's day is read as traces without whole events ever being built.
import type { EventMembers, Json, JsonObject, MemberPaths, RecordedEvent } from '../store/eventStore.js';

/** A member that is an object, or undefined. */
const obj = (v: Json | undefined): JsonObject | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
/** A member that is a string, or undefined. */
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
export { obj as objectMember, str as stringMember };

/**
 * What a record reads of one event, and nothing more: its place, the metadata members below
 * (strings, and the request's already-filtered parameters), and its data — the whole of it, or
 * for a trace made from picked members (traceOfMembers) the members DATA_MEMBERS names. A store
 * can hand these members out without the rest of the payload (EventStore.readOccurredMembers):
 * that is how the audit of a busy key reads thousands of events quickly.
 */
export interface AuditTrace {
  readonly position: number;
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  /** metadata.occurredAt */
  readonly occurredAt: string | undefined;
  /** metadata.actor.principalArn, .account, .accessKeyId */
  readonly principalArn: string | undefined;
  readonly account: string | undefined;
  readonly accessKeyId: string | undefined;
  /** metadata.request.requestId, .operation, .region, .sourceIp, .userAgent, .parameters */
  readonly requestId: string | undefined;
  readonly operation: string | undefined;
  readonly region: string | undefined;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  readonly parameters: JsonObject | undefined;
  readonly data: JsonObject;
}

/** The metadata members of a trace, in the order traceOfMembers reads them. */
const METADATA_PATHS: readonly (readonly string[])[] = [
  ['occurredAt'],
  ['actor', 'principalArn'],
  ['actor', 'account'],
  ['actor', 'accessKeyId'],
  ['request', 'requestId'],
  ['request', 'operation'],
  ['request', 'region'],
  ['request', 'sourceIp'],
  ['request', 'userAgent'],
  ['request', 'parameters'],
];

/**
 * Every member of data that a record reads of an event of MEMBER_TYPES: `at` (any event's
 * time when its metadata has none), a KeyUsed's `algorithm`, a RequestRecorded's outcome,
 * error and resources, a RequestRejected's whole account of the refusal.
 */
const DATA_MEMBERS = ['at', 'algorithm', 'outcome', 'errorCode', 'errorMessage', 'resources', 'requestId', 'principalArn', 'accessKeyId', 'operation', 'sourceIp', 'userAgent'] as const;

const ALGORITHM = DATA_MEMBERS.indexOf('algorithm');

/** The types whose records read no data member beyond DATA_MEMBERS: traces of other types need their whole event. */
export const MEMBER_TYPES: ReadonlySet<string> = new Set(['KeyUsed', 'RequestRecorded', 'RequestRejected']);

/** What readOccurredMembers must pick for traceOfMembers. */
export const TRACE_MEMBERS: MemberPaths = { metadata: METADATA_PATHS, data: DATA_MEMBERS.map((name) => [name]) };

export const traceOf = (event: RecordedEvent): AuditTrace => {
  const { metadata } = event;
  const actor = obj(metadata['actor']);
  const request = obj(metadata['request']);
  return {
    position: event.position,
    id: event.id,
    stream: event.stream,
    type: event.type,
    occurredAt: str(metadata['occurredAt']),
    principalArn: str(actor?.['principalArn']),
    account: str(actor?.['account']),
    accessKeyId: str(actor?.['accessKeyId']),
    requestId: str(request?.['requestId']),
    operation: str(request?.['operation']),
    region: str(request?.['region']),
    sourceIp: str(request?.['sourceIp']),
    userAgent: str(request?.['userAgent']),
    parameters: obj(request?.['parameters']),
    data: event.data,
  };
};

/**
 * One string for equal ones. What repeats from event to event of a busy key (caller, agent,
 * address, operation, algorithm) is kept once, and each event's own copy dies young: fewer
 * objects outlive a page, and garbage collection was two fifths of an audit's time.
 */
export class Strings {
  private readonly known = new Map<string, string>();
  private readonly usageData = new Map<string | undefined, JsonObject>();

  /**
   * The data of a KeyUsed in a key's stream whose metadata has its time: all a record reads of
   * it is its algorithm (`at` only stands in for a missing occurredAt), so equal ones are one.
   */
  usage(algorithm: string | undefined): JsonObject {
    let data = this.usageData.get(algorithm);
    if (data === undefined) this.usageData.set(algorithm, (data = Object.freeze(algorithm === undefined ? {} : { algorithm })));
    return data;
  }

  of(value: Json | undefined): string | undefined {
    if (typeof value !== 'string') return undefined;
    const known = this.known.get(value);
    if (known !== undefined) return known;
    this.known.set(value, value);
    return value;
  }
}

/** The data members that repeat between events (Strings); the others are each event's own. */
const REPEATING: ReadonlySet<string> = new Set(['algorithm', 'outcome', 'errorCode', 'principalArn', 'accessKeyId', 'operation', 'sourceIp', 'userAgent']);

/** The trace of an event of MEMBER_TYPES, from the members TRACE_MEMBERS picks of it. */
export const traceOfMembers = (event: EventMembers, strings: Strings = new Strings()): AuditTrace => {
  const m = event.metadata;
  const d = event.data;
  const occurredAt = str(m[0]);
  const algorithm = d[ALGORITHM];
  let data: JsonObject;
  if (event.type === 'KeyUsed' && event.stream.startsWith('key-') && occurredAt !== undefined && (algorithm === null || typeof algorithm === 'string')) {
    data = strings.usage(strings.of(algorithm));
  } else {
    // Null and absent read alike everywhere a record reads data (str, ??), so nulls are left out.
    const picked: { [key: string]: Json } = {};
    for (let i = 0; i < DATA_MEMBERS.length; i++) {
      const value = d[i];
      if (value === null || value === undefined) continue;
      const name = DATA_MEMBERS[i]!;
      picked[name] = typeof value === 'string' && REPEATING.has(name) ? strings.of(value)! : value;
    }
    data = Object.freeze(picked);
  }
  return {
    position: event.position,
    id: event.id,
    stream: event.stream,
    type: strings.of(event.type)!,
    occurredAt,
    principalArn: strings.of(m[1]),
    account: strings.of(m[2]),
    accessKeyId: strings.of(m[3]),
    requestId: str(m[4]),
    operation: strings.of(m[5]),
    region: strings.of(m[6]),
    sourceIp: strings.of(m[7]),
    userAgent: strings.of(m[8]),
    parameters: obj(m[9]),
    data,
  };
};
