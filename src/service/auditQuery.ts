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
import { AuditTrail, isTraced, traceKeyOf, type AuditEntry } from '../projections/auditTrail.js';
import type { EventStore, OccurredWindow, RecordedEvent } from '../store/eventStore.js';

/** Every record matching `filter`, oldest first (by the log position of each request's first event). */
export const queryAudit = async (store: EventStore, filter: AuditFilter): Promise<AuditEntry[]> => {
  const trail = new AuditTrail();
  const candidates = await candidatesOf(store, filter);
  if (candidates === undefined) for await (const event of store.readAll()) trail.apply(event);
  else for (const trace of candidates.traces) trail.applyTrace(trace);
  const matches = auditMatcher(filter);
  const out: AuditEntry[] = [];
  for (const entry of trail.entries()) if (matches(entry)) out.push(entry);
  return out;
};

/**
 * Up to `limit` of the records queryAudit answers, the first after log position `after` (by
 * their first event's), and whether more follow. For a key or an alias, only as much of its
 * streams is read as the page needs (candidatesOf's bounds), reading further while filters
 * turn records away: a page of a busy key is not a replay of its whole history (on the
 * million-event log, the first page of a key used 396,000 times: 8 s before, ~175 ms now). Any
 * other question reads the log itself from the cursor on, as far as the page needs (logSpan).
 */
export const queryAuditPage = async (
  store: EventStore,
  filter: AuditFilter,
  page: {
    readonly after?: number | undefined;
    readonly limit: number;
    /** How many events each long stream is read for at first (default 4 × (limit + 1), at least 256); more are read as needed. */
    readonly firstCap?: number;
  },
): Promise<{ entries: AuditEntry[]; more: boolean }> => {
  const after = page.after ?? 0;
  const { limit } = page;
  const matches = auditMatcher(filter);
  // A key's or an alias's records: from their streams. Any other question's: from the log itself,
  // in position order, within the positions that can hold its window.
  const span = filter.keyArn === undefined && filter.aliasArn === undefined ? await logSpan(store, filter, after) : undefined;
  const firstCap = page.firstCap ?? Math.max(4 * (limit + 1), 256);
  for (let cap = firstCap; ; cap *= 4) {
    // A window that the log holds few matches in (a principal's or an operation's day): past a
    // few rounds, its stream-by-stream reading as members, whole, beats reading the log on.
    if (span !== undefined && cap > 4 * firstCap && windowOf(filter) !== undefined) {
      const rest = (await queryAudit(store, filter)).filter((e) => e.position > after);
      return { entries: rest.slice(0, limit), more: rest.length > limit };
    }
    const candidates = span === undefined ? await candidatesOf(store, filter, { after, cap }) : await logCandidates(store, span, cap);
    if (candidates === undefined) throw new Error('a key or alias always narrows the log');
    const { traces, complete } = candidates;
    const trail = new AuditTrail();
    for (const trace of traces) trail.applyTrace(trace);
    const entries: AuditEntry[] = [];
    // In position order: past `complete`, a record may not be whole yet.
    for (const entry of trail.entries()) {
      if (entry.position > complete) break;
      if (entry.position <= after || !matches(entry)) continue;
      entries.push(entry);
      if (entries.length > limit) return { entries: entries.slice(0, limit), more: true };
    }
    if (complete === Number.POSITIVE_INFINITY) return { entries, more: false };
  }
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

/**
 * How long a request may take: from the clock reading that dates its record (its first event's
 * occurredAt) to the commit of its last event. The store's reads by time assume as much
 * (readOccurred: five minutes). A ReEncrypt refused by its destination records the refusal
 * with a later reading of the clock, so the audit log's streams are read this far past a
 * window's end; and a request's events commit within this of its record's time.
 */
const CLOCK_SLACK_MS = 5 * 60_000;

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
 * The traces of one stream's events in the window (all of them, dated or not, when it has no
 * bounds), from `fromRevision` on: from picked members where the store can, each event of a
 * type outside MEMBER_TYPES then read whole; else from whole events.
 */
