// Every request leaves a trace in the log — reads, no-op commands and refusals included — and no
// trace holds plaintext, ciphertext or key material.
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { errorOf, openHarness } from './harness.js';

const readAll = async (h: Awaited<ReturnType<typeof openHarness>>) => {
  const out: RecordedEvent[] = [];
  for await (const e of h.store.readAll()) out.push(e);
  return out;
};

const requestIdOf = (e: RecordedEvent): unknown => (e.metadata['request'] as Record<string, unknown> | undefined)?.['requestId'];

describe('request records', () => {
  it('records each request exactly once, successes and refusals alike, with no secrets', async () => {
    const h = await openHarness();
    const secret = 'correct horse battery staple';
    const plaintext = new TextEncoder().encode(secret);
    const ids: string[] = [];
    const call = async <T>(p: (id: string) => Promise<T>) => {
      const id = `req-${ids.length}`;
      ids.push(id);
      return p(id);
    };
    const { KeyMetadata } = await call((id) => h.call('CreateKey', { Description: 'audited' }, { requestId: id }));
    const KeyId = KeyMetadata.KeyId;
    const { CiphertextBlob } = await call((id) => h.call('Encrypt', { KeyId, Plaintext: plaintext, EncryptionContext: { who: 'me' } }, { requestId: id }));
    await call((id) => h.call('DescribeKey', { KeyId }, { requestId: id }));
    await call((id) => h.call('ListKeys', {}, { requestId: id }));
    await call((id) => h.call('EnableKey', { KeyId }, { requestId: id })); // already enabled: no key event
    await call((id) => h.call('DisableKey', { KeyId }, { requestId: id }));
    expect(await call((id) => errorOf(h.call('Decrypt', { CiphertextBlob, EncryptionContext: { who: 'me' } }, { requestId: id })))).toBe('DisabledException');
    expect(await call((id) => errorOf(h.call('DescribeKey', { KeyId: 'alias/none' }, { requestId: id })))).toBe('NotFoundException');
    const { Plaintext: random } = await call((id) => h.call('GenerateRandom', { NumberOfBytes: 32 }, { requestId: id }));

    const events = await readAll(h);
    for (const id of ids) {
      const traces = events.filter((e) => requestIdOf(e) === id);
      const recorded = traces.filter((e) => e.type === 'RequestRecorded');
      expect(traces.length, id).toBeGreaterThan(0);
      expect(recorded.length === 0 || traces.length === 1, id).toBe(true);
    }
    const refusal = events.find((e) => requestIdOf(e) === ids[6])!;
    expect(refusal.data).toMatchObject({ operation: 'Decrypt', outcome: 'Failure', errorCode: 'DisabledException', resources: [KeyMetadata.Arn] });
    const read = events.find((e) => requestIdOf(e) === ids[2])!;
    expect(read.data).toMatchObject({ operation: 'DescribeKey', outcome: 'Success', readOnly: true });

    const log = JSON.stringify(events);
    for (const needle of [secret, Buffer.from(plaintext).toString('base64'), Buffer.from(CiphertextBlob).toString('base64'), Buffer.from(random).toString('base64'), 'who', '"me"']) {
      expect(log.includes(needle), needle).toBe(false);
    }
  });
});
