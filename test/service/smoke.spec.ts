import { describe, expect, it } from 'vitest';
import { errorOf, openHarness } from './harness.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('service smoke', () => {
  it('creates, encrypts, decrypts, disables', async () => {
    const h = await openHarness();
    const { KeyMetadata } = await h.call('CreateKey', { Description: 'k' });
    expect(KeyMetadata.KeyState).toBe('Enabled');
    const enc = await h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: text('hello'), EncryptionContext: { a: 'b' } });
    expect(enc.KeyId).toBe(KeyMetadata.Arn);
    const dec = await h.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { a: 'b' } });
    expect(new TextDecoder().decode(dec.Plaintext)).toBe('hello');
    expect(await errorOf(h.call('Decrypt', { CiphertextBlob: enc.CiphertextBlob }))).toBe('InvalidCiphertextException');
    await h.call('DisableKey', { KeyId: KeyMetadata.KeyId });
    expect(await errorOf(h.call('Encrypt', { KeyId: KeyMetadata.KeyId, Plaintext: text('x') }))).toBe('DisabledException');
    await h.call('CreateAlias', { AliasName: 'alias/app', TargetKeyId: KeyMetadata.KeyId });
    const aliases = await h.call('ListAliases', {});
    expect(aliases.Aliases.map((a) => a.AliasName)).toEqual(['alias/app']);
    await h.call('EnableKey', { KeyId: KeyMetadata.KeyId });
    await h.call('Encrypt', { KeyId: 'alias/app', Plaintext: text('x') });
    const usage = await h.call('GetKeyLastUsage', { KeyId: KeyMetadata.KeyId });
    expect(usage.KeyLastUsage.Operation).toBe('Encrypt');
  });
});
