/**
 * The Deployment canary runs for one track of a Rollout: `NAME-stable` or `NAME-canary`, built
 * from the Rollout's pod template. The track label keeps the two apart (selector and pods), the
 * revision annotation says which template runs, the marker says the object is canary's.
 */
import type { DesiredWorkload, Track } from '../engine/ports.js';
import { trackMetadata } from '../manifests/strategy.js';
import type { IntOrPercent, LabelSelector, ResolvedRollout, RolloutStrategy } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import type { KubeObject } from './client.js';
import { markerLabels, REVISION_ANNOTATION, TRACK_LABEL } from './ownership.js';

export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: { containers?: { image?: string }[] } };
    [key: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export function deploymentName(rollout: string, track: Track): string {
  return `${rollout}-${track}`;
}

/** The Rollout's selector narrowed to one track. */
export function trackSelector(selector: LabelSelector, track: Track): { matchLabels: Record<string, string>; matchExpressions?: LabelSelector['matchExpressions'] } {
  return {
    matchLabels: { ...selector.matchLabels, [TRACK_LABEL]: track },
    ...(selector.matchExpressions.length ? { matchExpressions: selector.matchExpressions } : {}),
  };
}

export function desiredDeployment(rollout: ResolvedRollout, namespace: string, track: Track, desired: DesiredWorkload): Deployment {
  const own = trackMetadata(rollout.strategy)[track];
  const { labels, annotations, ...restMeta } = (desired.template['metadata'] ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deploymentName(rollout.name, track),
      namespace,
      labels: { ...markerLabels(rollout.name), [TRACK_LABEL]: track },
      annotations: { [REVISION_ANNOTATION]: desired.revision },
    },
    spec: {
      replicas: desired.replicas,
      selector: trackSelector(rollout.selector, track),
      template: {
        ...(desired.template as Record<string, unknown>),
        metadata: {
          ...restMeta,
          labels: { ...labels, ...own?.labels, [TRACK_LABEL]: track },
          annotations: { ...annotations, ...own?.annotations, [REVISION_ANNOTATION]: desired.revision },
        },
      },
      minReadySeconds: rollout.minReadySeconds,
      revisionHistoryLimit: rollout.revisionHistoryLimit,
      progressDeadlineSeconds: Math.round(rollout.progressDeadlineMs / 1000),
      // Promotion rolls the stable Deployment to the new template at the Rollout's pace.
      strategy: { type: 'RollingUpdate', rollingUpdate: rollingUpdate(rollout.strategy) },
    },
  };
}

/** Canary's maxSurge/maxUnavailable; blue-green has maxUnavailable only (maxSurge stays Kubernetes' 25%). */
function rollingUpdate(strategy: RolloutStrategy): { maxSurge: number | string; maxUnavailable: number | string } {
  switch (strategy.kind) {
    case 'canary':
      return { maxSurge: intOrPercent(strategy.maxSurge), maxUnavailable: intOrPercent(strategy.maxUnavailable) };
    case 'blueGreen':
      return { maxSurge: '25%', maxUnavailable: intOrPercent(strategy.maxUnavailable) };
    default:
      return assertNever(strategy, 'strategy');
  }
}

function intOrPercent(v: IntOrPercent): number | string {
  return v.kind === 'percent' ? `${v.value}%` : v.value;
}

/**
 * Whether `current` already has everything `wanted` sets. The API server adds defaults (container
 * fields, strategy, ...), so `current` may hold more; a removed template field changes the
 * revision annotation, which is compared too.
 */
export function covers(current: unknown, wanted: unknown): boolean {
  if (wanted === null || typeof wanted !== 'object') return current === wanted;
  if (Array.isArray(wanted)) return Array.isArray(current) && current.length === wanted.length && wanted.every((w, i) => covers(current[i], w));
  if (current === null || typeof current !== 'object' || Array.isArray(current)) return false;
  return Object.entries(wanted).every(([k, w]) => w === undefined || covers((current as Record<string, unknown>)[k], w));
}

/** `app=myapp,canary-rollouts/track=stable`: a selector as a label-selector query string. */
export function selectorString(s: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] }): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
