/**
 * One line per rollout, two uses: the list (`canary status` without NAME, `-A`) and the
 * line-per-change log of `status --watch` when stdout is not a terminal (CI), as Argo's `status`.
 */
import { assertNever } from '../util/assert-never.js';
import type { Palette } from '../util/palette.js';
import type { RunnerView, StatusView } from './model.js';
import { paint, statusText, widthBudget, type RenderOptions } from './style.js';
import { renderTable, type Column } from './table.js';
import { formatAge } from './time.js';

// At their minimum the columns fill exactly 80; the runner's identity gives way first.
const LIST_COLUMNS: Column[] = [
  { header: 'NAMESPACE', shrinkOrder: 3, minWidth: 9 },
  { header: 'NAME', shrinkOrder: 2, minWidth: 14 },
  { header: 'STATUS' },
  { header: 'STEP' },
  { header: 'SETWEIGHT' },
  { header: 'ACTUAL' },
  { header: 'RUNNER', shrinkOrder: 1, minWidth: 8 },
  { header: 'AGE' },
];

export function renderList(views: readonly StatusView[], palette: Palette, options: RenderOptions = {}): string {
  if (views.length === 0) return 'No rollouts found: `canary run` records one the first time it runs.\n';
  const sorted = [...views].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const dash = (v: number | null) => (v === null ? '-' : String(v));
  const rows = sorted.map((v) => [
    { text: v.namespace },
    { text: v.name, truncate: 'middle' as const },
    { text: `${v.status.icon} ${v.status.phase}`, style: (s: string, p: Palette) => paint(v.status.icon, s, p) },
    { text: v.step?.label ?? '-' },
    { text: dash(v.setWeight) },
    { text: dash(v.actualWeight.value) },
    { text: runnerCell(v.runner), style: v.runner.state === 'lost' ? (s: string, p: Palette) => p.red(s) : undefined },
    { text: v.run ? formatAge(v.run.ageMs) : '-' },
  ]);
  return renderTable(LIST_COLUMNS, rows, palette, widthBudget(options)).join('\n') + '\n';
}

function runnerCell(r: RunnerView): string {
  switch (r.state) {
    case 'live':
      return r.identity ?? '-';
    case 'lost':
      return 'lost';
    case 'idle':
      return '-';
    default:
      return assertNever(r.state, 'runner state');
  }
}

/** `2026-11-26T10:00:00Z myapp Paused - paused at step 2/9 for 30s (18s left)`: time, name, phase, message. */
export function renderWatchLine(view: StatusView, palette: Palette): string {
  const s = view.status;
  return `${view.observedAt} ${view.name} ${paint(s.icon, s.phase, palette)} - ${statusText(s)}`;
}

/** What must change for a new watch line: the phase or the message, never the clock ("18s left"). */
export function watchLineKey(view: StatusView): string {
  return `${view.namespace}/${view.name} ${view.status.phase} - ${view.status.message}`;
}

/** The line-per-change log: a line only when watchLineKey changes (Argo's `status` prints on a new "Status - Message"). */
export class WatchLines {
  private last: string | null = null;

  constructor(private readonly palette: Palette) {}

  /** The line to print for this view, or null when it says nothing new. */
  next(view: StatusView): string | null {
    const key = watchLineKey(view);
    if (key === this.last) return null;
    this.last = key;
    return renderWatchLine(view, this.palette);
  }
}
