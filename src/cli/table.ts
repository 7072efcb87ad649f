// Plain-text tables for the read-only commands (keys, history, verify): columns padded to
// their widest cell, two spaces apart, no borders — output that reads in a terminal, survives
// copy and paste, and still splits on runs of spaces in `awk`. Scripts should use --json.

/** A header row and data rows; missing cells print as `-`, the last column is not padded. */
export const table = (headers: readonly string[], rows: readonly (readonly (string | undefined)[])[]): string => {
  const lines = [headers, ...rows.map((row) => headers.map((_, i) => cell(row[i])))];
  const widths = headers.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  return lines.map((line) => line.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
};

/** `name  value` lines, the values aligned; a multi-line value continues under itself. */
export const fields = (pairs: readonly (readonly [string, string | undefined])[], indent = 2): string => {
  const width = Math.max(0, ...pairs.map(([name]) => name.length)) + 2;
  const pad = ' '.repeat(indent);
  return (
    pairs
      .map(([name, value]) => {
        const [first = '', ...rest] = cell(value).split('\n');
        return [`${pad}${name.padEnd(width)}${first}`.trimEnd(), ...rest.map((line) => `${pad}${' '.repeat(width)}${line}`)].join('\n');
      })
      .join('\n') + '\n'
  );
};

const cell = (value: string | undefined): string => (value === undefined || value === '' ? '-' : value);

/** `n thing` / `n things`: counts in sentences read better than `n thing(s)`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Cuts `text` to `max` characters with an ellipsis, for cells that would swamp a table. */
export const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);
