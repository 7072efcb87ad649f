// Errors of the crypto boundary.
//
// Three kinds, because the service must answer them differently:
// - 'InvalidCiphertext': a caller-supplied ciphertext failed to parse or authenticate. The
//   message is always the same fixed sentence: telling an attacker *which* check failed (format,
//   tag, context, key) turns the service into an oracle (cf. Vaudenay's padding oracle; SP
//   800-38D §5.2.2 returns only "FAIL"). The service maps it to InvalidCiphertextException.
// - 'KeyUnavailable': key material we hold cannot be recovered — the KEK was destroyed
//   (crypto-shredded) or is missing, or a wrapped KEK / wrapped material does not unwrap under
//   the key above it (wrong root key, corrupted vault or log). A server-side condition, never
//   the caller's fault, so it must not surface as InvalidCiphertextException.
// - 'InvalidInput': a programmer error (wrong key length, wrong type, bad configuration). The
//   message is precise (`"key" expected 32 bytes, got 31`) but never echoes secret values.

export type CryptoErrorKind = 'InvalidCiphertext' | 'KeyUnavailable' | 'InvalidInput';

export class CryptoError extends Error {
  constructor(
    readonly kind: CryptoErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CryptoError';
  }
}

export const isCryptoError = (e: unknown): e is CryptoError => e instanceof CryptoError;

/** The one message every decryption failure carries, whatever check failed. */
export const INVALID_CIPHERTEXT_MESSAGE = 'The ciphertext is invalid';

/** The one message every unwrap failure carries. */
export const KEY_UNAVAILABLE_MESSAGE = 'The key material is unavailable';

export const invalidCiphertext = (): CryptoError => new CryptoError('InvalidCiphertext', INVALID_CIPHERTEXT_MESSAGE);

export const keyUnavailable = (): CryptoError => new CryptoError('KeyUnavailable', KEY_UNAVAILABLE_MESSAGE);

export const invalidInput = (message: string): CryptoError => new CryptoError('InvalidInput', message);
