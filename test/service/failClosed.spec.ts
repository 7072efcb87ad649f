// Fail closed (DESIGN.md): no result leaves without its KeyUsed event durably appended; no
// Encrypt is acknowledged after a concurrent DisableKey; concurrent use of one key is
// coalesced into one append; a store failure is an error to the caller, never a success.
import { describe, expect, it } from 'vitest';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent } from '../../src/store/eventStore.js';
import { MemoryEventStore } from '../../src/store/memoryStore.js';
import { errorOf, openHarness } from './harness.js';

const plaintext = new TextEncoder().encode('secret');

/** A real memory store that counts appends and can be told to fail them. */
class CountingStore extends MemoryEventStore {
  appends = 0;
  failing = false;
  override async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.appends += 1;
    if (this.failing) throw new Error('disk full');
    return super.append(stream, events, expected);
  }
}

const usageEvents = async (store: EventStore, stream: string) => {
  const out: { type: string; revision: number; requestId: unknown }[] = [];
  for await (const e of store.readStream(stream)) out.push({ type: e.type, revision: e.revision, requestId: e.data['requestId'] });
  return out;
};

describe('fail closed', () => {
  it('coalesces concurrent uses of one key into few appends', async () => {
    const store = new CountingStore();
    const h = await openHarness({ store });
    const { KeyMetadata } = await h.call('CreateKey', {});
    const before = store.appends;
    await Promise.all(Array.from({ length: 64 }, () => h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext })));
    expect(store.appends - before).toBeLessThanOrEqual(3);
    const events = await usageEvents(store, `key-${KeyMetadata.Arn}`);
    expect(events.filter((e) => e.type === 'KeyUsed')).toHaveLength(64);
  });

  it('acknowledges no Encrypt whose usage event comes after a concurrent DisableKey', async () => {
    const h = await openHarness();
    const { KeyMetadata } = await h.call('CreateKey', {});
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        i === 50
          ? h.call('DisableKey', { KeyId: KeyMetadata.KeyId }).then(() => 'disabled')
          : h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext }, { requestId: `req-${i}` }).then(() => `req-${i}`),
      ),
    );
    const events = await usageEvents(h.store, `key-${KeyMetadata.Arn}`);
    const disabledAt = events.find((e) => e.type === 'KeyDisabled')!.revision;
    const usedBefore = new Set(events.filter((e) => e.type === 'KeyUsed' && e.revision < disabledAt).map((e) => e.requestId));
    expect(events.some((e) => e.type === 'KeyUsed' && e.revision > disabledAt)).toBe(false);
    for (const r of results) {
      if (r.status === 'fulfilled' && r.value !== 'disabled') expect(usedBefore.has(r.value)).toBe(true);
      if (r.status === 'rejected') expect((r.reason as Error).name).toBe('DisabledException');
    }
  });

  it('answers a store failure with an error and releases no ciphertext', async () => {
    const store = new CountingStore();
    const h = await openHarness({ store });
    const { KeyMetadata } = await h.call('CreateKey', {});
    store.failing = true;
    expect(await errorOf(h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext }))).not.toBe('no error');
    expect(await errorOf(h.call('GenerateDataKey', { KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' }))).not.toBe('no error');
    store.failing = false;
    const events = await usageEvents(store, `key-${KeyMetadata.Arn}`);
    expect(events.filter((e) => e.type === 'KeyUsed')).toHaveLength(0);
  });

  it('records DryRun uses nowhere and answers DryRunOperationException', async () => {
    const h = await openHarness();
    const { KeyMetadata } = await h.call('CreateKey', {});
    expect(await errorOf(h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext, DryRun: true }))).toBe('DryRunOperationException');
    await h.call('DisableKey', { KeyId: KeyMetadata.KeyId });
    expect(await errorOf(h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext, DryRun: true }))).toBe('DisabledException');
    const events = await usageEvents(h.store, `key-${KeyMetadata.Arn}`);
    expect(events.filter((e) => e.type === 'KeyUsed')).toHaveLength(0);
  });
});

describe('encryption context limits', () => {
  it('refuses an oversized or malformed context with ValidationException and records nothing', async () => {
    const h = await openHarness();
    const { KeyMetadata } = await h.call('CreateKey', {});
    const big = { k: 'v'.repeat(9000) };
    expect(await errorOf(h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext, EncryptionContext: big }))).toBe('ValidationException');
    const lone = { k: '\uD800' };
    expect(await errorOf(h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: plaintext, EncryptionContext: lone }))).toBe('ValidationException');
    const events = await usageEvents(h.store, `key-${KeyMetadata.Arn}`);
    expect(events.filter((e) => e.type === 'KeyUsed')).toHaveLength(0);
  });
});
