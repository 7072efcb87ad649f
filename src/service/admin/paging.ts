// Paging of the admin API's lists, on the KMS List* pagination (../pagination.ts): the token is
// opaque, names the item a page ended on, and belongs to one question — a NextToken from
// another key's history, another point in time or another audit filter is refused with
// InvalidMarkerException, as AWS refuses another listing's Marker. Items are keyed by log
// position or revision, which only grow: what is appended while a caller pages (its own audit
// records included) comes on later pages, and nothing is seen twice or skipped.
import { createHash } from 'node:crypto';
import { kmsError } from '../../domain/errors.js';
import { decode, encode, ordinal, paginate } from '../pagination.js';
import { DEFAULT_PAGE_SIZE, type PageInput } from './adminShapes.js';

/** The listing a token is bound to: the operation and a digest of everything that shapes the list. */
const listingOf = (operation: string, question: unknown): string =>
  `${operation}:${createHash('sha256').update(JSON.stringify(question)).digest('base64url').slice(0, 22)}`;

export interface AdminPage<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/** One page of `all`, which is in strictly increasing `keyOf` order. */
export const pageOf = <T>(operation: string, question: unknown, all: readonly T[], keyOf: (item: T) => number, input: PageInput): AdminPage<T> => {
  const page = paginate(
    listingOf(operation, question),
    all.map((item) => ({ sortKey: ordinal(keyOf(item)), item })),
    input.Limit,
    DEFAULT_PAGE_SIZE,
    input.NextToken,
  );
  return page.NextMarker === undefined ? { items: page.items } : { items: page.items, nextToken: page.NextMarker };
};

/**
 * One page of a list that is read from where the previous page ended rather than built whole:
 * `read` gets the log position the token names (undefined on the first page) and the page's
 * size, and answers the items after that position, in increasing `keyOf` order, and whether
 * there are more. Tokens are pageOf's, so either may serve a question.
 */
export const pageFrom = async <T>(
  operation: string,
  question: unknown,
  keyOf: (item: T) => number,
  input: PageInput,
  read: (after: number | undefined, limit: number) => Promise<{ readonly items: T[]; readonly more: boolean }>,
): Promise<AdminPage<T>> => {
  const listing = listingOf(operation, question);
  const after = input.NextToken === undefined ? undefined : Number(decode(listing, input.NextToken));
  if (after !== undefined && !Number.isSafeInteger(after)) throw kmsError('InvalidMarkerException', 'Invalid marker');
  const { items, more } = await read(after, input.Limit ?? DEFAULT_PAGE_SIZE);
  const last = items.at(-1);
  return more && last !== undefined ? { items, nextToken: encode(listing, ordinal(keyOf(last))) } : { items };
};
