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

interface Rendered {
  /** Trailing spaces trimmed: the last column is not padded. */
  readonly lines: readonly string[];
  /** The display width cli-table3 gave each column. */
  readonly widths: readonly number[];
}

/**
 * One borderless table. No padding inside cells (the gap is `middle`), no colours (empty head
 * and border styles), no rule between rows (compact). `widths` are taken as given — cli-table3
 * cuts a longer cell with an ellipsis — so callers only ever pass widths that fit.
 */
const render = (rows: readonly Row[], options: { head?: Row; indent?: number; widths?: readonly number[] } = {}): Rendered => {
  const { head, indent = 0, widths } = options;
  const layout = new Table({
    chars: { ...BORDERLESS, left: ' '.repeat(indent) },
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
    ...(head !== undefined ? { head: [...head] } : {}),
    ...(widths !== undefined ? { colWidths: [...widths] } : {}),
  });
  layout.push(...rows.map((row) => [...row]));
  const text = layout.toString();
  // toString() has written the widths it settled on into options.colWidths.
  return { lines: text === '' ? [] : text.split('\n').map((line) => line.trimEnd()), widths: layout.options.colWidths.map((w) => w ?? 0) };
};

const cell = (value: string | undefined): string => (value === undefined || value === '' ? '-' : value);

const cells = (headers: Row, rows: readonly (readonly (string | undefined)[])[]): Row[] => rows.map((row) => headers.map((_, i) => cell(row[i])));

/**
 * Most rows handed to cli-table3 at once. Its layout checks every cell against every row above
 * it (cli-table/cli-table3#68, open), so its time grows with the square of the rows; a chunk at a
 * time, it grows with the rows.
 */
const CHUNK = 200;

const widest = (a: readonly number[], b: readonly number[]): number[] =>
  Array.from({ length: Math.max(a.length, b.length) }, (_, i) => Math.max(a[i] ?? 0, b[i] ?? 0));

/**
 * Rows laid out at common widths: each column as wide as its widest cell, or as `floor` when
 * that is wider. A long table is measured chunk by chunk first, since every width must be known
 * before its first row is drawn.
 */
const layout = (rows: readonly Row[], options: { head?: Row; floor?: readonly number[]; indent?: number } = {}): Rendered => {
  const { head, floor = [], indent = 0 } = options;
  if (rows.length === 0 && head === undefined) return { lines: [], widths: [...floor] };
  const parts: Row[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) parts.push(rows.slice(i, i + CHUNK));
  if (parts.length <= 1) {
    const natural = render(parts[0] ?? [], { ...(head !== undefined ? { head } : {}), indent });
    const widths = widest(natural.widths, floor);
    return widths.every((w, i) => w === natural.widths[i]) ? natural : render(parts[0] ?? [], { ...(head !== undefined ? { head } : {}), indent, widths });
  }
  const widths = parts.reduce((wide, part) => widest(wide, render(part).widths), widest(floor, head !== undefined ? render([], { head }).widths : []));
  const lines = parts.flatMap((part, i) => render(part, { ...(i === 0 && head !== undefined ? { head } : {}), indent, widths }).lines);
  return { lines, widths };
};

/**
 * A header row and data rows; missing cells print as `-`.
 *
 * The last column, never padded, is laid out by cli-table3 as a one-character stand-in and
 * the real text put in its place: measuring a cell costs string-width 4 (cli-table3's) a pass
 * of its emoji and ANSI expressions per character, several times a cell, and the last column
 * is where the long texts are (a history's details, a key's description) — 0.9 s for a
 * thirty-row history. Only when a cell spans lines does the whole table go through cli-table3.
 */
export const table = (headers: Row, rows: readonly (readonly (string | undefined)[])[]): string => {
  const all = cells(headers, rows);
  const last = headers.length - 1;
  if (last < 1 || [headers, ...all].some((row) => row.some((c) => c.includes('\n')))) return `${layout(all, { head: headers }).lines.join('\n')}\n`;
  const STAND_IN = 'x';
  const stand = (row: Row): Row => [...row.slice(0, last), STAND_IN];
  const { lines } = layout(all.map(stand), { head: stand(headers) });
  const texts = [headers[last] ?? '', ...all.map((row) => row[last] ?? '')];
  return `${lines.map((line, i) => `${line.slice(0, -STAND_IN.length)}${texts[i] ?? ''}`).join('\n')}\n`;
};

/**
 * A table printed a batch of rows at a time (`audit --follow`): the header with the first
 * batch, even an empty one, and no column ever narrower than `atLeast` or than it was in an
 * earlier batch. Rows stay aligned under the header until a wider cell arrives, which widens
 * its column from then on; nothing is ever cut.
 */
export const tableWriter = (
  headers: Row,
  atLeast: readonly number[] = [],
): ((rows: readonly (readonly (string | undefined)[])[]) => string) => {
  let widths: readonly number[] | undefined;
  return (rows) => {
    const { lines, widths: used } = layout(cells(headers, rows), { ...(widths === undefined ? { head: headers } : {}), floor: widths ?? atLeast });
    widths = used;
    return lines.map((line) => `${line}\n`).join('');
  };
};

/**
 * `name  value` lines, the values aligned; a multi-line value continues under itself. The
 * values go in after layout, as the last column of `table` does: a long value (a key policy)
 * made cli-table3 cut and re-measure it a character at a time, ~0.9 s for one key's state.
 */
export const fields = (pairs: readonly (readonly [string, string | undefined])[], indent = 2): string => {
  const STAND_IN = 'x';
  const { lines } = layout(pairs.map(([name]) => [name, STAND_IN]), { indent });
  return (
    lines
      .map((line, i) => {
        const prefix = line.slice(0, -STAND_IN.length);
        const [first = '', ...rest] = cell(pairs[i]?.[1]).split('\n');
        return [`${prefix}${first}`.trimEnd(), ...rest.map((more) => `${' '.repeat(prefix.length)}${more}`.trimEnd())].join('\n');
      })
      .join('\n') + '\n'
  );
};

/** Lines of `left  right` for help texts: like `fields`, but an empty right column stays empty,
 *  and no final newline. */
export const twoColumns = (rows: readonly (readonly [string, string])[], indent = 2): string =>
  layout(rows, { indent }).lines.join('\n');

/** `n thing` / `n things`: counts in sentences read better than `n thing(s)`. */
export const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Cuts `text` to `max` characters with an ellipsis, for cells that would swamp a table. */
export const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`);
