/**
 * The plan of a run, for `canary run --dry-run`: what each step will do (weight, replica counts,
 * pause, analysis) and how long the timed parts take. Pure, from the spec alone.
 */
import type { AnalysisTemplateSpec, RolloutSpec, Step } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { collectTemplates } from '../manifests/template-index.js';
import { summarizeStep, type StepSummary } from './events.js';
import { canaryReplicas, canaryScaleAt, setWeightAt, stableReplicas } from './replicas.js';
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

export interface Plan {
  mode: RunMode;
  steps: PlannedStep[];
  background: { startingStep: number; metrics: PlannedMetric[] } | null;
  /** Sum of the timed parts, plus the scale-down delay at the end; pod start-up time comes on top. */
  timedMs: number;
  /** Some step waits for `canary promote`. */
  waitsForPromote: boolean;
  scaleDownDelayMs: number;
}

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
  const bg = spec.canary.analysis ? { startingStep: spec.canary.analysis.startingStep, metrics: metricsOf(spec.canary.analysis.templates) } : null;
  const steps: PlannedStep[] =
    mode !== 'canary'
      ? []
      : spec.canary.steps.map((step, index) => {
          const weight = setWeightAt(spec, index);
          const canary = canaryReplicas(spec, weight, canaryScaleAt(spec, index));
          const stepMetrics = step.kind === 'analysis' ? metricsOf(step.analysis.templates) : [];
          const durationMs = timedPart(step, stepMetrics);
          return {
            index,
            step: summarizeStep(step),
            weight: spec.canary.trafficRouting.kind === 'none' ? Math.round((canary * 100) / Math.max(1, spec.replicas)) : weight,
            canaryReplicas: canary,
            stableReplicas: stableReplicas(spec, weight, canary),
            durationMs,
            waitsForPromote: step.kind === 'pause' && step.durationMs === null,
            analyses: [
              ...(bg && index >= bg.startingStep ? [{ id: 'background', metrics: bg.metrics }] : []),
              ...(step.kind === 'analysis' ? [{ id: `step-${index + 1}`, metrics: stepMetrics }] : []),
            ],
          };
        });
  const timedMs = steps.reduce((sum, s) => sum + (s.durationMs ?? 0), 0) + (mode === 'canary' ? spec.canary.scaleDownDelayMs : 0);
  return {
    mode,
    steps,
    background: bg,
    timedMs,
    waitsForPromote: steps.some((s) => s.waitsForPromote || s.durationMs === null),
    scaleDownDelayMs: spec.canary.scaleDownDelayMs,
  };
}

/** How long a step's timed part lasts; null when it waits for a person or has no bound. */
function timedPart(step: Step, metrics: readonly PlannedMetric[]): number | null {
  switch (step.kind) {
    case 'setWeight':
    case 'setCanaryScale':
      return 0;
    case 'pause':
      return step.durationMs;
    case 'analysis': {
      const spans = metrics.map((m) =>
        m.fromArgs.some((f) => f.startsWith('count:') || f.startsWith('interval:')) ? null : m.count === null ? (m.intervalMs === null ? 0 : null) : m.intervalMs === null ? 0 : (m.count - 1) * m.intervalMs,
      );
      return spans.includes(null) ? null : Math.max(0, ...(spans as number[]));
    }
    default:
      return assertNever(step, 'step');
  }
}
