// Argument checks for the key vault, shared by its adapters so they refuse the same inputs.

export const checkVaultId = (id: unknown): string => {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('"id" expected a non-empty string');
  return id;
};

export const checkWrapped = (wrapped: unknown): Uint8Array => {
  if (!(wrapped instanceof Uint8Array) || wrapped.length === 0) {
    throw new TypeError('"wrapped" expected a non-empty Uint8Array');
  }
  return wrapped;
};

/** Not constant-time, and need not be: both sides are wrapped (encrypted) keys. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);
