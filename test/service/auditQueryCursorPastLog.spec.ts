// Reviewer's counterexample: a NextToken naming a position past the log's head (forged — a
// token is no secret: the listing's digest is of the filter — or kept across a restore of an
// older log) sends an audit page without a window into a loop that never ends, on microtasks
// alone (no timer fires: the thread's event loop is frozen).
import { describe, expect, it } from 'vitest';
import { auditPage } from '../../src/service/admin/auditLookup.js';
import { encode, ordinal } from '../../src/service/pagination.js';
import { createHash } from 'node:crypto';
import { queryAuditPage } from '../../src/service/auditQuery.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { MemoryEventStore } from '../../src/store/memoryStore.js';
import { newEvent } from '../store/helpers.js';

/** The store, refusing to be asked for its heads more than 50 times (a page asks once a round). */
const bounded = (store: EventStore): EventStore => {
  let rounds = 0;
  return new Proxy(store, {
    get: (target, name, receiver) =>
      name === 'streamHeads'
        ? () => {
            if (++rounds > 50) throw new Error('more than 50 rounds: the page does not end');
            return target.streamHeads();
          }
        : Reflect.get(target, name, receiver),
  });
};

describe('an audit page from a cursor past the log', () => {
  it('ends, with no records', async () => {
    const store = new MemoryEventStore();
    await store.append('key-arn:aws:kms:us-east-1:111122223333:key/k', [newEvent('KeyUsed', {}, { occurredAt: '2026-01-01T00:00:00.000Z', request: { requestId: 'r', operation: 'Encrypt' } })], 'any');
    expect(await queryAuditPage(bounded(store), {}, { after: 3, limit: 1 })).toEqual({ entries: [], more: false });
    // Through the admin API, with a token anyone who knows the filter can make.
    const listing = `LookupAuditEvents:${createHash('sha256').update(JSON.stringify({})).digest('base64url').slice(0, 22)}`;
    expect(await auditPage(bounded(store), {}, { NextToken: encode(listing, ordinal(1_000_000)) })).toEqual({ Records: [] });
  });
});
