// Instants in the domain are ISO-8601 strings that arrive in commands (DESIGN.md: no clock in
// domain code). Parsing and formatting a given instant is pure; reading the clock is not, and
// never happens here.

const DAY_MS = 86_400_000;

// Date.parse also accepts loose forms ("2024", "March 7"); events must carry full instants.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const isInstant = (s: string): boolean => isoInstant.test(s) && !Number.isNaN(Date.parse(s));

// What a person types as a point in time (`keyledger history --at`, the admin API's `at=`): an
// instant with Z or an offset, or a date alone. A zone-less time would silently mean the
// machine's zone, so it is not accepted.
const queryTime = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * `text` as an ISO-8601 UTC instant (a date alone is its 00:00 UTC), or undefined when it is not
 * one of the forms above. Date.parse rolls 2026-02-30 over into March; a date that is not in the
 * calendar is refused instead.
 */
export const parseQueryTime = (text: string): string | undefined => {
  const m = queryTime.exec(text);
  const ms = m === null ? NaN : Date.parse(text);
  if (m === null || Number.isNaN(ms)) return undefined;
  const [y = 0, mo = 0, d = 0] = m.slice(1, 4).map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return undefined;
  return new Date(ms).toISOString();
};

/**
 * Milliseconds since the epoch. A malformed instant is a bug in the caller (the service
 * stamps `now`), not a refused command, so it throws a plain Error.
 */
export const epochMs = (iso: string): number => {
  if (!isInstant(iso)) throw new Error(`expected an ISO-8601 instant, got ${JSON.stringify(iso)}`);
  return Date.parse(iso);
};

/** `iso` plus whole days of 24 hours (AWS counts waiting and rotation periods this way). */
export const addDays = (iso: string, days: number): string => new Date(epochMs(iso) + days * DAY_MS).toISOString();

export const isAtOrAfter = (a: string, b: string): boolean => epochMs(a) >= epochMs(b);

export const laterOf = (a: string, b: string): string => (epochMs(a) >= epochMs(b) ? a : b);
