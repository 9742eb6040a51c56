/**
 * Finds the templates a reference names, following template composition (`spec.templates`), the way
 * Argo resolves them: an AnalysisTemplate in the Rollout's namespace, or a ClusterAnalysisTemplate.
 */
import type { AnalysisTemplateSpec, TemplateRef } from './types.js';

export type TemplateLookup =
  | { ok: true; templates: AnalysisTemplateSpec[] }
  | { ok: false; missing: TemplateRef[]; cycle: string[] | null; templates: AnalysisTemplateSpec[] };

export function findTemplate(all: readonly AnalysisTemplateSpec[], ref: TemplateRef, namespace: string | null): AnalysisTemplateSpec | undefined {
  const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
  return all.find(
    (t) =>
      t.kind === kind &&
      t.name === ref.templateName &&
      (kind === 'ClusterAnalysisTemplate' || t.namespace === null || namespace === null || t.namespace === namespace),
  );
}

/** Every template reachable from `refs`, each once, in reference order. */
export function collectTemplates(all: readonly AnalysisTemplateSpec[], refs: readonly TemplateRef[], namespace: string | null): TemplateLookup {
  const out: AnalysisTemplateSpec[] = [];
  const missing: TemplateRef[] = [];
  let cycle: string[] | null = null;
  const visit = (ref: TemplateRef, trail: string[]): void => {
    const t = findTemplate(all, ref, namespace);
    if (!t) {
      missing.push(ref);
      return;
    }
    const id = `${t.kind}/${t.name}`;
    if (trail.includes(id)) {
      cycle ??= [...trail, id];
      return;
    }
    if (!out.includes(t)) out.push(t);
    for (const inner of t.templates) visit(inner, [...trail, id]);
  };
  for (const ref of refs) visit(ref, []);
  return missing.length === 0 && cycle === null ? { ok: true, templates: out } : { ok: false, missing, cycle, templates: out };
}

export function describeRef(ref: TemplateRef): string {
  return `${ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${ref.templateName}"`;
}
