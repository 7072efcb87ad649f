// Plain-text tables for the read-only commands (keys, history, verify, audit, usage): columns
// padded to their widest cell, two spaces apart, no borders and no colours — output that reads
// in a terminal, survives copy and paste, and still splits on runs of spaces in `awk`. Scripts
// should use --json.
//
// Layout is cli-table3's (the maintained fork of cli-table): it measures cells by display width
// (string-width: a CJK character takes two columns) and keeps a multi-line cell under its own
// column, both of which a padEnd-based table gets wrong. Configured here, once, to draw nothing
// but the cells.
import Table from 'cli-table3';

/** cli-table3's box-drawing characters, all blank but the two spaces between columns. */
const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
} as const;

type Row = readonly string[];

/**
 * The lines of one borderless table, trailing spaces trimmed (the last column is not padded).
 * No padding inside cells (the gap is `middle`), no colours (empty head and border styles), no
 * rule between rows (compact).
 */
const render = (rows: readonly Row[], options: { head?: Row; indent?: number } = {}): string[] => {
  const { head, indent = 0 } = options;
  const layout = new Table({
    chars: { ...BORDERLESS, left: ' '.repeat(indent) },
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
    ...(head !== undefined ? { head: [...head] } : {}),
  });
  layout.push(...rows.map((row) => [...row]));
  const text = layout.toString();
  return text === '' ? [] : text.split('\n').map((line) => line.trimEnd());
};

const cell = (value: string | undefined): string => (value === undefined || value === '' ? '-' : value);

const cells = (headers: Row, rows: readonly (readonly (string | undefined)[])[]): Row[] => rows.map((row) => headers.map((_, i) => cell(row[i])));

/** A header row and data rows; missing cells print as `-`. */
export const table = (headers: Row, rows: readonly (readonly (string | undefined)[])[]): string =>
  `${render(cells(headers, rows), { head: headers }).join('\n')}\n`;

/** `name  value` lines, the values aligned; a multi-line value continues under itself. */
export const fields = (pairs: readonly (readonly [string, string | undefined])[], indent = 2): string =>
  `${render(pairs.map(([name, value]) => [name, cell(value)]), { indent }).join('\n')}\n`;

/** Lines of `left  right` for help texts: like `fields`, but an empty right column stays empty,
 *  and no final newline. */
export const twoColumns = (rows: readonly (readonly [string, string])[], indent = 2): string =>
  render(rows, { indent }).join('\n');

/** `n thing` / `n things`: counts in sentences read better than `n thing(s)`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Cuts `text` to `max` characters with an ellipsis, for cells that would swamp a table. */
export const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);
