/**
 * The plan of a run, for `canary run --dry-run`: what each step will do (weight, replica counts,
 * pause, analysis), or the blue-green sequence, and how long the timed parts take. Pure, from the spec alone.
 */
import type { AnalysisRef, AnalysisTemplateSpec, BlueGreenStrategy, RolloutSpec, Step } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { collectTemplates } from '../manifests/template-index.js';
import { summarizeStep, type StepSummary } from './events.js';
import { canaryReplicas, canaryScaleAt, setWeightAt, stableReplicas, type CanarySpec } from './replicas.js';
import type { RunMode } from './types.js';

export interface PlannedStep {
  index: number;
  step: StepSummary;
  /** Canary weight once the step is done. */
  weight: number;
  canaryReplicas: number;
  stableReplicas: number;
  /** Timed part of the step (pause duration, analysis count x interval); null when it waits for a person or has no bound. */
  durationMs: number | null;
  waitsForPromote: boolean;
  /** Metrics measured during this step (background and step analysis). */
  analyses: { id: string; metrics: PlannedMetric[] }[];
}

export interface PlannedMetric {
  name: string;
  intervalMs: number | null;
  count: number | null;
  /** Numeric fields written as `{{args.x}}`, e.g. `count: {{args.count}}`: known once the run resolves its args. */
  fromArgs: string[];
}

interface PlanBase {
  mode: RunMode;
  /** Sum of the timed parts, plus the scale-down delays; pod start-up time comes on top. */
  timedMs: number;
  /** Something waits for `canary promote`. */
  waitsForPromote: boolean;
  scaleDownDelayMs: number;
}

export interface CanaryPlan extends PlanBase {
  kind: 'canary';
  steps: PlannedStep[];
  background: { startingStep: number; metrics: PlannedMetric[] } | null;
}

/** Blue-green: the preview comes up, prePromotionAnalysis, the pause, the switch, postPromotionAnalysis, the previous revision scaled down. */
export interface BlueGreenPlan extends PlanBase {
  kind: 'blueGreen';
  activeService: string;
  previewService: string | null;
  replicas: number;
  previewReplicas: number;
  prePromotion: PlannedAnalysis | null;
  /** Before the switch: none (auto-promotion), timed (autoPromotionSeconds), or until `canary promote`. */
  pause: { kind: 'none' } | { kind: 'timed'; ms: number } | { kind: 'promote' };
  postPromotion: PlannedAnalysis | null;
  /** How long the previous revision keeps its pods after the switch (0 with scaleDownDelayRevisionLimit: 0). */
  previousRevisionDelayMs: number;
}

export interface PlannedAnalysis {
  metrics: PlannedMetric[];
  /** null: no bound (a metric without count, or numbers from args). */
  durationMs: number | null;
}

export type Plan = CanaryPlan | BlueGreenPlan;

/** `spec` already time-scaled; `timeScale` scales the templates' intervals the same way. */
export function planRun(spec: RolloutSpec, templates: readonly AnalysisTemplateSpec[], mode: RunMode, timeScale = 1): Plan {
  const ns = spec.namespace;
  const metricsOf = (refs: Parameters<typeof collectTemplates>[1]) =>
    collectTemplates(templates, refs, ns).templates.flatMap((t) =>
      t.metrics.map(
        (m): PlannedMetric => ({
          name: m.name,
          intervalMs: m.intervalMs === null ? null : Math.max(1, Math.round(m.intervalMs * timeScale)),
          count: m.count,
          fromArgs: m.templated.map((x) => `${x.field}: ${x.text}`),
        }),
      ),
    );
  const strategy = spec.strategy;
  switch (strategy.kind) {
    case 'canary':
      return planCanary({ replicas: spec.replicas, strategy }, mode, metricsOf);
    case 'blueGreen':
      return planBlueGreen(spec.replicas, strategy, mode, metricsOf);
    default:
      return assertNever(strategy, 'strategy');
  }
}

type MetricsOf = (refs: AnalysisRef['templates']) => PlannedMetric[];

