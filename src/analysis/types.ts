/**
 * The data of an analysis run, as Argo's AnalysisRun status keeps it. Plain JSON: it is persisted
 * in the run-state ConfigMap after every measurement, so a restarted runner resumes a run with its
 * history, counters and timing intact.
 */
import type { MetricSpec } from '../manifests/types.js';

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface Measurement {
  /** 'Running' while the provider call is in flight. */
  phase: MeasurementPhase | 'Running';
  startedAt: number;
  finishedAt: number | null;
  /** String form of the result as Argo prints it: "[3]", "0.99", "[]". */
  value: string | null;
  message: string | null;
  /** e.g. { resolvedQuery: "...", warnings: "..." } (secrets redacted). */
  metadata: Record<string, string>;
}

/** Argo's phases. Order of badness for a run: Successful < Running < Pending < Inconclusive < Error < Failed. */
export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  /** The retained tail of the history (measurementRetention, default 10). */
  measurements: Measurement[];
  /** Finished non-error measurements (errors do not use up `count`). */
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  consecutiveSuccess: number;
  dryRun: boolean;
  /** Why the metric reached its phase, e.g. `failed (1) > failureLimit (0)`. */
  message: string | null;
}

export interface AnalysisRun {
  /** Stable within a rollout run, e.g. "background" or "step-2". */
  id: string;
  phase: AnalysisPhase;
  message: string | null;
  startedAt: number;
  completedAt: number | null;
  /** Set by a terminate request: no new measurements; unfinished metrics end Successful. */
  terminating: boolean;
  /** Why a terminate request came, when one did (absent in states written by older versions). */
  terminatedBy?: TerminationCause;
  metrics: MetricResult[];
}

/**
 * What ended a run before its metrics did: the rollout rolled back, a person skipped the analysis
 * step (promote), or the steps ended (the promotion ends background analysis, as in Argo).
 */
export type TerminationCause = 'rollback' | 'skip' | 'promotion';

/** A metric with its args substituted, plus what the run needs to assess it. */
export interface ResolvedMetric {
  spec: MetricSpec;
  dryRun: boolean;
  /** Measurements kept in history (measurementRetention or the default 10). */
  retention: number;
  /** Wait after an Error before measuring again; Argo's 10 s unless --time-scale shortens it. */
  errorRetryMs?: number;
}
