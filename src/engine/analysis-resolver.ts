/**
 * Turns an analysis run id ("background", "step-3") into resolved metrics: the Rollout's reference,
 * its templates merged, args resolved (secrets read now, never persisted), durations time-scaled.
 */
import { resolveAnalysis, type ArgContext } from '../analysis/args.js';
import { ERROR_RETRY_INTERVAL_MS } from '../analysis/assess.js';
import { mergeTemplates } from '../analysis/compose.js';
import type { SecretReader } from '../analysis/secrets.js';
import type { ResolvedMetric } from '../analysis/types.js';
import type { AnalysisRef, AnalysisTemplateSpec, RolloutSpec } from '../manifests/types.js';
import { messageOf } from '../util/errors.js';
import { analysisRefFor } from './context.js';
import type { AnalysisResolution } from './ports.js';

export interface ResolverInput {
  spec: RolloutSpec;
  templates: readonly AnalysisTemplateSpec[];
  secrets: SecretReader;
  context: ArgContext;
  timeScale: number;
}

export function analysisResolver(input: ResolverInput): (runId: string, vars?: Record<string, string>) => Promise<AnalysisResolution> {
  return async (runId, vars) => {
    try {
      const found = analysisRefFor(input.spec, runId);
      if (!found) return { ok: false, message: `analysis ${runId}: the Rollout has no such analysis` };
      const ref = vars ? withExperimentVars(found, vars) : found;
      const merged = mergeTemplates(ref.templates, input.templates);
      if (!merged.ok) return { ok: false, message: merged.errors.join('; ') };
      const res = await resolveAnalysis({
        template: merged.template,
        args: ref.args,
        dryRun: ref.dryRun,
        measurementRetention: ref.measurementRetention,
        context: input.context,
        secrets: input.secrets,
      });
      if (!res.ok) return { ok: false, message: res.errors.map((e) => e.message).join('; ') };
      return { ok: true, metrics: res.metrics.map((m) => scaleMetric(m, input.timeScale)), secrets: res.secrets };
    } catch (err) {
      return { ok: false, message: `analysis ${runId}: ${messageOf(err)}` };
    }
  };
}

/**
 * An experiment's analysis args may name its templates (Argo's ResolveExperimentArgsValue):
 * `{{templates.NAME.podTemplateHash}}`, `{{templates.NAME.replicaset.name}}`, `{{experiment.availableAt}}`,
 * `{{experiment.finishedAt}}`. Other placeholders are left for the template's own substitution.
 */
export function withExperimentVars(ref: AnalysisRef, vars: Record<string, string>): AnalysisRef {
  const fill = (text: string) => text.replace(/\{\{\s*((?:templates|experiment)\.[^}\s]+)\s*\}\}/g, (all, key: string) => vars[key] ?? all);
  return { ...ref, args: ref.args.map((a) => (a.source.kind === 'value' ? { ...a, source: { kind: 'value', value: fill(a.source.value) } } : a)) };
}

/** --time-scale applies to when measurements happen, not to the queries (a PromQL window stays as written). */
export function scaleMetric(m: ResolvedMetric, factor: number): ResolvedMetric {
  if (factor === 1) return m;
  const scale = (ms: number) => Math.max(1, Math.round(ms * factor));
  return {
    ...m,
    errorRetryMs: scale(ERROR_RETRY_INTERVAL_MS),
    spec: {
      ...m.spec,
      intervalMs: m.spec.intervalMs === null ? null : scale(m.spec.intervalMs),
      initialDelayMs: m.spec.initialDelayMs === 0 ? 0 : scale(m.spec.initialDelayMs),
    },
  };
}
