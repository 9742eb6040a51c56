/**
 * The run's report, as data: verdict, steps, the canary weight over time, measurements. One model,
 * two renderings: Markdown (the GitHub step summary, `--report FILE.md`) and a self-contained HTML
 * page (`--report FILE.html`). Pure: built from the run's events and its verdict line.
 */
import type { RunEvent } from '../engine/events.js';
import type { FinalLine, Verdict } from './verdict.js';
import { describeStep, stepOf } from './words.js';

export interface ReportStep {
  label: string;
  what: string;
  startedAt: number;
}

export interface ReportMeasurement {
  at: number;
  analysis: string;
  metric: string;
  phase: string;
  value: string;
}

export interface RunReport {
  verdict: Verdict;
  /** promoted, deployed or unchanged. */
  ok: boolean;
  namespace: string;
  name: string;
  revision: string;
  stableRevision: string | null;
  images: string[];
  step: string;
  durationMs: number;
  reason: string;
  /** The run's first event; null when nothing ran (refused, nothing to do). */
  startedAt: number | null;
  endedAt: number;
  steps: ReportStep[];
  /** The canary weight from the run's start (the weight it found) to its end, one point per change. */
  weights: { at: number; weight: number }[];
  measurements: ReportMeasurement[];
  /** Analyses that ended, with their phase (Terminated when a rollback or a promote cut them short). */
  analyses: { id: string; phase: string }[];
}

/** `--report FILE`: Markdown or HTML, by the file's extension. */
export interface ReportFile {
  path: string;
  format: 'markdown' | 'html';
}

/** The format a report file's name asks for; null for an extension canary does not write. */
export function reportFormat(path: string): ReportFile['format'] | null {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  return ext === 'md' || ext === 'markdown' ? 'markdown' : ext === 'html' || ext === 'htm' ? 'html' : null;
}

/** Measurements kept in a report: the latest ones (a long background analysis takes hundreds). */
export const REPORT_MEASUREMENTS = 200;

export function runReport(events: readonly RunEvent[], f: FinalLine, now: number): RunReport {
  const started = events.find((e): e is Extract<RunEvent, { kind: 'started' }> => e.kind === 'started');
  const weights: RunReport['weights'] = [];
  const steps: ReportStep[] = [];
  const measurements: ReportMeasurement[] = [];
  const analyses: RunReport['analyses'] = [];
  for (const e of events) {
    switch (e.kind) {
      case 'weightChanged':
        if (weights.length === 0 && e.from !== null) weights.push({ at: started?.at ?? e.at, weight: e.from });
        weights.push({ at: e.at, weight: e.to });
        break;
      case 'stepStarted':
        steps.push({ label: stepOf(e.index, e.stepCount), what: describeStep(e.step), startedAt: e.at });
        break;
      case 'measurement':
        measurements.push({ at: e.at, analysis: e.runId, metric: e.metric, phase: e.phase, value: e.value ?? e.message ?? '' });
        break;
      case 'analysisCompleted':
        analyses.push({ id: e.runId, phase: e.terminated ? 'Terminated' : e.phase });
        break;
      default:
        break;
    }
  }
  const endedAt = events.at(-1)?.at ?? now;
  if (weights.length) weights.push({ at: endedAt, weight: weights.at(-1)!.weight });
  return {
    verdict: f.verdict,
    ok: f.verdict === 'promoted' || f.verdict === 'deployed' || f.verdict === 'unchanged',
    namespace: f.namespace,
    name: f.name,
    revision: f.revision,
    stableRevision: started?.stableRevision ?? null,
    images: started?.images ?? [],
    step: f.step,
    durationMs: f.durationMs,
    reason: f.reason,
    startedAt: started?.at ?? null,
    endedAt,
    steps,
    weights,
    measurements: measurements.slice(-REPORT_MEASUREMENTS),
    analyses,
  };
}