async function* tracesOccurred(
  store: EventStore,
  window: Window,
  stream: string,
  strings: Strings,
  fromRevision: number,
  dataMentions?: string,
): AsyncIterable<readonly AuditTrace[]> {
  if (store.readOccurredMembers === undefined) {
    const events = window.since === undefined && window.until === undefined ? store.readStream(stream, { from: fromRevision }) : store.readOccurred({ ...window, stream });
    for await (const e of events) if (e.revision >= fromRevision) yield [traceOf(e)];
    return;
  }
  // A page at a time: a yield per event would cost a promise per event.
  const pages = store.readOccurredMembers({ ...window, stream, fromRevision, ...(dataMentions !== undefined ? { dataMentions } : {}) }, TRACE_MEMBERS);
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

/** How much of the log a page of records reads (queryAuditPage). */
interface Bounds {
  /** The page's records start after this log position (their first event's). */
  readonly after: number;
  /** At most this many events are read of each stream that can be long (a key's, a day's). */
  readonly cap: number;
}

interface Candidates {
  /** In position order. */
  readonly traces: AuditTrace[];
  /** Every record whose first event is at or before this position is whole; Infinity when no read was cut short. */
  readonly complete: number;
}

/**
 * The traces of the events that can make up the matching records, in position order; undefined
 * when the filter does not narrow the log (no key, alias or time), so the whole log it is.
 *
 * With `bounds` (a key's or an alias's records), each long stream is read from the cursor on
 * and only so far: from the revision before its first event after `bounds.after` (so that a
 * request whose events straddle the cursor is seen to start before it), up to `bounds.cap`
 * events. A stream cut short leaves its last request possibly unfinished: `complete` is then
 * at most the position before that request's first event read (a request's events in one stream
 * are one append, consecutive revisions). And a ReEncrypt, the one request that writes to two
 * streams, appends to them in turn while others commit: its event past the cut may belong to a
 * record that starts, in a stream not read, before it. `complete` is then also bounded by time
 * (below): past that bound a record may lack events; before it, every record is whole, its
 * ReEncrypt events completed by request id.
 */
const candidatesOf = async (store: EventStore, filter: AuditFilter, bounds?: Bounds): Promise<Candidates | undefined> => {
  const window = windowOf(filter);
  if (filter.keyArn === undefined && filter.aliasArn === undefined && window === undefined) return undefined;
  // The audit log's streams, read past the window's end by as long as a request may take.
  const auditWindow = window?.until === undefined ? window : { ...window, until: new Date(Date.parse(window.until) + CLOCK_SLACK_MS).toISOString() };
  // What each read found, in position order; merged (and rid of what two reads both found) at the end.
  const found: AuditTrace[] = [];
  let complete = Number.POSITIVE_INFINITY;
  // The earliest time at which a stream was cut short, if one was ('' when undated).
  let cutAt: string | undefined;
  const take = async (pages: AsyncIterable<readonly AuditTrace[]>, keep?: (t: AuditTrace) => boolean): Promise<void> => {
    for await (const page of pages) for (const t of page) if (keep === undefined || keep(t)) found.push(t);
  };
  const strings = new Strings();
  const { heads } = await store.streamHeads();
  const headOf = new Map(heads.map((h) => [h.stream, h]));
  const streams = heads.map((h) => h.stream);
  /**
   * A stream's traces in the window (all of it when there is none) — within `bounds`, if any;
   * with `mentioning`, those of events whose data does not hold it may be left out.
   */
  const takeStream = async (stream: string, mentioning?: string, keep?: (t: AuditTrace) => boolean): Promise<void> => {
    const within = stream.startsWith('audit-') ? auditWindow : window;
    const head = headOf.get(stream);
    if (head === undefined) return;
    let from = 0;
    if (bounds !== undefined) {
      // Nothing after the cursor: no record of the page has an event here.
      if (head.position <= bounds.after) return;
      const first = await firstAfter(store, stream, head.revision, bounds.after);
      // Nothing before the point where another stream was cut short: no whole record of the page has an event here.
      if (first.position > complete) return;
      from = Math.max(0, first.revision - 1);
    }
    const pages = tracesOccurred(store, within ?? {}, stream, strings, from, mentioning);
    if (bounds === undefined) return take(pages, keep);
    let read = 0;
    // The request of the last event read, and the position of its first event read.
    let lastRequest: string | undefined;
    let lastRequestFrom = 0;
    let lastAt: string | undefined;
    for await (const page of pages) {
      for (const t of page) {
        // Cut at exactly `cap` events, mid-page too: what is past the cut is read next round.
        if (read >= bounds.cap) {
          complete = Math.min(complete, lastRequestFrom - 1);
          cutAt = cutAt === undefined || lastAt === undefined ? (lastAt ?? '') : lastAt < cutAt ? lastAt : cutAt;
          return;
        }
        if (keep === undefined || keep(t)) found.push(t);
        const request = traceKeyOf(t);
        if (request === undefined || request !== lastRequest) lastRequestFrom = t.position;
        lastRequest = request;
        if (t.occurredAt !== undefined) lastAt = t.occurredAt;
        read++;
      }
    }
  };
  const auditStreams = streams.filter((s) => s.startsWith('audit-') && auditDayMeets(s, auditWindow));

  if (filter.keyArn === undefined && filter.aliasArn === undefined) {
    // A window alone: every stream's events in it, but the alias streams' (read whole below)
    // and the audit streams of other days; read stream by stream, so that each is read as the
    // members its records need where the store can.
    for (const stream of streams) {
      if (stream.startsWith('alias-') || (stream.startsWith('audit-') && !auditDayMeets(stream, auditWindow))) continue;
      await takeStream(stream);
    }
  }
  if (filter.keyArn !== undefined) {
    const keyArn = filter.keyArn;
    await takeStream(`key-${keyArn}`);
    // A day stream records every key's requests: the store may pass over those whose data
    // does not name this key (most of them), and the filter decides.
    for (const stream of auditStreams) await takeStream(stream, keyArn, (t) => resourcesOf(t).includes(keyArn));
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
    for (const keyArn of targets) await takeStream(`key-${keyArn}`);
    for (const stream of auditStreams) await takeStream(stream);
  }

  // A request that writes to two streams appends to each in turn, and others commit between: a
  // ReEncrypt's event past a cut may belong to a record whose first event, in a stream not read
  // here, is before it. Such a record's events all commit within CLOCK_SLACK_MS of its time, so
  // its first event was committed after the cut's time less that, which is after every event
  // that occurred before that time less it again: those records, and only those, are whole.
  if (cutAt !== undefined) {
    const before = cutAt === '' ? 1 : await firstOccurredAt(store, await store.headPosition(), new Date(Date.parse(cutAt) - 2 * CLOCK_SLACK_MS).toISOString());
    complete = Math.min(complete, before - 1);
  }
  await completeSpanning(store, found);
  // An event read twice (by its stream and by its request) gives two traces that read alike:
  // either will do.
  found.sort((a, b) => a.position - b.position);
  return { traces: found.filter((t, i) => i === 0 || found[i - 1]!.position !== t.position), complete };
};

/** The positions [from, to) of the log that can hold a question's records, read from the cursor on. */
interface LogSpan {
  readonly from: number;
  readonly to: number;
}

/**
 * For a question without a key or an alias: the positions its page reads, from the cursor
 * (inclusive: the previous page's last record is read again whole, and then passed over) to
 * the end of the log, narrowed to its window. An event committed before the first position
 * whose occurredAt is at least CLOCK_SLACK_MS before the window (a second wider, as windowOf)
 * was committed — so occurred — before the window; likewise after its end.
 */
const logSpan = async (store: EventStore, filter: AuditFilter, after: number): Promise<LogSpan> => {
  const window = windowOf(filter);
  const head = await store.headPosition();
  const shifted = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
  let from = Math.max(1, after);
  let to = head + 1;
  if (window?.since !== undefined) from = Math.max(from, await firstOccurredAt(store, head, shifted(window.since, -CLOCK_SLACK_MS)));
  if (window?.until !== undefined) to = await firstOccurredAt(store, head, shifted(window.until, CLOCK_SLACK_MS));
  return { from, to };
};

/**
 * The first position (1..head) whose event occurred at or after `iso` (head + 1 if none), by
 * binary search. An undated event takes the time of the next dated one (the end of the log if
 * none), so that it can only widen a span read from this position.
 */
const firstOccurredAt = async (store: EventStore, head: number, iso: string): Promise<number> => {
  const atOrAfter = async (position: number): Promise<boolean> => {
    // One event, as a rule (keyledger dates every event); a run of undated ones a page at a time.
    for (let after = position - 1, limit = 1; ; limit = 1000) {
      let read = 0;
      for await (const e of store.readAll({ after, limit })) {
        const at = e.metadata['occurredAt'];
        if (typeof at === 'string') return at >= iso;
        after = e.position;
        read++;
      }
      if (read < limit) return true;
    }
  };
  let low = 1;
  let high = head + 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (await atOrAfter(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
};

/**
 * The traces of up to `cap` events of the log from `span.from`, and how far their records are
 * whole (see candidatesOf): a request's events in one stream are one append, so they are
 * consecutive in the log too, and a ReEncrypt is completed by its request id.
 */
const logCandidates = async (store: EventStore, span: LogSpan, cap: number): Promise<Candidates> => {
  const found: AuditTrace[] = [];
  const want = Math.max(0, Math.min(cap, span.to - span.from));
  let read = 0;
  let lastRequest: string | undefined;
  let lastRequestFrom = 0;
  for await (const e of store.readAll({ after: span.from - 1, limit: want })) {
    if (e.position >= span.to) break;
    read++;
    const trace = isTraced(e) ? traceOf(e) : undefined;
    if (trace !== undefined) found.push(trace);
    const request = trace === undefined ? undefined : traceKeyOf(trace);
    if (request === undefined || request !== lastRequest) lastRequestFrom = e.position;
    lastRequest = request;
  }
  // Fewer than asked: the span (or the log) ended, and every record in it is whole. A span that
  // is empty or inverted (a cursor past the log's head) is read whole too: else no round ends.
  const complete = read < want || want >= span.to - span.from ? Number.POSITIVE_INFINITY : lastRequestFrom - 1;
  // Alias streams whole, as candidatesOf reads them: an alias event's record names the key the
  // alias pointed to before, which only its earlier events tell.
  const { heads } = await store.streamHeads();
  for (const { stream } of heads) if (stream.startsWith('alias-')) for await (const e of store.readStream(stream)) found.push(traceOf(e));
  await completeSpanning(store, found);
  found.sort((a, b) => a.position - b.position);
  return { traces: found.filter((t, i) => i === 0 || found[i - 1]!.position !== t.position), complete };
};

/** Completes the requests that can span streams with the events they left elsewhere (appended to `found`). */
const completeSpanning = async (store: EventStore, found: AuditTrace[]): Promise<void> => {
  const spanning = new Set<string>();
  for (const t of found) {
    const id = t.requestId;
    if (id === undefined) continue;
    if (t.operation === 'ReEncrypt' || (t.type === 'RequestRecorded' && t.data['outcome'] === 'Failure')) spanning.add(id);
  }
  for (const id of spanning) for await (const e of store.readRequest(id)) found.push(traceOf(e));
};

/** The first event of `stream` (revisions 0..head) after log position `after`: its revision and position (head + 1 and Infinity if none). */
const firstAfter = async (store: EventStore, stream: string, head: number, after: number): Promise<{ revision: number; position: number }> => {
  const positionAt = async (revision: number): Promise<number> => {
    for await (const e of store.readStream(stream, { from: revision, limit: 1 })) return e.position;
    return Number.POSITIVE_INFINITY;
  };
  let low = 0;
  let high = head + 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((await positionAt(mid)) > after) high = mid;
    else low = mid + 1;
  }
  return { revision: low, position: low > head ? Number.POSITIVE_INFINITY : await positionAt(low) };
};

const resourcesOf = (t: AuditTrace): readonly unknown[] => {
  const resources = t.data['resources'];
  return Array.isArray(resources) ? resources : [];
};
