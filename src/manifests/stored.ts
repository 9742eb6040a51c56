/**
 * The manifests of a run, stored next to its state, so that `canary abort` and `canary retry` can
 * act without the files: the Rollout as it was run (--image applied), its templates and Services.
 */
import { sortIssues, formatIssue } from './issues.js';
import { validate } from './rules.js';
import { SourceDoc } from './source.js';
import { readStoredSpec, storedText } from './stored-text.js';
import type { AnalysisTemplateSpec, JsonObject, ResolvedRollout, ServiceSpec, SpecSet } from './types.js';
import { InternalError } from '../util/errors.js';

/** With workloadRef, the template and selector read from the Deployment are stored too: a resumed run uses what this one ran. */
export function manifestsOf(rollout: ResolvedRollout, template: JsonObject, templates: readonly AnalysisTemplateSpec[], services: readonly ServiceSpec[]): string {
  const doc = structuredClone(docValue(rollout)) as { spec: { template: JsonObject; selector?: unknown } };
  doc.spec.template = template;
  if (rollout.workloadRef) doc.spec.selector = { matchLabels: rollout.selector.matchLabels, ...(rollout.selector.matchExpressions.length ? { matchExpressions: rollout.selector.matchExpressions } : {}) };
  const docs = [doc, ...templates.map(docValue), ...services.map((s) => s.manifest)];
  return storedText(docs);
}

export function readStoredManifests(text: string, namespace: string): SpecSet {
  const read = readStoredSpec(text);
  const issues = [...read.issues, ...validate(read.spec, { namespace, prometheusAddress: null })];
  const errors = sortIssues(issues).filter((i) => i.severity === 'error');
  if (errors.length) throw new InternalError(`the manifests stored with the run do not read back: ${errors.map(formatIssue).join('; ')}`);
  return read.spec;
}

function docValue(x: ResolvedRollout | AnalysisTemplateSpec): unknown {
  if (!(x.source instanceof SourceDoc)) throw new InternalError(`${x.name}: no source document to store`);
  return x.source.value;
}
