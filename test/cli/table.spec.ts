// The text layout of every read-only command: borderless, uncoloured, columns two spaces apart,
// so that `awk` and `split(/ {2,}/)` recover the cells. cli-table3 does the layout; these pin
// the configuration.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fields, table, tableWriter, twoColumns } from '../../src/cli/table.js';

/** The layout spelled out: each column padded to its widest cell, two spaces, the last unpadded. */
const reference = (headers: readonly string[], rows: readonly (readonly string[])[]): string => {
  const all = [headers, ...rows.map((r) => r.map((c) => (c === '' ? '-' : c)))];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
};

describe('table', () => {
  it('lays out any single-line ASCII cells as spelled out, long last columns included (property)', () => {
    const text = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_:/. '.split('')), maxLength: 40 }).map((t) => t.trim());
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }).chain((n) => fc.tuple(fc.array(text.filter((t) => t !== ''), { minLength: n, maxLength: n }), fc.array(fc.array(text, { minLength: n, maxLength: n }), { maxLength: 30 }))), ([headers, rows]) => {
        expect(table(headers, rows)).toBe(reference(headers, rows));
      }),
      { numRuns: 200 },
    );
  });

  it('pads each column to its widest cell, two spaces apart, the last column unpadded', () => {
    expect(table(['KEY ID', 'STATE', 'DESCRIPTION'], [['k-1', 'Enabled', 'first'], ['k-22222', 'PendingDeletion', 'second key']])).toBe(
      'KEY ID   STATE            DESCRIPTION\n' +
      'k-1      Enabled          first\n' +
      'k-22222  PendingDeletion  second key\n',
    );
  });

  it('prints a missing or empty cell as -, so every row splits into as many cells as the header', () => {
    const lines = table(['A', 'B', 'C'], [['x', undefined, ''], ['y']]).trimEnd().split('\n');
    expect(lines.map((l) => l.split(/ {2,}/))).toEqual([['A', 'B', 'C'], ['x', '-', '-'], ['y', '-', '-']]);
  });

  it('is only the header when there are no rows', () => {
    expect(table(['TIME', 'OPERATION'], [])).toBe('TIME  OPERATION\n');
  });

  it('draws no border and no colour escape', () => {
    const text = table(['A', 'B'], [['1', '2']]);
    expect(text).not.toMatch(/[\u2500-\u257f|+\u001b]/);
  });

  it('measures display width: a wide character takes two columns', () => {
    expect(table(['NAME', 'N'], [['日本', '1'], ['abcd', '2']])).toBe('NAME  N\n日本  1\nabcd  2\n');
  });

  it('lays a long table out at one set of widths, wherever its widest cell is', () => {
    const rows = Array.from({ length: 450 }, (_, i) => [`k${i}`, i === 449 ? 'PendingDeletion' : 'Enabled', 'x']);
    const lines = table(['KEY', 'STATE', 'DESCRIPTION'], rows).trimEnd().split('\n');
    expect(lines).toHaveLength(451);
    expect(lines.filter((l) => l.startsWith('KEY '))).toHaveLength(1);
    expect(new Set(lines.map((l) => l.search(/(Enabled|PendingDeletion|STATE)/)))).toEqual(new Set([6]));
    expect(new Set(lines.map((l) => l.length))).toEqual(new Set([6 + 'PendingDeletion'.length + 2 + 1, 6 + 'PendingDeletion'.length + 2 + 'DESCRIPTION'.length]));
  });

  it('keeps a multi-line cell under its own column', () => {
    expect(table(['A', 'B'], [['x', 'one\ntwo']])).toBe('A  B\nx  one\n   two\n');
  });
});

describe('tableWriter (audit --follow)', () => {
  it('prints the header with the first batch only, even an empty one', () => {
    const write = tableWriter(['TIME', 'OPERATION']);
    expect(write([])).toBe('TIME  OPERATION\n');
    expect(write([['t1', 'Encrypt']])).toBe('t1    Encrypt\n');
  });

  it('never narrows a column, and widens it from the row that needs it on', () => {
    const write = tableWriter(['OP', 'KEY']);
    expect(write([['Decrypt', 'k1']])).toBe('OP       KEY\nDecrypt  k1\n');
    expect(write([['Sign', 'k2']])).toBe('Sign     k2\n');
    expect(write([['GenerateDataKey', 'k3']])).toBe('GenerateDataKey  k3\n');
    expect(write([['Sign', 'k4']])).toBe('Sign             k4\n');
  });

  it('starts the columns at least as wide as asked, so that typical rows line up under the header', () => {
    const write = tableWriter(['TIME', 'OP', 'KEY'], [20, 7]);
    expect(write([])).toBe('TIME                  OP       KEY\n');
    expect(write([['2026-01-01T00:00:00Z', 'Encrypt', 'k1']])).toBe('2026-01-01T00:00:00Z  Encrypt  k1\n');
  });
});

describe('fields and twoColumns', () => {
  it('fields: names aligned, values under each other, a missing value as -', () => {
    expect(fields([['KeyId', 'k-1'], ['Description', undefined], ['Policy', 'line 1\nline 2']])).toBe(
      '  KeyId        k-1\n' +
      '  Description  -\n' +
      '  Policy       line 1\n' +
      '               line 2\n',
    );
    expect(fields([['A', 'b']], 0)).toBe('A  b\n');
  });

  it('twoColumns: help rows with an empty right column left empty, no final newline', () => {
    expect(twoColumns([['serve', 'run the server'], ['x', '']])).toBe('  serve  run the server\n  x');
  });
});
