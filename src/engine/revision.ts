/**
 * A revision is the hash of the pod template, stable under key order, as Kubernetes'
 * pod-template-hash: the same template always gives the same revision, whatever the YAML looked like.
 */
import { createHash } from 'node:crypto';

export function templateRevision(template: unknown): string {
  return createHash('sha256').update(canonicalJson(template)).digest('hex').slice(0, 10);
}

export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** Replaces container images (`--image name=image`); unknown container names are reported. */
export function withImages(template: Record<string, unknown>, images: readonly [string, string][]): { template: Record<string, unknown>; unknown: string[] } {
  const copy = structuredClone(template);
  const spec = copy.spec as { containers?: { name?: string; image?: string }[]; initContainers?: { name?: string; image?: string }[] } | undefined;
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  const unknown: string[] = [];
  for (const [name, image] of images) {
    const targets = name === '*' ? spec?.containers ?? [] : all.filter((c) => c.name === name);
    if (targets.length === 0) unknown.push(name);
    for (const c of targets) c.image = image;
  }
  return { template: copy, unknown };
}

/** The container images of a pod template, in order. */
export function imagesOf(template: Record<string, unknown>): string[] {
  const spec = template.spec as { containers?: { image?: string }[] } | undefined;
  return (spec?.containers ?? []).map((c) => c.image ?? '');
}
