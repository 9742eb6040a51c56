/**
 * `canary history NAME`: the rollout's runs, newest first, from its run state (the current run and
 * the ones it keeps, engine/run-record.ts). A pure view, a table and JSON, as `canary status`.
 */
import { isTerminal, type RunRecord } from '../engine/types.js';
import { verdictOf } from '../output/verdict.js';
import type { Palette } from '../util/palette.js';
import { paint, widthBudget, type RenderOptions } from './style.js';
import { renderTable, type Column } from './table.js';
import { formatAge, iso } from './time.js';
import { ICON, type Icon } from './icons.js';

export const HISTORY_SCHEMA_VERSION = 1;

export interface HistoryRun {
  runId: string;
  revision: string;
  stableRevision: string | null;
  images: string[];
  mode: RunRecord['mode'];
  /** promoted, deployed, rolled back, aborted, timed out; running or paused for the current run; superseded for one replaced before it ended. */
  verdict: string;
  icon: Icon;
  /** The runner's phase when the run ended (or now). */
  phase: RunRecord['phase'];
  reason: string;
  /** "4/9", or "-" without steps. */
  step: string;
  startedAt: string;
  finishedAt: string | null;
  /** How long it ran (until its verdict, or until now for the current run); null for a run replaced before it ended. */
  durationMs: number | null;
  /** Who aborted or promoted it (the requests it acted on); empty when the runner went through on its own. */
  by: string[];
  /** The runner that drove it last. */
  runner: string;
  requests: RunRecord['requests'];
}

export interface HistoryView {
  schemaVersion: typeof HISTORY_SCHEMA_VERSION;
  name: string;
  namespace: string;
  runs: HistoryRun[];
}

/** `records` newest first: the first is the current run. */
export function historyView(name: string, namespace: string, records: readonly RunRecord[], now: number): HistoryView {
  return { schemaVersion: HISTORY_SCHEMA_VERSION, name, namespace, runs: records.map((r, i) => runView(r, i === 0, now)) };
}

function runView(r: RunRecord, current: boolean, now: number): HistoryRun {
  const ended = isTerminal(r.phase);
  const verdict = ended ? verdictOf({ phase: r.phase, mode: r.mode, rollback: r.cause ? { cause: r.cause } : null }).verdict : current ? (r.phase === 'Paused' ? 'paused' : 'running') : 'superseded';
  const end = ended ? r.finishedAt : current ? now : null;
  return {
    runId: r.runId,
    revision: r.revision,
    stableRevision: r.stableRevision,
    images: r.images,
    mode: r.mode,
    verdict,
    icon: iconOf(r, ended, current),
    phase: r.phase,
    reason: r.reason,
    step: r.mode === 'canary' && r.stepCount > 0 ? `${Math.min(r.stepIndex + 1, r.stepCount)}/${r.stepCount}` : '-',
    startedAt: iso(r.startedAt),
    finishedAt: r.finishedAt === null ? null : iso(r.finishedAt),
    durationMs: end === null ? null : Math.max(0, end - r.startedAt),
    by: [...new Set(r.requests.filter((q) => acted(q.kind, q.outcome)).map((q) => `${q.by || 'unknown'} (${q.kind === 'promoteFull' ? 'promote --full' : q.kind})`))],
    runner: r.owner,
    requests: r.requests,
  };
}

/** An abort or promote the run acted on (not one it answered "nothing to do"). */
function acted(kind: RunRecord['requests'][number]['kind'], outcome: string): boolean {
  if (kind === 'retry') return false;
  return !/^(nothing to|already|too late|cannot)/.test(outcome);
}

function iconOf(r: RunRecord, ended: boolean, current: boolean): Icon {
  if (!ended) return current ? (r.phase === 'Paused' ? ICON.paused : ICON.progressing) : ICON.unknown;
  return r.phase === 'Healthy' ? ICON.healthy : ICON.failed;
}

const COLUMNS: Column[] = [
  { header: 'STARTED' },
  { header: 'REVISION' },
  { header: 'VERDICT' },
  { header: 'STEP' },
  { header: 'DURATION' },
  { header: 'BY', shrinkOrder: 2, minWidth: 8 },
  { header: 'IMAGES', shrinkOrder: 3, minWidth: 12 },
  { header: 'REASON', shrinkOrder: 1, minWidth: 12 },
];

export function renderHistory(view: HistoryView, palette: Palette, options: RenderOptions = {}): string {
  if (view.runs.length === 0) return `no runs recorded for ${view.namespace}/${view.name}\n`;
  const rows = view.runs.map((r) => [
    { text: r.startedAt.replace('T', ' ') },
    { text: r.revision },
    { text: `${r.icon} ${r.verdict}`, style: (s: string, p: Palette) => paint(r.icon, s, p) },
    { text: r.step },
    { text: r.durationMs === null ? '-' : formatAge(r.durationMs) },
    { text: r.by.join(', ') || '-', truncate: 'end' as const },
    { text: r.images.join(', '), truncate: 'middle' as const },
    { text: r.reason, truncate: 'end' as const },
  ]);
  return renderTable(COLUMNS, rows, palette, widthBudget(options)).join('\n') + '\n';
}
