/**
 * Template composition: a Rollout ref naming several templates, and templates that include others
 * through `templates`, flatten into one set of metrics and args (Argo FlattenTemplates). Pure.
 */
import type { AnalysisTemplateSpec, DryRunRule, MetricSpec, RetentionRule, TemplateArg, TemplateRef } from '../manifests/types.js';

export type TemplateRefLike = Pick<TemplateRef, 'templateName' | 'clusterScope'>;

/** An arg with the template that declared it, for messages. */
export interface SourcedArg extends TemplateArg {
  template: string;
}

export interface SourcedMetric {
  spec: MetricSpec;
  /** `AnalysisTemplate success-rate` */
  template: string;
}

export interface MergedTemplate {
  /** Every template included, `Kind name`, namespaced ones first (Argo's order). */
  templates: string[];
  args: SourcedArg[];
  metrics: SourcedMetric[];
  dryRun: DryRunRule[];
  measurementRetention: RetentionRule[];
}

export type MergeOutcome = { ok: true; template: MergedTemplate } | { ok: false; errors: string[] };

export function describeTemplate(t: Pick<AnalysisTemplateSpec, 'kind' | 'name'>): string {
  return `${t.kind} ${t.name}`;
}

/** Resolves `refs` (and the refs inside them) against the templates read from the files, then merges. */
export function mergeTemplates(refs: readonly TemplateRefLike[], catalog: readonly AnalysisTemplateSpec[]): MergeOutcome {
  const errors: string[] = [];
  const found: AnalysisTemplateSpec[] = [];
  const visit = (ref: TemplateRefLike, path: string[]) => {
    const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    const label = `${kind} ${ref.templateName}`;
    if (path.includes(label)) {
      errors.push(`${path[0]}: templates include each other in a cycle: ${[...path, label].join(' -> ')}`);
      return;
    }
    const template = catalog.find((t) => t.kind === kind && t.name === ref.templateName);
    if (!template) {
      const where = path.length > 0 ? `${path.at(-1)} references ` : '';
      errors.push(`${where}${kind} "${ref.templateName}", which is not in the given files: add the file that defines it`);
      return;
    }
    // A template reached twice (a diamond of includes) counts once.
    if (!found.includes(template)) found.push(template);
    for (const inner of template.templates) visit(inner, [...path, label]);
  };
  for (const ref of refs) visit(ref, []);
  if (errors.length > 0) return { ok: false, errors };

  const ordered = [
    ...found.filter((t) => t.kind === 'AnalysisTemplate'),
    ...found.filter((t) => t.kind === 'ClusterAnalysisTemplate'),
  ];
  const args = mergeArgs(ordered, errors);
  const metrics = ordered.flatMap((t) => t.metrics.map((spec) => ({ spec, template: describeTemplate(t) })));
  const seen = new Map<string, string>();
  for (const m of metrics) {
    const first = seen.get(m.spec.name);
    if (first !== undefined) errors.push(`two metrics have the same name '${m.spec.name}' (in ${first} and ${m.template})`);
    else seen.set(m.spec.name, m.template);
  }
  const dryRun = uniqueRules(ordered.flatMap((t) => t.dryRun), 'Dry-Run', errors);
  const measurementRetention = uniqueRules(ordered.flatMap((t) => t.measurementRetention), 'Measurement Retention', errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, template: { templates: ordered.map(describeTemplate), args, metrics, dryRun, measurementRetention } };
}

/**
 * Same-named args merge: two different values are an error; an arg with a value is never replaced
 * by one without (Argo flattenArgs).
 */
function mergeArgs(templates: readonly AnalysisTemplateSpec[], errors: string[]): SourcedArg[] {
  const merged: SourcedArg[] = [];
  for (const t of templates) {
    for (const arg of t.args) {
      const next: SourcedArg = { ...arg, template: describeTemplate(t) };
      const i = merged.findIndex((a) => a.name === arg.name);
      if (i < 0) {
        merged.push(next);
        continue;
      }
      const prev = merged[i]!;
      if (prev.source.kind === 'value' && arg.source.kind === 'value' && prev.source.value !== arg.source.value) {
        errors.push(
          `argument \`${arg.name}\` specified multiple times with different values: '${prev.source.value}' (${prev.template}), '${arg.source.value}' (${next.template})`,
        );
      } else if (prev.source.kind !== 'value') {
        merged[i] = next;
      }
    }
  }
  return merged;
}

/** Rule lists from several places merge; two rules for the same metric name are an error. */
export function uniqueRules<R extends { metricName: string }>(rules: readonly R[], what: string, errors: string[]): R[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.metricName)) errors.push(`two ${what} metric rules have the same name '${rule.metricName}'`);
    seen.add(rule.metricName);
  }
  return [...rules];
}
