// The audit question every reader asks — `keyledger audit`, the admin read API, a later web
// console: which CloudTrail records match a filter. One function, so that how the records are
// found can change without any reader noticing.
//
// Found without scanning the log whenever the filter allows (the forensics issue: the audit of
// one key for a day must not read the whole log). Only the events that can belong to a matching
// record are read, through the store's secondary reads (a stream's window of time, one
// ReEncrypt's events), and folded with the same projection a full replay uses; the filter then
// decides exactly, as on a full replay. Which events can:
//   - a key's: its own stream (within the time window, if any); the day streams of the audit
//     log (RequestRecorded names the keys a request resolved); every alias stream of its
//     account and Region (they are short, and an alias event's record names the keys the alias
//     moved between, which takes the alias's earlier events to know);
//   - an alias's: its stream, and the streams of every key it ever named (a request through
//     the alias is recorded on the key it resolved to), plus the audit log's day streams;
//   - a time window's: every event that occurred in it, widened by a second on each side
//     (CloudTrail's eventTime drops the milliseconds), read stream by stream (the audit log's
//     day streams of the window's days only), and the alias streams.
// A record is one request, and a request's events can sit in several streams: a ReEncrypt
// uses two keys, and one refused by its destination after using its source also left a
// RequestRecorded. (It is the only request that writes to more than one stream.) Those are
// completed by request id (one index probe each), so that every record is built from all of
// its events, exactly as on a full replay. A property test holds the two to be equal.
//
// A busy key's day is thousands of events: where the store can (readOccurredMembers), each is
// read as the few members its record needs (AuditTrace) rather than as a whole event, and only
// those members outlive the read; an event of a type whose record reads more of its data (a
// key's lifecycle, rare in a day) is then read whole.
import { type AuditFilter, auditMatcher } from '../projections/auditFilter.js';
import { MEMBER_TYPES, Strings, TRACE_MEMBERS, traceOf, traceOfMembers, type AuditTrace } from '../projections/auditTrace.js';
import { AuditTrail, type AuditEntry } from '../projections/auditTrail.js';
import type { EventStore, OccurredWindow, RecordedEvent } from '../store/eventStore.js';

/** Every record matching `filter`, oldest first (by the log position of each request's first event). */
export const queryAudit = async (store: EventStore, filter: AuditFilter): Promise<AuditEntry[]> => {
  const trail = new AuditTrail();
  const candidates = await candidatesOf(store, filter);
  if (candidates === undefined) for await (const event of store.readAll()) trail.apply(event);
  else for (const trace of candidates) trail.applyTrace(trace);
  const matches = auditMatcher(filter);
  const out: AuditEntry[] = [];
  for (const entry of trail.entries()) if (matches(entry)) out.push(entry);
  return out;
};

/** One UTC day (yyyy-mm-dd) as the filter's half-open time window. */
export const auditQueryWindow = (day: string): { since: string; until: string } => {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(start)) throw new RangeError(`expected a day as yyyy-mm-dd, got '${day}'`);
  return { since: new Date(start).toISOString(), until: new Date(start + DAY_MS).toISOString() };
};

const DAY_MS = 86_400_000;
/** CloudTrail's eventTime is whole seconds: an event up to a second off a bound can still match. */
const SLACK_MS = 1000;

type Window = Pick<OccurredWindow, 'since' | 'until'>;

const windowOf = (filter: AuditFilter): Window | undefined => {
  if (filter.since === undefined && filter.until === undefined) return undefined;
  const widened = (iso: string, by: number): string => new Date(Date.parse(iso) + by).toISOString();
  return {
    ...(filter.since !== undefined ? { since: widened(filter.since, -SLACK_MS) } : {}),
    ...(filter.until !== undefined ? { until: widened(filter.until, SLACK_MS) } : {}),
  };
};

/** `audit-<account>-<region>-<yyyy-mm-dd>`: does the stream's day meet the window? */
const auditDayMeets = (stream: string, window: Window | undefined): boolean => {
  if (window === undefined) return true;
  const start = Date.parse(`${stream.slice(-10)}T00:00:00.000Z`);
  if (Number.isNaN(start)) return true;
  return (window.until === undefined || start < Date.parse(window.until)) && (window.since === undefined || start + DAY_MS > Date.parse(window.since));
};

/** `arn:aws:kms:<region>:<account>:` of a key or alias ARN. */
const scopePrefix = (arn: string): string => arn.split(':').slice(0, 5).join(':') + ':';

/** The event at `position`, whole. */
const eventAt = async (store: EventStore, position: number): Promise<RecordedEvent | undefined> => {
  for await (const e of store.readAll({ after: position - 1, limit: 1 })) return e.position === position ? e : undefined;
  return undefined;
};

/**
 * The traces of one stream's events in the window: from picked members where the store can,
 * each event of a type outside MEMBER_TYPES then read whole; else from whole events.
 */
