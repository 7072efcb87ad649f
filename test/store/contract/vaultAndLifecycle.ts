// Contract: the key vault, and closing the store.
import { expect, it } from 'vitest';
import { StoreUnavailableError, VaultConflictError, type OpenedStore } from '../../../src/store/eventStore.js';
import { collect, freshStream, newEvent, newEvents, rejectionOf } from '../helpers.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

export const vaultContract = (opened: () => OpenedStore): void => {
  const vault = () => opened().vault;

  it('puts, gets and destroys a wrapped key', async () => {
    expect(await vault().get('key-a')).toBeUndefined();
    await vault().put('key-a', bytes(1, 2, 3));
    expect(await vault().get('key-a')).toEqual(bytes(1, 2, 3));
    await vault().destroy('key-a');
    expect(await vault().get('key-a')).toBeUndefined();
  });

  it('destroy is idempotent, also for an id never stored', async () => {
    await vault().put('key-b', bytes(9));
    await vault().destroy('key-b');
    await vault().destroy('key-b');
    await vault().destroy('never-stored');
    expect(await vault().get('key-b')).toBeUndefined();
  });

  it('put is idempotent for the same bytes and never replaces different ones', async () => {
    await vault().put('key-c', bytes(1, 2));
    await vault().put('key-c', bytes(1, 2));
    expect(await rejectionOf(vault().put('key-c', bytes(1, 3)))).toBeInstanceOf(VaultConflictError);
    expect(await vault().get('key-c')).toEqual(bytes(1, 2));
  });

  it('after destroy the id is free; the old entry does not come back', async () => {
    await vault().put('key-d', bytes(1));
    await vault().destroy('key-d');
    await vault().put('key-d', bytes(2));
    expect(await vault().get('key-d')).toEqual(bytes(2));
  });

  it('keeps its own copies of the bytes', async () => {
    const input = bytes(5, 6, 7);
    await vault().put('key-e', input);
    input.fill(0);
    const read = await vault().get('key-e');
    read?.fill(0);
    expect(await vault().get('key-e')).toEqual(bytes(5, 6, 7));
  });

  it('rejects malformed vault calls', async () => {
    const put = vault().put.bind(vault()) as (id: unknown, wrapped: unknown) => Promise<void>;
    expect(await rejectionOf(put('', bytes(1)))).toBeInstanceOf(TypeError);
    expect(await rejectionOf(put('key-f', 'not bytes'))).toBeInstanceOf(TypeError);
    expect(await rejectionOf(put('key-f', bytes()))).toBeInstanceOf(TypeError);
  });
};

export const lifecycleContract = (opened: () => OpenedStore): void => {
  it('close lets in-flight appends finish, then refuses everything', async () => {
    const { store, vault } = opened();
    const inFlight = Array.from({ length: 20 }, () => store.append(freshStream(), newEvents(2), 'no_stream'));
    const closing = store.close();
    const results = await Promise.allSettled(inFlight);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    await closing;
    const refusals = [
      store.append(freshStream(), [newEvent()], 'any'),
      store.headPosition(),
      collect(store.readAll()),
      collect(store.readStream('s')),
      vault.put('k', Uint8Array.of(1)),
      vault.get('k'),
      vault.destroy('k'),
    ];
    for (const refusal of refusals) expect(await rejectionOf(refusal)).toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
};
