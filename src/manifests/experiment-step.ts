/**
 * An `experiment` step (Argo's RolloutExperimentStep): templates of the stable or canary pod spec,
 * a duration, and analyses run against them. Argo's validation: template names unique and set,
 * specRef stable or canary, analysis names unique.
 */
import type { Reader } from './reader.js';
import { readDryRun, readRolloutArgs } from './rollout-analysis.js';
import { readSelector } from './pod-template.js';
import { readPodMetadata } from './strategy-fields.js';
import { issue, type Issue } from './issues.js';
import { unmatchedBy } from './label-selector.js';
import type { ExperimentAnalysis, ExperimentStep, ExperimentTemplate, Step } from './types.js';

/** A DNS-1035 label: what Argo's names become inside object names. */
const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function readExperimentStep(f: Reader): ExperimentStep | null {
  const e = f.object(
    { known: ['templates', 'duration', 'analyses', 'dryRun'], ignored: { analysisRunMetadata: 'canary keeps analysis runs in its run state, not as AnalysisRun objects with metadata' } },
    { required: true },
  );
  if (!e) return null;
  const durationMs = e.field('duration').duration();
  const templates: ExperimentTemplate[] = [];
  const names = new Set<string>();
  const list = e.field('templates').list({ required: true });
  if (e.field('templates').present && list.length === 0) e.field('templates').error('an experiment needs at least one template: templates: [{name: baseline, specRef: stable}]');
  for (const item of list) {
    const t = readTemplate(item);
    if (!t) continue;
    if (names.has(t.name)) item.field('name').error(`duplicate template name "${t.name}"`);
    names.add(t.name);
    templates.push(t);
  }
  const dryRun = readDryRun(e.field('dryRun'));
  const analyses: ExperimentAnalysis[] = [];
  const analysisNames = new Set<string>();
  for (const item of e.field('analyses').list()) {
    const a = readAnalysis(item, dryRun);
    if (!a) continue;
    if (analysisNames.has(a.name)) item.field('name').error(`duplicate analysis name "${a.name}"`);
    analysisNames.add(a.name);
    analyses.push(a);
  }
  if (durationMs === null && analyses.length === 0 && !e.field('duration').present) {
    // Argo runs such an Experiment until it is terminated; so does canary, until `canary promote`.
    e.warn('an experiment without duration and analyses runs until `canary promote` ends it: set duration, or analyses that decide it', 'key');
  }
  return { durationMs, templates, analyses };
}

function readTemplate(item: Reader): ExperimentTemplate | null {
  const t = item.object({ known: ['name', 'specRef', 'replicas', 'weight', 'selector', 'metadata', 'service'] });
  if (!t) return null;
  const name = t.field('name').string({ required: true });
  const specRef = t.field('specRef').string({ required: true });
  if (name !== null && !NAME.test(name)) t.field('name').error(`"${name}" is not a valid name: lowercase letters, digits and '-', starting with a letter`);
  if (specRef !== null && specRef !== 'stable' && specRef !== 'canary') t.field('specRef').error(`expected stable or canary, got "${specRef}"`);
  const replicas = t.field('replicas').present ? t.field('replicas').int({ min: 0 }) : 1;
  // Argo: a weight also gives the template a Service (rollout/experiment.go); which routers carry it is routing/'s rule.
  const weight = t.field('weight').present ? t.field('weight').int({ min: 0, max: 100 }) : null;
  // matchLabels and matchExpressions, as Kubernetes reads a Deployment's; canary adds its experiment label to keep the Deployments apart.
  const selector = t.field('selector').present ? readSelector(t.field('selector')) : null;
  const metadata = readPodMetadata(t.field('metadata'));
  const serviceField = readService(t.field('service'));
  const service = serviceField === null && weight !== null ? '' : serviceField;
  if (name === null || specRef === null || replicas === null || (t.field('selector').present && selector === null) || service === undefined) return null;
  if (!NAME.test(name) || (specRef !== 'stable' && specRef !== 'canary')) return null;
  return {
    loc: t.loc(),
    name,
    specRef,
    replicas,
    service,
    selector,
    selectorLoc: selector ? t.field('selector').loc('key') : null,
    metadata,
    weight: weight === null ? null : { value: weight, loc: t.field('weight').loc('key') },
  };
}

/** `service: {}` (the default name) or `service: {name: x}`; null when absent. */
function readService(r: Reader): string | null | undefined {
  if (!r.present) return null;
  const s = r.object({ known: ['name'] });
  if (!s) return undefined;
  const name = s.field('name').string();
  if (name !== null && !NAME.test(name)) {
    s.field('name').error(`"${name}" is not a valid Service name: lowercase letters, digits and '-', starting with a letter`);
    return undefined;
  }
  return name ?? '';
}

function readAnalysis(item: Reader, dryRun: ExperimentAnalysis['ref']['dryRun']): ExperimentAnalysis | null {
  const a = item.object({ known: ['name', 'templateName', 'clusterScope', 'args', 'requiredForCompletion'] });
  if (!a) return null;
  const name = a.field('name').string({ required: true });
  const templateName = a.field('templateName').string({ required: true });
  const args = readRolloutArgs(a.field('args'));
  const requiredForCompletion = a.field('requiredForCompletion').bool(false);
  if (name === null || templateName === null) return null;
  if (!NAME.test(name)) {
    a.field('name').error(`"${name}" is not a valid name: lowercase letters, digits and '-', starting with a letter`);
    return null;
  }
  const templates = [{ loc: a.field('templateName').loc(), templateName, clusterScope: a.field('clusterScope').bool(false) }];
  return { loc: a.loc(), name, requiredForCompletion, ref: { loc: a.loc(), templates, args, dryRun, measurementRetention: [] } };
}

/**
 * Kubernetes refuses a Deployment whose pod labels its selector does not select: each template's
 * selector must select the pods canary makes for it (the Rollout's pod labels with the template's
 * own; canary's experiment label is added to both sides). Said at the selector.
 */
export function experimentSelectorIssues(steps: readonly Step[], rolloutLabels: Readonly<Record<string, string>>): Issue[] {
  const out: Issue[] = [];
  for (const step of steps) {
    if (step.kind !== 'experiment') continue;
    for (const t of step.experiment.templates) {
      if (!t.selector || !t.selectorLoc) continue;
      const labels = { ...rolloutLabels, ...(t.metadata?.labels ?? {}) };
      const unmatched = unmatchedBy(t.selector, labels);
      if (unmatched) {
        out.push(issue('error', t.selectorLoc, `experiment template ${t.name}: the selector wants ${unmatched}, which its pods' labels (the Rollout's template labels and metadata.labels) do not satisfy; Kubernetes would refuse the Deployment: change the selector or add the label under metadata.labels`));
      }
    }
  }
  return out;
}
