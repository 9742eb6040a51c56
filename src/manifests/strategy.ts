/**
 * What the layers ask of a Rollout's strategy, each answered by one exhaustive switch: its steps,
 * the Services of its two tracks, its analyses and their run ids, its delays. The canary strategy's
 * stable/canary tracks are the blue-green strategy's active/preview stacks.
 */
import { assertNever } from '../util/assert-never.js';
import type { AnalysisRef, PodMetadata, RolloutSpec, RolloutStrategy, Step } from './types.js';

export const PRE_PROMOTION_RUN = 'pre-promotion';
export const POST_PROMOTION_RUN = 'post-promotion';
export const BACKGROUND_RUN = 'background';

export function stepRunId(stepIndex: number): string {
  return `step-${stepIndex + 1}`;
}

/** The run of an experiment step's analysis: "step-2-judge". */
export function experimentRunId(stepIndex: number, analysis: string): string {
  return `${stepRunId(stepIndex)}-${analysis}`;
}

/** The canary steps; a blue-green rollout has none. */
export function stepsOf(strategy: RolloutStrategy): readonly Step[] {
  switch (strategy.kind) {
    case 'canary':
      return strategy.steps;
    case 'blueGreen':
      return [];
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** Whether any step is an experiment (its objects are then observed, and their permissions checked). */
export function hasExperiments(strategy: RolloutStrategy): boolean {
  return stepsOf(strategy).some((s) => s.kind === 'experiment');
}

/** The Service of each track: canary's stableService/canaryService, blue-green's activeService/previewService. */
export function trackServices(strategy: RolloutStrategy): { stable: string | null; canary: string | null } {
  switch (strategy.kind) {
    case 'canary':
      return { stable: strategy.stableService, canary: strategy.canaryService };
    case 'blueGreen':
      return { stable: strategy.activeService, canary: strategy.previewService };
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** The field that names each track's Service, for messages: `stableService`, `previewService`. */
export function trackServiceFields(strategy: RolloutStrategy): { stable: 'stableService' | 'activeService'; canary: 'canaryService' | 'previewService' } {
  switch (strategy.kind) {
    case 'canary':
      return { stable: 'stableService', canary: 'canaryService' };
    case 'blueGreen':
      return { stable: 'activeService', canary: 'previewService' };
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** Ephemeral pod metadata of each track (canaryMetadata/stableMetadata, previewMetadata/activeMetadata). */
export function trackMetadata(strategy: RolloutStrategy): { stable: PodMetadata | null; canary: PodMetadata | null } {
  switch (strategy.kind) {
    case 'canary':
      return { stable: strategy.stableMetadata, canary: strategy.canaryMetadata };
    case 'blueGreen':
      return { stable: strategy.activeMetadata, canary: strategy.previewMetadata };
    default:
      return assertNever(strategy, 'strategy');
  }
}

export interface AnalysisUse {
  /** The run id: "background", "step-3", "pre-promotion", "post-promotion". */
  id: string;
  /** How messages name it: "background analysis", "step 3 analysis", "prePromotionAnalysis". */
  label: string;
  ref: AnalysisRef;
}

/** Every analysis the Rollout references, with the id of the run it starts. */
export function analysisUses(r: Pick<RolloutSpec, 'strategy'>): AnalysisUse[] {
  const s = r.strategy;
  switch (s.kind) {
    case 'canary': {
      const out: AnalysisUse[] = [];
      if (s.analysis) out.push({ id: BACKGROUND_RUN, label: 'background analysis', ref: s.analysis });
      s.steps.forEach((step, i) => {
        if (step.kind === 'analysis') out.push({ id: stepRunId(i), label: `step ${i + 1} analysis`, ref: step.analysis });
        if (step.kind === 'experiment') {
          for (const a of step.experiment.analyses) out.push({ id: experimentRunId(i, a.name), label: `step ${i + 1} experiment analysis ${a.name}`, ref: a.ref });
        }
      });
      return out;
    }
    case 'blueGreen':
      return [
        ...(s.prePromotionAnalysis ? [{ id: PRE_PROMOTION_RUN, label: 'prePromotionAnalysis', ref: s.prePromotionAnalysis }] : []),
        ...(s.postPromotionAnalysis ? [{ id: POST_PROMOTION_RUN, label: 'postPromotionAnalysis', ref: s.postPromotionAnalysis }] : []),
      ];
    default:
      return assertNever(s, 'strategy');
  }
}

/** The analysis reference behind a run id; null when the Rollout has no such analysis. */
export function analysisRefFor(r: Pick<RolloutSpec, 'strategy'>, runId: string): AnalysisRef | null {
  return analysisUses(r).find((u) => u.id === runId)?.ref ?? null;
}

/** The same strategy with every analysis reference passed through `f` (--arg overrides). */
export function mapAnalysisRefs(strategy: RolloutStrategy, f: (ref: AnalysisRef) => AnalysisRef): RolloutStrategy {
  switch (strategy.kind) {
    case 'canary':
      return {
        ...strategy,
        analysis: strategy.analysis ? { ...strategy.analysis, ...f(strategy.analysis) } : null,
        steps: strategy.steps.map((s) => {
          if (s.kind === 'analysis') return { ...s, analysis: f(s.analysis) };
          if (s.kind === 'experiment') return { ...s, experiment: { ...s.experiment, analyses: s.experiment.analyses.map((a) => ({ ...a, ref: f(a.ref) })) } };
          return s;
        }),
      };
    case 'blueGreen':
      return {
        ...strategy,
        prePromotionAnalysis: strategy.prePromotionAnalysis && f(strategy.prePromotionAnalysis),
        postPromotionAnalysis: strategy.postPromotionAnalysis && f(strategy.postPromotionAnalysis),
      };
    default:
      return assertNever(strategy, 'strategy');
  }
}

/** How the strategy is named to people: Argo's `Strategy:` line in `get rollout`. */
export function strategyName(strategy: RolloutStrategy): 'Canary' | 'BlueGreen' {
  switch (strategy.kind) {
    case 'canary':
      return 'Canary';
    case 'blueGreen':
      return 'BlueGreen';
    default:
      return assertNever(strategy, 'strategy');
  }
}