async function* tracesOccurred(store: EventStore, window: Window, stream: string, strings: Strings, dataMentions?: string): AsyncIterable<readonly AuditTrace[]> {
  if (store.readOccurredMembers === undefined) {
    yield* tracesOf(store.readOccurred({ ...window, stream }));
    return;
  }
  // A page at a time: a yield per event would cost a promise per event.
  const pages = store.readOccurredMembers({ ...window, stream, ...(dataMentions !== undefined ? { dataMentions } : {}) }, TRACE_MEMBERS);
  for await (const page of pages) {
    const traces: AuditTrace[] = [];
    for (const members of page) {
      if (MEMBER_TYPES.has(members.type)) {
        traces.push(traceOfMembers(members, strings));
        continue;
      }
      const whole = await eventAt(store, members.position);
      if (whole === undefined) throw new Error(`the event at position ${members.position} is no longer in the store`);
      traces.push(traceOf(whole));
    }
    yield traces;
  }
}

async function* tracesOf(events: AsyncIterable<RecordedEvent>): AsyncIterable<readonly AuditTrace[]> {
  for await (const e of events) yield [traceOf(e)];
}

/**
 * The traces of the events that can make up the matching records, in position order; undefined
 * when the filter does not narrow the log (no key, alias or time), so the whole log it is.
 */
const candidatesOf = async (store: EventStore, filter: AuditFilter): Promise<AuditTrace[] | undefined> => {
  const window = windowOf(filter);
  if (filter.keyArn === undefined && filter.aliasArn === undefined && window === undefined) return undefined;
  // What each read found, in position order; merged (and rid of what two reads both found) at the end.
  const found: AuditTrace[] = [];
  const take = async (pages: AsyncIterable<readonly AuditTrace[]>, keep?: (t: AuditTrace) => boolean): Promise<void> => {
    for await (const page of pages) for (const t of page) if (keep === undefined || keep(t)) found.push(t);
  };
  const strings = new Strings();
  /** A stream's traces in the window; with `mentioning`, those of events whose data does not hold it may be left out. */
  const streamIn = (stream: string, mentioning?: string) =>
    window === undefined ? tracesOf(store.readStream(stream)) : tracesOccurred(store, window, stream, strings, mentioning);
  const { heads } = await store.streamHeads();
  const streams = heads.map((h) => h.stream);
  const auditStreams = streams.filter((s) => s.startsWith('audit-') && auditDayMeets(s, window));

  if (filter.keyArn === undefined && filter.aliasArn === undefined) {
    // A window alone: every stream's events in it, but the alias streams' (read whole below)
    // and the audit streams of other days; read stream by stream, so that each is read as the
    // members its records need where the store can.
    for (const stream of streams) {
      if (stream.startsWith('alias-') || (stream.startsWith('audit-') && !auditDayMeets(stream, window))) continue;
      await take(streamIn(stream));
    }
  }
  if (filter.keyArn !== undefined) {
    const keyArn = filter.keyArn;
    await take(streamIn(`key-${keyArn}`));
    // A day stream records every key's requests: the store may pass over those whose data
    // does not name this key (most of them), and the filter decides.
    for (const stream of auditStreams) await take(streamIn(stream, keyArn), (t) => resourcesOf(t).includes(keyArn));
  }
  const aliasPrefix = `alias-${scopePrefix(filter.keyArn ?? filter.aliasArn ?? '')}alias/`;
  // Alias streams are read whole: an alias event's record names the key the alias pointed to
  // before, which only its earlier events tell.
  const everyAlias = filter.keyArn === undefined && filter.aliasArn === undefined;
  for (const stream of streams) if (stream.startsWith(everyAlias ? 'alias-' : aliasPrefix)) await take(tracesOf(store.readStream(stream)));
  if (filter.keyArn === undefined && filter.aliasArn !== undefined) {
    const aliasArn = filter.aliasArn;
    const keyPrefix = `${aliasArn.slice(0, aliasArn.indexOf(':alias/'))}:key/`;
    const targets = new Set<string>();
    for await (const e of store.readStream(`alias-${aliasArn}`)) {
      const target = e.data['targetKeyId'];
      if (typeof target === 'string') targets.add(`${keyPrefix}${target}`);
    }
    for (const keyArn of targets) await take(streamIn(`key-${keyArn}`));
    for (const stream of auditStreams) await take(streamIn(stream));
  }

  // Complete the requests that can span streams with the events they left elsewhere.
  const spanning = new Set<string>();
  for (const t of found) {
    const id = t.requestId;
    if (id === undefined) continue;
    if (t.operation === 'ReEncrypt' || (t.type === 'RequestRecorded' && t.data['outcome'] === 'Failure')) spanning.add(id);
  }
  for (const id of spanning) await take(tracesOf(store.readRequest(id)));
  // An event read twice (by its stream and by its request) gives two traces that read alike:
  // either will do.
  found.sort((a, b) => a.position - b.position);
  return found.filter((t, i) => i === 0 || found[i - 1]!.position !== t.position);
};

const resourcesOf = (t: AuditTrace): readonly unknown[] => {
  const resources = t.data['resources'];
  return Array.isArray(resources) ? resources : [];
};
