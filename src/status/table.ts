/**
 * Columns laid out to a width budget (80 columns unless wide): natural widths first; when they do
 * not fit, the shrinkable columns give up width in their order, down to their minimum. Cells are
 * truncated to their column, colours applied after measuring, no trailing spaces.
 */
import { assertNever } from '../util/assert-never.js';
import type { Palette } from '../util/palette.js';
import { padEnd, truncateEnd, truncateMiddle, truncateStart, width } from './text.js';

export interface Column {
  header: string;
  /** Lower shrinks first; absent: never shrinks. */
  shrinkOrder?: number;
  minWidth?: number;
}

export interface Cell {
  text: string;
  /** Drawn before the text and never truncated (tree branches). */
  prefix?: string;
  /** What survives a cut: 'end' keeps the start (default), 'middle' both ends, 'start' the end. */
  truncate?: 'middle' | 'end' | 'start';
  style?: (s: string, p: Palette) => string;
  /** Never truncated: the column does not shrink below this cell. */
  keep?: boolean;
}

const GAP = 2;

export function renderTable(columns: readonly Column[], rows: readonly Cell[][], palette: Palette, maxWidth: number | null): string[] {
  const natural = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => cellWidth(r[i]))));
  const kept = columns.map((c, i) => Math.max(c.minWidth ?? 0, ...rows.map((r) => (r[i]?.keep ? cellWidth(r[i]) : 0))));
  const fitted = fitWidths(columns, natural, kept, maxWidth);
  // Cut once, then measure: a cut at a word boundary can leave a column wider than anything in it.
  const cells = rows.map((r) => r.map((c, i) => ({ cell: c, text: cut(c, Math.max(0, fitted[i]! - width(c.prefix ?? ''))) })));
  const widths = columns.map((c, i) => Math.max(width(c.header), ...cells.map((r) => (r[i] ? width(r[i].cell.prefix ?? '') + width(r[i].text) : 0))));
  const header = columns.map((c, i) => (i === columns.length - 1 ? c.header : padEnd(c.header, widths[i]!))).join(' '.repeat(GAP));
  return [header.trimEnd(), ...cells.map((r) => renderRow(r, widths, palette))];
}

function cellWidth(c: Cell | undefined): number {
  return c ? width(c.prefix ?? '') + width(c.text) : 0;
}

function fitWidths(columns: readonly Column[], natural: number[], minimum: number[], maxWidth: number | null): number[] {
  const widths = [...natural];
  if (maxWidth === null) return widths;
  let excess = widths.reduce((a, b) => a + b, 0) + GAP * (columns.length - 1) - maxWidth;
  const order = columns
    .map((c, i) => ({ i, order: c.shrinkOrder }))
    .filter((c): c is { i: number; order: number } => c.order !== undefined)
    .sort((a, b) => a.order - b.order);
  for (const { i } of order) {
    if (excess <= 0) break;
    const give = Math.max(0, Math.min(excess, widths[i]! - minimum[i]!));
    widths[i]! -= give;
    excess -= give;
  }
  return widths;
}

function cut(cell: Cell, room: number): string {
  const mode = cell.truncate ?? 'end';
  switch (mode) {
    case 'middle':
      return truncateMiddle(cell.text, room);
    case 'start':
      return truncateStart(cell.text, room);
    case 'end':
      return truncateEnd(cell.text, room);
    default:
      return assertNever(mode, 'truncation');
  }
}

function renderRow(row: readonly { cell: Cell; text: string }[], widths: readonly number[], palette: Palette): string {
  const out = row.map(({ cell, text }, i) => {
    const prefix = cell.prefix ?? '';
    const shown = prefix + (cell.style && text ? cell.style(text, palette) : text);
    const pad = i === row.length - 1 ? '' : ' '.repeat(Math.max(0, widths[i]! - width(prefix) - width(text)));
    return shown + pad;
  });
  return out.join(' '.repeat(GAP)).trimEnd();
}
