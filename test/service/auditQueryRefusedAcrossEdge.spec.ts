// Reviewer's counterexample, which failed before its fix (auditQuery.ts, CLOCK_SLACK_MS): a
// ReEncrypt refused by its destination leaves its RequestRecorded dated when the refusal was
// recorded, later than the source's KeyUsed that dates the record. A destination key's window
// reads the audit streams only to its end (a second wider): a refusal recorded over a second
// past it is not read, and its record — which names the destination only in that event — is
// left out of queryAudit, though a full replay has it.
import { expect, it } from 'vitest';
import { auditQueryWindow, queryAudit, queryAuditPage } from '../../src/service/auditQuery.js';
import { openHarness, TestClock } from './harness.js';
import { fullReplay } from './auditPages.js';

class Creeping extends TestClock {
  step = 0;
  override now(): Date {
    const t = super.now();
    this.advanceMs(this.step);
    return t;
  }
}
it('a ReEncrypt refused by its destination across midnight', async () => {
  const clock = new Creeping();
  const h = await openHarness({ clock });
  const src = (await h.call('CreateKey', {})).KeyMetadata.KeyId;
  const dst = (await h.call('CreateKey', {})).KeyMetadata.KeyId;
  await h.call('DisableKey', { KeyId: dst });
  const { CiphertextBlob } = await h.call('Encrypt', { KeyId: src, Plaintext: new Uint8Array([1]) });
  clock.advanceMs(Date.parse('2026-01-01T23:59:59.000Z') - clock.now().getTime());
  clock.step = 2500;
  await h.call('ReEncrypt', { CiphertextBlob, DestinationKeyId: dst }).catch(() => undefined);
  clock.step = 0;
  for (const filter of [{ keyArn: `arn:aws:kms:us-east-1:111122223333:key/${dst}`, ...auditQueryWindow('2026-01-01') }, { keyArn: `arn:aws:kms:us-east-1:111122223333:key/${dst}`, until: '2026-01-02T00:00:00.000Z' }]) {
    const whole = await fullReplay(h.store, filter);
    expect(whole.map((e) => e.record['eventName'])).toContain('ReEncrypt');
    expect(await queryAudit(h.store, filter)).toEqual(whole);
    expect((await queryAuditPage(h.store, filter, { limit: 10 })).entries).toEqual(whole);
  }
  h.kms.close();
});
