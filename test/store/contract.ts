// The EventStore + KeyVault contract (DESIGN.md, "The EventStore port"): one suite that every
// adapter runs, so memory, SQLite and the others cannot drift apart.
import { afterEach, beforeEach, describe } from 'vitest';
import type { OpenedStore } from '../../src/store/eventStore.js';
import { appendContract } from './contract/appends.js';
import { chainContract } from './contract/chain.js';
import { modelContract } from './contract/model.js';
import { readContract } from './contract/reads.js';
import { secondaryReadContract } from './contract/secondaryReads.js';
import { subscriptionContract } from './contract/subscriptions.js';
import { lifecycleContract, vaultContract } from './contract/vaultAndLifecycle.js';
import type { StoreFactory } from './helpers.js';

export type { StoreFactory } from './helpers.js';

/** Runs the whole contract; `factory` opens a fresh, empty store for each test. */
export const describeEventStoreContract = (name: string, factory: StoreFactory): void => {
  describe(`EventStore contract: ${name}`, () => {
    let current: OpenedStore | undefined;
    const opened = (): OpenedStore => {
      if (current === undefined) throw new Error('no store is open');
      return current;
    };
    beforeEach(async () => {
      current = await factory();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    describe('appends', () => appendContract(opened));
    describe('reads', () => readContract(opened));
    describe('secondary reads', () => secondaryReadContract(opened));
    describe('subscribeAll', () => subscriptionContract(opened));
    describe('model', () => modelContract(opened));
    describe('hash chain', () => chainContract(opened));
    describe('key vault', () => vaultContract(opened));
    describe('lifecycle', () => lifecycleContract(opened));
  });
};
