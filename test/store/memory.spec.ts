import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/eventStore.js';
import { createMemoryStore } from '../../src/store/memoryStore.js';
import { describeEventStoreContract } from './contract.js';
import { freshStream, newEvent, rejectionOf } from './helpers.js';

describeEventStoreContract('memory', async () => createMemoryStore());

describe('memory store', () => {
  it('can simulate an outage, so callers can be tested to fail closed', async () => {
    const { store } = createMemoryStore();
    store.simulateOutage(true);
    expect(await rejectionOf(store.append(freshStream(), [newEvent()], 'any'))).toBeInstanceOf(StoreUnavailableError);
    expect(await store.headPosition()).toBe(0);
    store.simulateOutage(false);
    expect((await store.append(freshStream(), [newEvent()], 'any')).position).toBe(1);
  });
});
