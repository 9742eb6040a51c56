/**
 * The replica arithmetic of the real Deployment controller (pkg/controller/deployment rolling.go,
 * sync.go, util): how many pods a rolling update may add (maxSurge, rounded up) and remove
 * (maxUnavailable, rounded down), and how a scaling event is spread over active ReplicaSets.
 * Pure functions of ReplicaSet counts so they can be tested table by table.
 */
import type { DeploymentSpec, IntOrPercent } from './shapes.js';

export interface RsCounts {
  name: string;
  replicas: number; // spec.replicas
  available: number; // status.availableReplicas
  created: string; // creationTimestamp, for oldest-first ordering
  /** deployment.kubernetes.io/max-replicas when the RS was last scaled. */
  maxReplicasAnnotation?: number;
}

export function scaledValue(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v.trim());
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(v)}`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge and maxUnavailable as absolute numbers; both zero would deadlock, so unavailable becomes 1. */
export function fenceposts(spec: DeploymentSpec): { maxSurge: number; maxUnavailable: number } {
  if (spec.strategy.type !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: 0 };
  const maxSurge = scaledValue(spec.strategy.maxSurge, spec.replicas, true);
  let maxUnavailable = scaledValue(spec.strategy.maxUnavailable, spec.replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** deploymentutil.MaxUnavailable: what the Available condition tolerates. */
export function maxUnavailable(spec: DeploymentSpec): number {
  if (spec.strategy.type !== 'RollingUpdate' || spec.replicas === 0) return 0;
  return Math.min(fenceposts(spec).maxUnavailable, spec.replicas);
}

const sum = (rs: readonly RsCounts[], f: (r: RsCounts) => number) => rs.reduce((a, r) => a + f(r), 0);

/** NewRSNewReplicas: the new ReplicaSet's size for the next step of a rolling update. */
export function newReplicaSetReplicas(spec: DeploymentSpec, all: readonly RsCounts[], newRS: RsCounts): number {
  switch (spec.strategy.type) {
    case 'Recreate':
      return spec.replicas;
    case 'RollingUpdate': {
      const maxTotal = spec.replicas + fenceposts(spec).maxSurge;
      const current = sum(all, (r) => r.replicas);
      if (current >= maxTotal) return newRS.replicas;
      const up = Math.min(maxTotal - current, Math.max(0, spec.replicas - newRS.replicas));
      return newRS.replicas + up;
    }
  }
}

/**
 * reconcileOldReplicaSets: first remove unhealthy old pods (they serve nothing), then scale old
 * ReplicaSets down, oldest first, as far as minAvailable allows. Returns the new sizes of the old
 * ReplicaSets that change.
 */
export function scaleDownOld(spec: DeploymentSpec, newRS: RsCounts, old: readonly RsCounts[]): Map<string, number> {
  const out = new Map<string, number>();
  if (sum(old, (r) => r.replicas) === 0) return out;
  const all = [newRS, ...old];
  const minAvailable = spec.replicas - maxUnavailable(spec);
  const newUnavailable = newRS.replicas - newRS.available;
  const maxScaledDown = sum(all, (r) => r.replicas) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return out;

  const sorted = [...old].sort((a, b) => a.created.localeCompare(b.created) || a.name.localeCompare(b.name));
  const size = new Map(sorted.map((r) => [r.name, r.replicas]));
  let cleaned = 0;
  for (const r of sorted) {
    if (cleaned >= maxScaledDown) break;
    const replicas = size.get(r.name)!;
    if (replicas === 0) continue;
    const unhealthy = replicas - r.available;
    if (unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    size.set(r.name, replicas - down);
    cleaned += down;
  }

  const available = sum(all, (r) => r.available);
  if (available > minAvailable) {
    const total = available - minAvailable;
    let done = 0;
    for (const r of sorted) {
      if (done >= total) break;
      const replicas = size.get(r.name)!;
      if (replicas === 0) continue;
      const down = Math.min(replicas, total - done);
      size.set(r.name, replicas - down);
      done += down;
    }
  }
  for (const r of sorted) if (size.get(r.name) !== r.replicas) out.set(r.name, size.get(r.name)!);
  return out;
}

/**
 * A scaling event (spec.replicas changed) in the middle of a rollout: every active ReplicaSet grows
 * or shrinks in proportion to its share, the rounding leftover going to the newest (when adding) or
 * the oldest (when removing), as deploymentutil.GetProportion does.
 */
export function proportionalScale(spec: DeploymentSpec, active: readonly RsCounts[], statusReplicas: number): Map<string, number> {
  const out = new Map<string, number>();
  if (active.length === 0) return out;
  const allowed = spec.replicas > 0 ? spec.replicas + fenceposts(spec).maxSurge : 0;
  const toAdd = allowed - sum(active, (r) => r.replicas);
  if (toAdd === 0) return out;
  // Adding: biggest (then newest) first. Removing: biggest (then oldest) first.
  const sorted = [...active].sort(
    (a, b) => b.replicas - a.replicas || (toAdd > 0 ? b.created.localeCompare(a.created) : a.created.localeCompare(b.created)),
  );
  let added = 0;
  const size = new Map<string, number>();
  for (const r of sorted) {
    const annotated = r.maxReplicasAnnotation ?? statusReplicas;
    // Scaling to zero takes everything; otherwise each keeps its share of the new allowed size.
    const fraction = spec.replicas === 0 ? -r.replicas : annotated > 0 ? Math.round((r.replicas * allowed) / annotated) - r.replicas : 0;
    const left = toAdd - added;
    const proportion = toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
    size.set(r.name, r.replicas + proportion);
    added += proportion;
  }
  const first = sorted[0]!;
  size.set(first.name, Math.max(0, size.get(first.name)! + (toAdd - added)));
  for (const r of sorted) if (size.get(r.name) !== r.replicas) out.set(r.name, Math.max(0, size.get(r.name)!));
  return out;
}
