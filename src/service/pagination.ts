// Limit/Marker pagination as the KMS List* operations do it. The marker is opaque to callers:
// here, the base64url of the listing's name and the sort key of the last item returned, so a
// page boundary stays put when items before it come or go, and a marker from one listing is
// refused by another (InvalidMarkerException, as AWS does).
import { kmsError } from '../domain/errors.js';

export interface Page<T> {
  readonly items: T[];
  readonly NextMarker?: string;
  readonly Truncated: boolean;
}

export interface Sorted<T> {
  /** Strictly increasing along the list. */
  readonly sortKey: string;
  readonly item: T;
}

/** The marker of a page that ended on `sortKey` in `listing`. */
export const encode = (listing: string, sortKey: string): string => Buffer.from(`${listing}\n${sortKey}`).toString('base64url');

/** The sort key a marker of `listing` names; InvalidMarkerException for any other marker. */
export const decode = (listing: string, marker: string): string => {
  const text = Buffer.from(marker, 'base64url').toString();
  const cut = text.indexOf('\n');
  if (cut < 0 || text.slice(0, cut) !== listing || encode(listing, text.slice(cut + 1)) !== marker) {
    throw kmsError('InvalidMarkerException', 'Invalid marker');
  }
  return text.slice(cut + 1);
};

/** One page of `all` (sorted by sortKey), starting after the item `marker` names. */
export const paginate = <T>(
  listing: string,
  all: readonly Sorted<T>[],
  limit: number | undefined,
  defaultLimit: number,
  marker: string | undefined,
): Page<T> => {
  const after = marker === undefined ? undefined : decode(listing, marker);
  const start = after === undefined ? 0 : firstAfter(all, after);
  const page = all.slice(start, start + (limit ?? defaultLimit));
  const last = page[page.length - 1];
  const truncated = start + page.length < all.length && last !== undefined;
  return truncated
    ? { items: page.map((s) => s.item), NextMarker: encode(listing, last.sortKey), Truncated: true }
    : { items: page.map((s) => s.item), Truncated: false };
};

/** Index of the first item whose sort key is greater than `after` (binary search). */
const firstAfter = <T>(all: readonly Sorted<T>[], after: string): number => {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (all[mid]!.sortKey <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** A sort key that orders like the number `n` (for lists kept in creation order). */
export const ordinal = (n: number): string => n.toString().padStart(12, '0');

/** The Truncated/NextMarker members of a List* response. */
export const pageInfo = <T>(page: Page<T>): { Truncated: boolean; NextMarker?: string } =>
  page.NextMarker === undefined ? { Truncated: page.Truncated } : { Truncated: page.Truncated, NextMarker: page.NextMarker };
