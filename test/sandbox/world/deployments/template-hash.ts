/**
 * pod-template-hash: how the Deployment controller names a ReplicaSet after its pod template
 * (FNV-1a of the template, made DNS-safe), and how it recognises the ReplicaSet of a template.
 */
import { fnv32a, safeEncode } from '../random.js';
import { POD_TEMPLATE_HASH, type PodTemplate } from './shapes.js';

export function podTemplateHash(template: PodTemplate, collisionCount = 0): string {
  const text = stableJson(template) + (collisionCount > 0 ? `#${collisionCount}` : '');
  return safeEncode(String(fnv32a(text)));
}

/** True when an RS template (which carries pod-template-hash) is the deployment's template. */
export function sameTemplate(rsTemplate: PodTemplate, template: PodTemplate): boolean {
  return stableJson(withoutHash(rsTemplate)) === stableJson(withoutHash(template));
}

export function withHash(template: PodTemplate, hash: string): PodTemplate {
  const t = structuredClone(template);
  t.metadata = { ...(t.metadata ?? {}), labels: { ...(t.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
  return t;
}

function withoutHash(template: PodTemplate): PodTemplate {
  const t = structuredClone(template);
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  t.metadata = { ...(t.metadata ?? {}), labels };
  if (Object.keys(labels).length === 0) delete t.metadata.labels;
  if (Object.keys(t.metadata).length === 0) delete t.metadata;
  return t;
}

/** JSON with sorted keys, so that key order from different clients never changes the hash. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
