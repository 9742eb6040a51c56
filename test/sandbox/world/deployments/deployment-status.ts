/**
 * Deployment .status as the real controller computes it (calculateStatus + syncRolloutStatus):
 * replica counts from the ReplicaSets, the Available condition from maxUnavailable, and the
 * Progressing condition with its reasons and progress-deadline timeout. Pure: inputs and `now`.
 */
import { maxUnavailable } from './rolling.js';
import { isoSeconds, type Condition, type DeploymentSpec } from './shapes.js';

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

export interface RsStatusCounts {
  replicas: number; // spec.replicas
  statusReplicas: number;
  ready: number;
  available: number;
}

export const REASONS = {
  newRSAvailable: 'NewReplicaSetAvailable',
  rsUpdated: 'ReplicaSetUpdated',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function getCondition(status: DeploymentStatus, type: string): Condition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: same status and reason is a no-op; same status keeps lastTransitionTime;
 * the condition moves to the end of the list (which is why `kubectl describe` shows Available first).
 */
export function setCondition(status: DeploymentStatus, cond: Condition): void {
  const current = getCondition(status, cond.type);
  if (current && current.status === cond.status && current.reason === cond.reason) return;
  const next = { ...cond };
  if (current && current.status === cond.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

export function condition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = isoSeconds(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export interface RolloutStatusInput {
  name: string;
  generation: number;
  spec: DeploymentSpec;
  all: readonly RsStatusCounts[];
  newRS: { name: string; statusReplicas: number } | undefined;
  /** The status currently stored, including conditions the sync already set this round. */
  previous: DeploymentStatus;
  now: number;
}

/** calculateStatus followed by syncRolloutStatus. `recheckInMs` is when a deadline may expire. */
export function rolloutStatus(input: RolloutStatusInput): { status: DeploymentStatus; recheckInMs?: number } {
  const { spec, all, newRS, previous, now, name } = input;
  const available = all.reduce((a, r) => a + r.available, 0);
  const total = all.reduce((a, r) => a + r.replicas, 0);
  const status: DeploymentStatus = {
    observedGeneration: input.generation,
    replicas: all.reduce((a, r) => a + r.statusReplicas, 0),
    updatedReplicas: newRS?.statusReplicas ?? 0,
    readyReplicas: all.reduce((a, r) => a + r.ready, 0),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: (previous.conditions ?? []).map((c) => ({ ...c })),
    ...(previous.collisionCount ? { collisionCount: previous.collisionCount } : {}),
  };
  if (available >= spec.replicas - maxUnavailable(spec)) {
    setCondition(status, condition('Available', 'True', REASONS.minAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, condition('Available', 'False', REASONS.minUnavailable, 'Deployment does not have minimum availability.', now));
  }

  if (spec.progressDeadlineSeconds === undefined) {
    removeCondition(status, 'Progressing');
    return { status: compact(status) };
  }
  const current = getCondition(previous, 'Progressing');
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === REASONS.newRSAvailable;
  if (!spec.paused && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.name}"` : `Deployment "${name}"`;
    if (complete(spec, input.generation, status)) {
      setCondition(status, condition('Progressing', 'True', REASONS.newRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (progressing(previous, status)) {
      const c = condition('Progressing', 'True', REASONS.rsUpdated, `${subject} is progressing.`, now);
      // Progress refreshes lastUpdateTime even when the reason stays the same: that is what
      // pushes the deadline back.
      if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, 'Progressing');
      setCondition(status, c);
    } else if (timedOut(spec, current, now)) {
      setCondition(status, condition('Progressing', 'False', REASONS.timedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const after = getCondition(status, 'Progressing');
  let recheckInMs: number | undefined;
  if (after && after.status === 'True' && after.reason !== REASONS.newRSAvailable && !complete(spec, input.generation, status)) {
    const from = Date.parse(after.lastUpdateTime ?? after.lastTransitionTime);
    recheckInMs = Math.max(0, from + spec.progressDeadlineSeconds * 1000 - now) + 1000;
  }
  return recheckInMs === undefined ? { status: compact(status) } : { status: compact(status), recheckInMs };
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function complete(spec: DeploymentSpec, generation: number, s: DeploymentStatus): boolean {
  return (
    (s.updatedReplicas ?? 0) === spec.replicas &&
    (s.replicas ?? 0) === spec.replicas &&
    (s.availableReplicas ?? 0) === spec.replicas &&
    (s.observedGeneration ?? 0) >= generation
  );
}

function progressing(old: DeploymentStatus, s: DeploymentStatus): boolean {
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

function timedOut(spec: DeploymentSpec, current: Condition | undefined, now: number): boolean {
  if (!current || spec.progressDeadlineSeconds === undefined) return false;
  if (current.reason === REASONS.newRSAvailable) return false;
  if (current.reason === REASONS.timedOut) return true;
  const from = Date.parse(current.lastUpdateTime ?? current.lastTransitionTime);
  return from + spec.progressDeadlineSeconds * 1000 < now;
}

/** The API omits zero-valued counters (`omitempty`); clients must treat a missing field as 0. */
function compact(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const [k, v] of Object.entries(s) as [keyof DeploymentStatus, unknown][]) {
    if (v === 0 || v === undefined) continue;
    (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