function planCanary(spec: CanarySpec, mode: RunMode, metricsOf: MetricsOf): CanaryPlan {
  const c = spec.strategy;
  const bg = c.analysis ? { startingStep: c.analysis.startingStep, metrics: metricsOf(c.analysis.templates) } : null;
  const steps: PlannedStep[] =
    mode !== 'canary'
      ? []
      : c.steps.map((step, index) => {
          const weight = setWeightAt(spec, index);
          const canary = canaryReplicas(spec, weight, canaryScaleAt(spec, index));
          const stepMetrics = step.kind === 'analysis' ? metricsOf(step.analysis.templates) : [];
          const experimentRuns = step.kind === 'experiment' ? step.experiment.analyses.map((a) => ({ id: `step-${index + 1}-${a.name}`, metrics: metricsOf(a.ref.templates), required: a.requiredForCompletion })) : [];
          const durationMs = step.kind === 'experiment' ? experimentSpan(step.experiment.durationMs, experimentRuns) : timedPart(step, stepMetrics);
          return {
            index,
            step: summarizeStep(step),
            weight: c.trafficRouting.kind === 'none' ? Math.round((canary * 100) / Math.max(1, spec.replicas)) : weight,
            canaryReplicas: canary,
            stableReplicas: stableReplicas(spec, weight, canary),
            durationMs,
            waitsForPromote: step.kind === 'pause' && step.durationMs === null,
            analyses: [
              ...(bg && index >= bg.startingStep ? [{ id: 'background', metrics: bg.metrics }] : []),
              ...(step.kind === 'analysis' ? [{ id: `step-${index + 1}`, metrics: stepMetrics }] : []),
              ...experimentRuns.map(({ id, metrics }) => ({ id, metrics })),
            ],
          };
        });
  const timedMs = steps.reduce((sum, s) => sum + (s.durationMs ?? 0), 0) + (mode === 'canary' ? c.scaleDownDelayMs : 0);
  return {
    kind: 'canary',
    mode,
    steps,
    background: bg,
    timedMs,
    waitsForPromote: steps.some((s) => s.waitsForPromote || s.durationMs === null),
    scaleDownDelayMs: c.scaleDownDelayMs,
  };
}

function planBlueGreen(replicas: number, b: BlueGreenStrategy, mode: RunMode, metricsOf: MetricsOf): BlueGreenPlan {
  const analysis = (ref: AnalysisRef | null): PlannedAnalysis | null => {
    if (!ref) return null;
    const metrics = metricsOf(ref.templates);
    return { metrics, durationMs: analysisSpan(metrics) };
  };
  const pause: BlueGreenPlan['pause'] = !b.autoPromotionEnabled ? { kind: 'promote' } : b.autoPromotionMs > 0 ? { kind: 'timed', ms: b.autoPromotionMs } : { kind: 'none' };
  const prePromotion = analysis(b.prePromotionAnalysis);
  const postPromotion = analysis(b.postPromotionAnalysis);
  const previousRevisionDelayMs = b.scaleDownDelayRevisionLimit === 0 ? 0 : b.scaleDownDelayMs;
  const released = mode === 'canary';
  const timedMs = released
    ? (prePromotion?.durationMs ?? 0) + (pause.kind === 'timed' ? pause.ms : 0) + (postPromotion?.durationMs ?? 0) + previousRevisionDelayMs + b.scaleDownDelayMs
    : 0;
  return {
    kind: 'blueGreen',
    mode,
    activeService: b.activeService,
    previewService: b.previewService,
    replicas,
    previewReplicas: b.previewReplicaCount ?? replicas,
    prePromotion,
    pause,
    postPromotion,
    previousRevisionDelayMs,
    timedMs,
    waitsForPromote: released && (pause.kind === 'promote' || prePromotion?.durationMs === null || postPromotion?.durationMs === null),
    scaleDownDelayMs: b.scaleDownDelayMs,
  };
}

/** How long a step's timed part lasts; null when it waits for a person or has no bound. */
function timedPart(step: Step, metrics: readonly PlannedMetric[]): number | null {
  switch (step.kind) {
    case 'setWeight':
    case 'setCanaryScale':
    case 'setHeaderRoute':
    case 'setMirrorRoute':
      return 0;
    case 'pause':
      return step.durationMs;
    case 'analysis':
      return analysisSpan(metrics);
    case 'experiment':
      return experimentSpan(step.experiment.durationMs, []);
    default:
      return assertNever(step, 'step');
  }
}

/**
 * An experiment lasts its duration, or as long as the analyses it waits for: the required ones, or
 * all of them without a duration or a required one; null without a bound.
 */
function experimentSpan(durationMs: number | null, runs: readonly { metrics: readonly PlannedMetric[]; required: boolean }[]): number | null {
  const required = runs.filter((r) => r.required);
  const waitedFor = required.length ? required : durationMs === null ? runs : [];
  const spans = waitedFor.map((r) => analysisSpan(r.metrics));
  if (spans.includes(null)) return null;
  return Math.max(durationMs ?? 0, ...(spans as number[]));
}

/** How long an analysis measures: (count - 1) x interval for its longest metric; null without a bound. */
function analysisSpan(metrics: readonly PlannedMetric[]): number | null {
  const spans = metrics.map((m) =>
    m.fromArgs.some((f) => f.startsWith('count:') || f.startsWith('interval:')) ? null : m.count === null ? (m.intervalMs === null ? 0 : null) : m.intervalMs === null ? 0 : (m.count - 1) * m.intervalMs,
  );
  return spans.includes(null) ? null : Math.max(0, ...(spans as number[]));
}
