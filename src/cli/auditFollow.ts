// `keyledger audit --follow`: the records so far, then each new one as the server commits it,
// until SIGINT or SIGTERM. It reads the SQLite file read-only beside the running writer
// (readDataDir.ts) and polls: a store's live subscription only sees the commits of its own
// process's writer (src/store/sqlite/sqliteStore.ts), and a read-only store has none.
//
// Polling `readAll({ after })` from the last position seen misses nothing on SQLite: one writer
// thread hands out positions and commits its transactions in order, so no event can appear
// later below a position already read. (PostgreSQL, with concurrent transactions, could; follow
// reads only a data directory's SQLite file.)
//
// A record is one request, and a request may leave several events, appended one after another
// while it runs (a ReEncrypt: its source key's KeyUsed, its destination's, then a failure
// record if the destination refused). So a record is printed only once it is final: when no new
// event of its request has been seen for SETTLE_MS. Records come out in log order (a record
// still settling holds back the ones after it) and each request is printed once: a request
// already printed is remembered, and an event of it that comes later still is reported on
// stderr instead of printing a second, partial record.
import { setTimeout as sleep } from 'node:timers/promises';
import { type AuditFilter, matchesAudit } from '../projections/auditFilter.js';
import { AuditTrail, type AuditEntry, recordKeyOf } from '../projections/auditTrail.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import type { ProgressBar } from './progressBar.js';

/**
 * How long a request must be quiet before its record is final. A request's events are all
 * durable before it is answered (DESIGN.md, "Fail closed") and follow each other within
 * milliseconds; a second leaves room for a slow disk and still reads as live.
 */
export const SETTLE_MS = 1000;

/**
 * How long a printed request is remembered. Its events all precede its answer, so a later one
 * would need a request stalled for this long in the middle of its appends; forgetting after
 * that keeps a follow that runs for days from growing without bound.
 */
export const REMEMBER_MS = 10 * 60_000;

interface Pending {
  /** Log position of the request's first event. */
  readonly position: number;
  /** When (our clock) its latest event was read. */
  seenAt: number;
}

/** The audit trail of a growing log: events go in as they are read, final records come out once. */
export class FollowedTrail {
  private readonly trail = new AuditTrail();
  /** Requests read but not yet final, in the log order of their first event (insertion order). */
  private readonly pending = new Map<string, Pending>();
  /** Requests already final, in that order: when, and whether their record was printed (or
   *  filtered out). */
  private readonly done = new Map<string, { readonly at: number; readonly printed: boolean }>();

  constructor(
    private readonly filter: AuditFilter,
    private readonly settleMs = SETTLE_MS,
  ) {}

  /** Folds `events`, read at `now`. Returns the printed requests that these events belong to:
   *  their printed record lacks them. */
  apply(events: Iterable<RecordedEvent>, now: number): string[] {
    const late: string[] = [];
    for (const event of events) {
      const key = recordKeyOf(event);
      // Applied even when its record is done: an alias event also moves the alias's target,
      // which later records name.
      this.trail.apply(event);
      if (key === undefined) continue;
      const done = this.done.get(key);
      if (done !== undefined) {
        this.trail.forget(key);
        if (done.printed) late.push(key);
        continue;
      }
      const pending = this.pending.get(key);
      if (pending === undefined) this.pending.set(key, { position: event.position, seenAt: now });
      else pending.seenAt = now;
    }
    return late;
  }

  /**
   * The records final at `now` that match the filter, in log order, each request once. With
   * `through`, only requests that began at or before that position.
   */
  settled(now: number, through = Number.POSITIVE_INFINITY): AuditEntry[] {
    const final: AuditEntry[] = [];
    for (const [key, { position, seenAt }] of this.pending) {
      if (position > through || now - seenAt < this.settleMs) break;
      const entry = this.trail.entry(key);
      this.trail.forget(key);
      this.pending.delete(key);
      const printed = entry !== undefined && matchesAudit(this.filter, entry);
      if (printed) final.push(entry);
      this.done.set(key, { at: now, printed });
    }
    for (const [key, { at }] of this.done) {
      if (now - at < REMEMBER_MS) break;
      this.done.delete(key);
    }
    return final;
  }

  /** Whether a request that began at or before `through` is still settling. */
  settling(through = Number.POSITIVE_INFINITY): boolean {
    for (const { position } of this.pending.values()) return position <= through;
    return false;
  }
}

export interface FollowOptions {
  readonly filter: AuditFilter;
  /** Milliseconds between two reads of new events. */
  readonly intervalMs: number;
  /** Called with every batch of final records, the first one (the records so far) included even when empty. */
  readonly print: (entries: readonly AuditEntry[]) => void;
  /** A request gained events after its record was printed. */
  readonly late: (key: string) => void;
  /** Aborted on SIGINT/SIGTERM. */
  readonly stop: AbortSignal;
  /** The whole-log bar (withDataDir's): it follows the first read and is erased before printing. */
  readonly bar: ProgressBar;
  readonly settleMs?: number;
}

/** Prints the trail so far, then new records as they become final, until `stop`; then the
 *  records of requests that had begun by then, once final, and returns. */
export const followAudit = async (store: EventStore, options: FollowOptions): Promise<void> => {
  const { filter, intervalMs, print, late, stop, bar, settleMs = SETTLE_MS } = options;
  const trail = new FollowedTrail(filter, settleMs);
  let after = 0;
  const readNew = async (): Promise<void> => {
    let batch: RecordedEvent[] = [];
    const flush = (): void => {
      for (const key of trail.apply(batch, Date.now())) late(key);
      batch = [];
    };
    for await (const event of store.readAll({ after })) {
      batch.push(event);
      after = event.position;
      // Stamped a page at a time: a long first read must not leave its early requests looking
      // as if they had only just been seen.
      if (batch.length === 1000) flush();
    }
    flush();
  };
  const wait = (ms: number): Promise<void> => sleep(ms, undefined, { signal: stop }).catch(() => undefined);

  await readNew();
  bar.finish();
  // The records so far, once the requests in flight when the log was read have settled: the
  // first print then holds all of them, and a table its header laid out for them.
  await wait(settleMs);
  await readNew();
  print(trail.settled(Date.now()));
  while (!stop.aborted) {
    await wait(intervalMs);
    await readNew();
    const final = trail.settled(Date.now());
    if (final.length > 0) print(final);
  }
  // What was committed before the signal is printed, once final; what came after is not.
  await readNew();
  const through = after;
  while (trail.settling(through)) {
    await sleep(Math.min(intervalMs, settleMs));
    await readNew();
    const final = trail.settled(Date.now(), through);
    if (final.length > 0) print(final);
  }
};

/** An AbortSignal for the first SIGINT or SIGTERM; a second one calls `exit` at once, as for
 *  serve, without waiting for the requests still settling. */
export const stopOnSignals = (exit: () => never): AbortSignal => {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) exit();
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
};
