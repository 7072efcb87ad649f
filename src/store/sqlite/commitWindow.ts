// The commit window: when others are writing, the writer waits a moment before committing so
// that one transaction (one fsync, and one write of each page it shares) carries more requests
// — PostgreSQL's commit_delay, gated as its commit_siblings gates it.
//
// Why: a commit costs the writer thread a fixed ~170 µs of CPU (two pwrites per WAL page, six
// to eight pages, the fsync) plus ~9 µs an event. Over HTTP, requests reach the writer one by
// one, so group commit alone gives a few events a commit and the fixed part dominates: measured
// at a steady 2,000 Encrypt/s, the writer spent ~145 µs of CPU a request, ~100 µs with a 1 ms
// window, while the median latency rose by ~0.4 ms. On a machine whose cores are busy, that CPU
// is taken from the requests themselves.
//
// The gate keeps a lone writer fast: the window opens only when the previous transaction held
// more than one request (evidence that others are writing), so a single client in a loop
// commits at once, every time. And it stays shut once enough events are queued that the fixed
// cost is already shared.

/** Queued events at which a commit no longer waits: the fixed cost is shared enough. */
export const WINDOW_SHUT_AT_EVENTS = 16;

/** Whether the next commit waits up to `windowMs` for more requests before it starts. */
export const holdsCommit = (windowMs: number, previousRequests: number, queuedEvents: number): boolean =>
  windowMs > 0 && previousRequests > 1 && queuedEvents < WINDOW_SHUT_AT_EVENTS;
