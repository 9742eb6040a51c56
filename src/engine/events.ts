/**
 * RunEvent: everything a run reports, one union. Renderers (TTY, plain lines, JSON Lines, GitHub
 * summary) and Kubernetes Events are all derived from it, each with an exhaustive switch.
 */
import type { AnalysisPhase, MeasurementPhase } from '../analysis/types.js';
import type { CanaryScale, RequestMatch, RouteChange, Step, StrategyKind, StringMatch } from '../manifests/types.js';
import type { Track } from './ports.js';
import type { Pause, Phase, PromotionStage, RollbackCause, RunMode, RunRequest } from './types.js';

export interface ScaleSummary {
  replicas: number | null;
  weight: number | null;
  matchTrafficWeight: boolean;
}

/** `match` in words (`X-Canary: exact "yes"`); null when the step removes the route. */
export type RouteSummary =
  | { kind: 'setHeaderRoute'; name: string; match: string | null }
  | { kind: 'setMirrorRoute'; name: string; percentage: number; match: string | null };

/**
 * `canaryScale` appears on a step that also sets the canary's scale, `routes` on one that also sets
 * header or mirror routes.
 */
export type StepSummary = (
  | { kind: 'setWeight'; weight: number; canaryScale?: ScaleSummary }
  | { kind: 'pause'; durationMs: number | null; canaryScale?: ScaleSummary }
  | { kind: 'analysis'; templates: string[] }
  | ({ kind: 'setCanaryScale' } & ScaleSummary)
  | (RouteSummary & { canaryScale?: ScaleSummary })
  /** Each template as `name (specRef, N replicas)`; durationMs null: until its analyses end. */
  | { kind: 'experiment'; durationMs: number | null; templates: string[]; analyses: string[] }
) & { routes?: RouteSummary[] };

export type RunEvent =
  | {
      kind: 'started';
      at: number;
      namespace: string;
      name: string;
      mode: RunMode;
      resumed: boolean;
      revision: string;
      stableRevision: string | null;
      images: string[];
      stepCount: number;
      timeScale: number;
      strategy: StrategyKind;
    }
  | { kind: 'stepStarted'; at: number; index: number; stepCount: number; step: StepSummary }
  | { kind: 'stepCompleted'; at: number; index: number; stepCount: number }
  | { kind: 'weightChanged'; at: number; from: number | null; to: number; router: string }
  /** A track's Service now selects other pods (blue-green: the active or preview Service); revisions as observed. */
  | { kind: 'serviceSwitched'; at: number; service: string; role: ServiceRole; from: Track | null; to: Track; fromRevision: string | null; toRevision: string | null }
  /** `deployment`: an experiment template's Deployment (its pods are neither track's). */
  | { kind: 'waiting'; at: number; track: 'stable' | 'canary'; ready: number; desired: number; problem: string | null; deployment?: string }
  | { kind: 'paused'; at: number; reason: Pause['reason']; until: number | null }
  | { kind: 'resumed'; at: number; by: 'timer' | 'promote' }
  | { kind: 'analysisStarted'; at: number; runId: string; metrics: string[]; dryRun: string[] }
  | {
      kind: 'measurement';
      at: number;
      runId: string;
      metric: string;
      phase: MeasurementPhase;
      value: string | null;
      message: string | null;
      counts: { successful: number; failed: number; inconclusive: number; error: number };
    }
  | {
      kind: 'analysisCompleted';
      at: number;
      runId: string;
      phase: AnalysisPhase;
      message: string | null;
      /** Cut short by a rollback or a skipped step: shown as Terminated, whatever its phase says. */
      terminated: boolean;
      /** Its measurements, summed over the metrics. */
      counts: { successful: number; failed: number; inconclusive: number; error: number };
    }
  | { kind: 'requestReceived'; at: number; request: RunRequest; outcome: string }
  | { kind: 'promoting'; at: number; stage: PromotionStage }
  | { kind: 'rollingBack'; at: number; cause: RollbackCause; reason: string }
  | { kind: 'scaledDown'; at: number; track: 'canary'; replicas: number }
  /** After the verdict: the canary is scaled down at `due`, by this runner or (left) by the next canary command. */
  | { kind: 'scaleDownScheduled'; at: number; due: number; delay: 'scaleDownDelaySeconds' | 'abortScaleDownDelaySeconds'; left: boolean }
  | { kind: 'deadlineExceeded'; at: number; abort: boolean; message: string }
  | { kind: 'warning'; at: number; message: string }
  /** canary deleted an experiment's Deployment or Service; `leftover`: an earlier run's (its step since removed, or its runner gone). */
  | { kind: 'experimentDeleted'; at: number; object: 'Deployment' | 'Service'; name: string; leftover: boolean }
  | {
      kind: 'finished';
      at: number;
      phase: Phase;
      revision: string;
      stepIndex: number;
      stepCount: number;
      durationMs: number;
      reason: string;
    };

