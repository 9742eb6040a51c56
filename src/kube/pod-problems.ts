/**
 * Why a Deployment's pods do not become ready, in one line naming the pod: what `kubectl describe`
 * would show first (CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable, a quota refusal).
 */
import type { KubeObject } from './client.js';
import type { Deployment } from './deployment-spec.js';

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string } };
  lastState?: { terminated?: { reason?: string; exitCode?: number } };
}

/** The fields of a Pod canary reads (problems here, readiness and restarts in `canary status`). */
export type Pod = KubeObject & {
  status?: {
    phase?: string;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
};

/** Waiting reasons that will not resolve by themselves. ContainerCreating and PodInitializing will. */
const STUCK = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
]);

/** The first problem among the pods (or the Deployment's ReplicaFailure condition); null when none. */
export function podProblem(deployment: Deployment | null, pods: readonly Pod[]): string | null {
  for (const pod of pods) {
    const p = problemOf(pod);
    if (p) return p;
  }
  const failure = deployment?.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (failure) return `Deployment ${deployment!.metadata.name}: ${failure.reason ?? 'ReplicaFailure'}${failure.message ? `: ${failure.message}` : ''}`;
  return null;
}

function problemOf(pod: Pod): string | null {
  const name = pod.metadata.name;
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    const killed = c.lastState?.terminated?.reason === 'OOMKilled';
    if (waiting?.reason && STUCK.has(waiting.reason)) {
      const why = killed ? `${waiting.reason} (last exit: OOMKilled)` : waiting.reason;
      return `pod ${name}: container ${c.name}: ${why}${waiting.message ? `: ${oneLine(waiting.message)}` : ''}`;
    }
    if (killed) return `pod ${name}: container ${c.name}: OOMKilled`;
  }
  const unschedulable = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
  if (unschedulable) return `pod ${name}: Unschedulable${unschedulable.message ? `: ${oneLine(unschedulable.message)}` : ''}`;
  return null;
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
