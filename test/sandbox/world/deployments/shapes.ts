/**
 * Typed views of the apps/v1 and core/v1 fields the controllers read, with the defaults the real
 * API server would have filled in (the sandbox store stores what clients send, undefaulted).
 */
import type { K8sObject } from '../../store/types.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec?: { containers?: Container[]; [key: string]: unknown };
}

export type IntOrPercent = number | string;

export type Strategy =
  | { type: 'RollingUpdate'; maxSurge: IntOrPercent; maxUnavailable: IntOrPercent }
  | { type: 'Recreate' };

export interface DeploymentSpec {
  replicas: number;
  selector: LabelSelector;
  template: PodTemplate;
  strategy: Strategy;
  minReadySeconds: number;
  revisionHistoryLimit: number;
  /** undefined when explicitly unset: no Progressing condition is kept then, as in the real controller. */
  progressDeadlineSeconds: number | undefined;
  paused: boolean;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const REVISION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

type Loose = Record<string, unknown>;

export function deploymentSpec(d: K8sObject): DeploymentSpec {
  const spec = (d['spec'] ?? {}) as Loose;
  const strategy = (spec['strategy'] ?? {}) as Loose;
  const rolling = (strategy['rollingUpdate'] ?? {}) as Loose;
  return {
    replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1,
    selector: (spec['selector'] ?? {}) as LabelSelector,
    template: (spec['template'] ?? {}) as PodTemplate,
    strategy:
      strategy['type'] === 'Recreate'
        ? { type: 'Recreate' }
        : {
            type: 'RollingUpdate',
            maxSurge: (rolling['maxSurge'] as IntOrPercent | undefined) ?? '25%',
            maxUnavailable: (rolling['maxUnavailable'] as IntOrPercent | undefined) ?? '25%',
          },
    minReadySeconds: typeof spec['minReadySeconds'] === 'number' ? spec['minReadySeconds'] : 0,
    revisionHistoryLimit: typeof spec['revisionHistoryLimit'] === 'number' ? spec['revisionHistoryLimit'] : 10,
    progressDeadlineSeconds: 'progressDeadlineSeconds' in spec ? numberOrUndefined(spec['progressDeadlineSeconds']) : 600,
    paused: spec['paused'] === true,
  };
}

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export interface ReplicaSetView {
  obj: K8sObject;
  name: string;
  uid: string;
  replicas: number;
  template: PodTemplate;
  selector: LabelSelector;
  status: { replicas: number; readyReplicas: number; availableReplicas: number };
  revision: number;
  created: string;
}

export function replicaSetView(rs: K8sObject): ReplicaSetView {
  const spec = (rs['spec'] ?? {}) as Loose;
  const status = (rs['status'] ?? {}) as Loose;
  return {
    obj: rs,
    name: rs.metadata.name,
    uid: rs.metadata.uid ?? '',
    replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 1,
    template: (spec['template'] ?? {}) as PodTemplate,
    selector: (spec['selector'] ?? {}) as LabelSelector,
    status: {
      replicas: num(status['replicas']),
      readyReplicas: num(status['readyReplicas']),
      availableReplicas: num(status['availableReplicas']),
    },
    revision: Number(rs.metadata.annotations?.[REVISION] ?? 0) || 0,
    created: rs.metadata.creationTimestamp ?? '',
  };
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** The controller owner reference's uid, if any. */
export function controllerUid(obj: K8sObject): string | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}

export function controllerRef(obj: K8sObject): { kind: string; name: string; uid: string } | undefined {
  const r = obj.metadata.ownerReferences?.find((o) => o.controller);
  return r ? { kind: r.kind, name: r.name, uid: r.uid } : undefined;
}

/** RFC 3339 with second precision, as metav1.Time serialises. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
