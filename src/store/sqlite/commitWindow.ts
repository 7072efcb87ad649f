// The commit window: when others are writing, the writer waits a moment before committing so
// that one transaction (one fsync, and one write of each page it shares) carries more requests
// — PostgreSQL's commit_delay, gated as its commit_siblings gates it.
//
// Why: a commit costs the writer thread a fixed ~170 µs of CPU (two pwrites per WAL page, six
// to eight pages, the fsync) plus ~9 µs an event. Over HTTP, requests reach the writer one by
// one, so group commit alone gives a few events a commit and the fixed part dominates: measured
// at a steady 2,000 Encrypt/s, the writer spent 140 – 148 µs of CPU a request, 96 – 106 µs with
// a 1 ms window, while the median latency rose by a fraction of a millisecond. On a machine whose
// cores are busy, that CPU is taken from the requests themselves.
//
// The gate keeps a lone writer fast. The window opens only on evidence that others are writing
// right now: the previous transaction held more than one request, and it ended less than a
// window ago (a writer that sat idle for longer would most likely collect nothing by waiting).
// So a single client in a loop commits at once, every time, and so does the first request
// after a quiet spell. And a held commit stops waiting as soon as enough events are queued that
// the fixed cost is shared, or its batch is full.

/** Default window, and the longest one accepted: a longer one would be a latency bug, not a tuning. */
export const DEFAULT_COMMIT_WINDOW_MS = 1;
export const MAX_COMMIT_WINDOW_MS = 100;

/** Queued events at which a commit no longer waits: the fixed cost is shared enough. */
export const WINDOW_SHUT_AT_EVENTS = 16;

/** How often a held commit looks for what has arrived. */
export const WINDOW_SLICE_MS = 0.25;

/**
 * Whether the next commit waits (up to `windowMs`) for more requests: others wrote in the
 * previous transaction (`previousRequests` > 1), that transaction ended `idleMs` ago, less than
 * a window, and fewer than WINDOW_SHUT_AT_EVENTS events are queued.
 */
export const holdsCommit = (windowMs: number, previousRequests: number, idleMs: number, queuedEvents: number): boolean =>
  windowMs > 0 && previousRequests > 1 && idleMs < windowMs && queuedEvents < WINDOW_SHUT_AT_EVENTS;

/** Whether a held commit goes on waiting: time is left, the store is not closing, and the batch is neither shared enough nor full. */
export const keepsHolding = (leftMs: number, closing: boolean, queuedRequests: number, maxBatch: number, queuedEvents: number): boolean =>
  leftMs > 0 && !closing && queuedRequests < maxBatch && queuedEvents < WINDOW_SHUT_AT_EVENTS;
