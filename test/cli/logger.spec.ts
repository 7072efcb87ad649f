// The server log: one line per event, and only the facts it is given — errors reduced to
// name, message and a few stack frames; objects (which could hold a request or a Buffer of
// key material) never serialised.
import { describe, expect, it } from 'vitest';
import { formatLine } from '../../src/cli/logger.js';

const at = new Date('2026-01-02T03:04:05.000Z');

describe('formatLine', () => {
  it('prints time, level, message and key=value fields, quoting what needs it', () => {
    expect(formatLine('info', 'keyledger started', { endpoint: 'http://127.0.0.1:4599', pid: 42, ok: true, reason: 'two words' }, at)).toBe(
      '2026-01-02T03:04:05.000Z info keyledger started endpoint=http://127.0.0.1:4599 pid=42 ok=true reason="two words"',
    );
  });

  it('keeps a multi-line message on one line', () => {
    expect(formatLine('error', 'x', { reason: 'a\nb' }, at)).toBe('2026-01-02T03:04:05.000Z error x reason="a\\nb"');
  });

  it('reduces errors to name, message and stack, and never serialises objects or bytes', () => {
    const error = new TypeError('bad thing');
    const line = formatLine('error', 'KMS operation failed', { error, request: { Plaintext: 'c2VjcmV0' }, key: new Uint8Array([1, 2, 3]) }, at);
    expect(line).toContain('error="TypeError: bad thing | at ');
    expect(line).toContain('request="object"');
    expect(line).toContain('key="object"');
    expect(line).not.toContain('c2VjcmV0');
    expect(line.split('\n')).toHaveLength(1);
  });
});
