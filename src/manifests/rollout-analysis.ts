/** A Rollout's references to analysis templates: step `analysis` and background `strategy.canary.analysis`. */
import type { Reader } from './reader.js';
import type { AnalysisRef, BackgroundAnalysis, DryRunRule, RetentionRule, RolloutArg, TemplateRef } from './types.js';

const REF_FIELDS = ['templates', 'args', 'dryRun', 'measurementRetention'] as const;
const IGNORED = {
  analysisRunMetadata: 'canary keeps analysis runs in its run state, not as AnalysisRun objects with metadata',
};

export function readAnalysisRef(r: Reader): AnalysisRef | null {
  const a = r.object({ known: REF_FIELDS, ignored: IGNORED });
  return a ? refFields(a) : null;
}

export function readBackgroundAnalysis(r: Reader): BackgroundAnalysis | null {
  const a = r.object({ known: [...REF_FIELDS, 'startingStep'], ignored: IGNORED });
  if (!a) return null;
  const ref = refFields(a);
  if (!ref) return null;
  return { ...ref, startingStep: a.field('startingStep').int({ min: 0 }) ?? 0 };
}

function refFields(a: Reader): AnalysisRef | null {
  const templates: TemplateRef[] = [];
  for (const t of a.field('templates').list({ required: true })) {
    const ref = readTemplateRef(t);
    if (ref) templates.push(ref);
  }
  if (a.field('templates').present && Array.isArray(a.field('templates').value) && (a.field('templates').value as unknown[]).length === 0) {
    a.field('templates').error('name at least one template: templates: [{templateName: ...}]');
  }
  return {
    loc: a.loc(),
    templates,
    args: readRolloutArgs(a.field('args')),
    dryRun: readDryRun(a.field('dryRun')),
    measurementRetention: readRetention(a.field('measurementRetention')),
  };
}

/** A reference's `args`, each name once. */
export function readRolloutArgs(r: Reader): RolloutArg[] {
  const args: RolloutArg[] = [];
  const seen = new Set<string>();
  for (const item of r.list()) {
    const arg = readRolloutArg(item);
    if (!arg) continue;
    if (seen.has(arg.name)) item.field('name').error(`duplicate arg "${arg.name}"`);
    seen.add(arg.name);
    args.push(arg);
  }
  return args;
}

export function readTemplateRef(t: Reader): TemplateRef | null {
  const ref = t.object({ known: ['templateName', 'clusterScope'] });
  if (!ref) return null;
  const templateName = ref.field('templateName').string({ required: true });
  if (templateName === null) return null;
  return { loc: ref.field('templateName').loc(), templateName, clusterScope: ref.field('clusterScope').bool(false) };
}

function readRolloutArg(item: Reader): RolloutArg | null {
  const a = item.object({ known: ['name', 'value', 'valueFrom'] });
  if (!a) return null;
  const name = a.field('name').string({ required: true });
  if (name === null) return null;
  const value = a.field('value');
  const from = a.field('valueFrom');
  if (value.present && from.present) {
    a.error(`arg "${name}": set value or valueFrom, not both`);
    return null;
  }
  if (value.present) {
    const v = value.scalarString();
    return v === null ? null : { loc: a.loc(), name, source: { kind: 'value', value: v } };
  }
  if (!from.present) {
    a.error(`arg "${name}" needs a value or valueFrom`);
    return null;
  }
  const vf = from.object({ known: ['podTemplateHashValue', 'fieldRef'] });
  if (!vf) return null;
  const hash = vf.field('podTemplateHashValue').string();
  if (hash !== null) {
    if (hash !== 'Stable' && hash !== 'Latest') {
      vf.field('podTemplateHashValue').error(`expected Stable or Latest, got "${hash}"`);
      return null;
    }
    return { loc: a.loc(), name, source: { kind: 'podTemplateHash', which: hash } };
  }
  const ref = vf.field('fieldRef').object({ known: ['fieldPath'] });
  const fieldPath = ref?.field('fieldPath').string({ required: true });
  if (fieldPath) return { loc: a.loc(), name, source: { kind: 'fieldRef', fieldPath } };
  if (!vf.field('fieldRef').present) vf.error('set podTemplateHashValue or fieldRef');
  return null;
}

export function readDryRun(r: Reader): DryRunRule[] {
  const rules: DryRunRule[] = [];
  for (const item of r.list()) {
    const d = item.object({ known: ['metricName'] });
    const name = d?.field('metricName').string({ required: true });
    if (!d || name === null || name === undefined) continue;
    try {
      new RegExp(name);
    } catch {
      d.field('metricName').error(`"${name}" is not a valid regular expression`);
      continue;
    }
    rules.push({ loc: d.field('metricName').loc(), metricName: name });
  }
  return rules;
}

export function readRetention(r: Reader): RetentionRule[] {
  const rules: RetentionRule[] = [];
  for (const item of r.list()) {
    const d = item.object({ known: ['metricName', 'limit'] });
    if (!d) continue;
    const metricName = d.field('metricName').string({ required: true });
    const limit = d.field('limit').int({ min: 1, intOrString: true });
    if (metricName !== null && limit !== null) rules.push({ loc: d.field('metricName').loc(), metricName, limit });
  }
  return rules;
}