export type RunEventKind = RunEvent['kind'];

/** How a Service is named in the run's words: Argo's field for it. */
export type ServiceRole = 'stableService' | 'canaryService' | 'activeService' | 'previewService';

export function summarizeStep(step: Step): StepSummary {
  const main = summarizeMain(step);
  const routes = step.kind === 'setCanaryScale' ? [] : (step.routes ?? []);
  return routes.length > 0 ? { ...main, routes: routes.map(summarizeRoute) } : main;
}

function summarizeMain(step: Step): StepSummary {
  const scale = 'canaryScale' in step && step.canaryScale ? { canaryScale: summarizeScale(step.canaryScale) } : {};
  switch (step.kind) {
    case 'setWeight':
      return { kind: 'setWeight', weight: step.weight, ...scale };
    case 'pause':
      return { kind: 'pause', durationMs: step.durationMs, ...scale };
    case 'analysis':
      return { kind: 'analysis', templates: step.analysis.templates.map((t) => t.templateName) };
    case 'setCanaryScale':
      return { kind: 'setCanaryScale', ...summarizeScale(step.scale) };
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      return { ...summarizeRoute(step), ...scale };
    case 'experiment': {
      const e = step.experiment;
      return {
        kind: 'experiment',
        durationMs: e.durationMs,
        templates: e.templates.map((t) => `${t.name} (${t.specRef}, ${t.replicas} ${t.replicas === 1 ? 'replica' : 'replicas'}${t.weight ? `, weight ${t.weight.value}%` : ''})`),
        analyses: e.analyses.map((a) => a.ref.templates[0]!.templateName),
      };
    }
  }
}

function summarizeRoute(change: RouteChange): RouteSummary {
  return change.kind === 'setHeaderRoute'
    ? { kind: 'setHeaderRoute', name: change.name, match: change.match && change.match.map((m) => `${m.headerName} ${stringMatch(m.headerValue)}`).join(' and ') }
    : { kind: 'setMirrorRoute', name: change.name, percentage: change.percentage, match: change.match && change.match.map(requestMatch).join(' or ') };
}

function stringMatch(m: StringMatch): string {
  return `${m.kind} ${JSON.stringify(m.value)}`;
}

function requestMatch(m: RequestMatch): string {
  const parts = [...(m.method ? [`method ${stringMatch(m.method)}`] : []), ...(m.path ? [`path ${stringMatch(m.path)}`] : []), ...m.headers.map((h) => `${h.name} ${stringMatch(h.value)}`)];
  return parts.join(' and ');
}

function summarizeScale(s: CanaryScale): ScaleSummary {
  return {
    replicas: s.kind === 'replicas' ? s.replicas : null,
    weight: s.kind === 'weight' ? s.weight : null,
    matchTrafficWeight: s.kind === 'matchTrafficWeight',
  };
}
