/** Fields both strategies read the same way, and Argo's defaults for them (utils/defaults/defaults.go). */
import type { Reader } from './reader.js';
import type { IntOrPercent, PodMetadata } from './types.js';

export const ROLLOUT_DEFAULTS = {
  replicas: 1,
  revisionHistoryLimit: 10,
  progressDeadlineSeconds: 600,
  scaleDownDelaySeconds: 30,
  abortScaleDownDelaySeconds: 30,
  minPodsPerReplicaSet: 1,
  maxSurge: '25%',
  maxUnavailable: '25%',
  autoPromotionEnabled: true,
} as const;

export function readIntOrPercent(r: Reader, fallback: string): IntOrPercent {
  const v = r.present ? r.value : fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return { kind: 'count', value: v };
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v.trim());
    if (m) return { kind: 'percent', value: Number(m[1]) };
    if (/^\d+$/.test(v.trim())) return { kind: 'count', value: Number(v.trim()) };
  }
  r.error(`expected a whole number or a percentage like "25%", got ${JSON.stringify(v)}`);
  const m = /^(\d+)%$/.exec(fallback);
  return { kind: 'percent', value: Number(m![1]) };
}

export function readPodMetadata(r: Reader): PodMetadata | null {
  const m = r.object({ known: ['labels', 'annotations'] });
  if (!m) return null;
  return { labels: m.field('labels').stringMap(), annotations: m.field('annotations').stringMap() };
}
