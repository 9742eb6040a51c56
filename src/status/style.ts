/** The colour of a status, chosen by its icon: the one place the status renderers pick colours. */
import type { Palette } from '../util/palette.js';
import { assertNever } from '../util/assert-never.js';
import type { Icon } from './icons.js';
import type { StatusSummary } from './model.js';

export function paint(icon: Icon, text: string, p: Palette): string {
  switch (icon) {
    case '✔':
      return p.green(text);
    case '✖':
      return p.red(text);
    case '◌':
    case '⚠':
      return p.yellow(text);
    case '॥':
      return p.cyan(text);
    case '?':
    case '•':
    case '◷':
    case '⊘':
      return p.gray(text);
    default:
      return assertNever(icon, 'icon');
  }
}

export interface RenderOptions {
  /** `-o wide`: extra columns, nothing truncated, no width budget. */
  wide?: boolean;
  /** Width budget when not wide; 80 by default. null: none (not a terminal: pipes and CI logs keep every name whole). */
  maxWidth?: number | null;
}

export const DEFAULT_WIDTH = 80;

export function widthBudget(o: RenderOptions): number | null {
  if (o.wide || o.maxWidth === null) return null;
  return o.maxWidth ?? DEFAULT_WIDTH;
}

/** The message with its clock-driven part: "paused at step 2/9 for 30s (18s left)". */
export function statusText(s: Pick<StatusSummary, 'message' | 'timing'>): string {
  if (!s.timing) return s.message;
  // "(CrashLoopBackOff) (95s so far)" reads as a stutter.
  return s.message.endsWith(')') ? `${s.message}, ${s.timing}` : `${s.message} (${s.timing})`;
}
