/** A label selector and a pod template, as a Rollout or a Deployment writes them. */
import { isRecord, type Reader } from './reader.js';
import { unmatchedBy } from './label-selector.js';
import type { JsonObject, LabelSelector } from './types.js';

export function readSelector(r: Reader): LabelSelector | null {
  const sel = r.object({ known: ['matchLabels', 'matchExpressions'] }, { required: true });
  if (!sel) return null;
  const matchLabels = sel.field('matchLabels').stringMap();
  const matchExpressions: LabelSelector['matchExpressions'] = [];
  for (const e of sel.field('matchExpressions').list()) {
    const expr = e.object({ known: ['key', 'operator', 'values'] });
    if (!expr) continue;
    const key = expr.field('key').string({ required: true });
    const operator = expr.field('operator').string({ required: true });
    const values = expr.field('values').list().map((v) => v.scalarString()).filter((v): v is string => v !== null);
    if (operator !== null && !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
      expr.field('operator').error(`"${operator}" is not a valid operator: use In, NotIn, Exists or DoesNotExist`);
      continue;
    }
    // metav1 ValidateLabelSelectorRequirement: In and NotIn need values, Exists and DoesNotExist take none.
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      expr.field('values').error(`must be specified when operator is ${operator}`, expr.field('values').present ? 'value' : 'key');
      continue;
    }
    if ((operator === 'Exists' || operator === 'DoesNotExist') && expr.field('values').present && expr.field('values').list().length > 0) {
      expr.field('values').error(`may not be specified when operator is ${operator}`);
      continue;
    }
    if (key !== null && operator !== null) matchExpressions.push({ key, operator, ...(values.length ? { values } : {}) });
  }
  if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
    sel.error('an empty selector would select every pod in the namespace: set matchLabels');
  }
  return { matchLabels, matchExpressions };
}

export function readPodTemplate(r: Reader): JsonObject | null {
  const t = r.object({ known: ['metadata', 'spec'] }, { required: true });
  if (!t) return null;
  const podSpec = t.field('spec');
  if (!podSpec.present) {
    podSpec.error('required field is missing: the pod spec with its containers', 'key');
    return null;
  }
  if (!isRecord(podSpec.value)) return podSpec.error('expected a mapping (a pod spec)');
  const containers = podSpec.field('containers').list({ required: true });
  if (podSpec.field('containers').present && containers.length === 0) podSpec.field('containers').error('at least one container is required');
  const names = new Set<string>();
  for (const c of containers) {
    if (!isRecord(c.value)) {
      c.error('expected a mapping (a container)');
      continue;
    }
    const name = c.field('name').string({ required: true });
    c.field('image').string({ required: true });
    if (name !== null) {
      if (names.has(name)) c.field('name').error(`duplicate container name "${name}"`);
      names.add(name);
    }
  }
  const meta = t.field('metadata');
  if (meta.present && !isRecord(meta.value)) meta.error('expected a mapping');
  else if (meta.present) {
    // Kubernetes refuses a label or annotation that is not a string; say where, before the API server does.
    meta.field('labels').stringMap();
    meta.field('annotations').stringMap();
  }
  return r.value as JsonObject;
}

/** The template's labels must satisfy the selector, matchLabels and matchExpressions (Kubernetes refuses the object otherwise). */
export function checkSelectorMatches(template: Reader, selector: LabelSelector, value: JsonObject): void {
  const labels = podLabels(value);
  for (const [k, v] of Object.entries(selector.matchLabels)) {
    if (labels[k] !== v) {
      template
        .field('metadata')
        .field('labels')
        .error(`selector does not match template labels: the selector wants ${k}=${v}, add it to ${template.pathString}.metadata.labels`);
      return;
    }
  }
  const unmatched = unmatchedBy(selector, labels);
  if (unmatched) template.field('metadata').field('labels').error(`selector does not match template labels: the selector's matchExpressions want ${unmatched}; change ${template.pathString}.metadata.labels or the expression`);
}

/** A pod template's labels, scalar values as strings (others are reported by readPodTemplate). */
export function podLabels(template: JsonObject): Record<string, string> {
  const meta = template.metadata;
  const labels = isRecord(meta) && isRecord(meta.labels) ? meta.labels : {};
  // No prototype: a label named `toString` must not find Object.prototype's.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}
