// Instants in the domain are ISO-8601 strings that arrive in commands (DESIGN.md: no clock in
// domain code). Parsing and formatting a given instant is pure; reading the clock is not, and
// never happens here.

const DAY_MS = 86_400_000;

// Date.parse also accepts loose forms ("2024", "March 7"); events must carry full instants.
const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const isInstant = (s: string): boolean => isoInstant.test(s) && !Number.isNaN(Date.parse(s));

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
