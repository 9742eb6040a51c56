/** Idempotent "make the cluster look like this" checks shared by the phase handlers. */
import { trackServices } from '../manifests/strategy.js';
import { assertNever } from '../util/assert-never.js';
import type { EngineContext } from './context.js';
import type { Observation, Track, WeightDestination, WorkloadStatus } from './ports.js';
import { routesInPlace, type ManagedRoute } from './routes.js';
import type { Tx } from './tx.js';

/** The track's Deployment runs the desired template at `replicas`; asks for a write otherwise. */
export function ensureDesired(tx: Tx, ctx: EngineContext, obs: Observation, track: Track, replicas: number): void {
  const w = obs[track];
  if (!w || w.revision !== ctx.revision || w.replicas !== replicas) tx.effect({ kind: 'ensureWorkload', track, replicas });
}

/** Only the replica count; the template stays what it is. */
export function ensureScale(tx: Tx, obs: Observation, track: Track, replicas: number): void {
  const w = obs[track];
  if (w && w.replicas !== replicas) tx.effect({ kind: 'scale', track, replicas });
}

export function ensureService(tx: Tx, obs: Observation, service: Track, track: Track, configured: boolean): void {
  if (configured && obs.services[service] !== track) tx.effect({ kind: 'routeService', service, track });
}

/**
 * Pods of the desired revision that are available, 0 while the controller has not caught up.
 * During a rolling update old pods count in `available` too: assume they all are, which gives a
 * lower bound for the new ones.
 */
export function availableOf(w: WorkloadStatus | null, revision: string): number {
  if (!w || w.revision !== revision || !w.observed) return 0;
  const old = Math.max(0, w.current - w.updated);
  return Math.max(0, Math.min(w.updated, w.available - old));
}

/** `kubectl rollout status` done: `replicas` pods of `revision`, every one available, no old pod left. */
export function isSettled(w: WorkloadStatus | null, revision: string, replicas: number): boolean {
  return !!w && w.revision === revision && w.observed && w.replicas === replicas && w.updated >= replicas && w.current <= w.updated && w.available >= replicas;
}

/** Whether each track has a Service to point (canary: stable/canaryService; blue-green: active/previewService). */
export function servicesConfigured(ctx: EngineContext): { stable: boolean; canary: boolean } {
  const s = trackServices(ctx.spec.strategy);
  return { stable: s.stable !== null, canary: s.canary !== null };
}

/** Whether a route object carries the weight (a traffic-routed canary); blue-green switches Service selectors instead. */
export function isRouted(ctx: EngineContext): boolean {
  const s = ctx.spec.strategy;
  switch (s.kind) {
    case 'canary':
      return s.trafficRouting.kind !== 'none';
    case 'blueGreen':
      return false;
    default:
      return assertNever(s, 'strategy');
  }
}

/** Writes the canary weight and exactly `additional` experiment backends unless the route object already has them. */
export function ensureWeight(tx: Tx, obs: Observation, weight: number, additional: WeightDestination[] = []): void {
  if (obs.weight !== weight || !sameDestinations(obs.additional, additional)) tx.effect({ kind: 'setWeight', weight, additional });
}

/** Same Services with the same weights, in any order. */
export function sameDestinations(a: readonly WeightDestination[], b: readonly WeightDestination[]): boolean {
  const key = (l: readonly WeightDestination[]) => JSON.stringify(l.map((d) => `${d.service}=${d.weight}`).sort());
  return key(a) === key(b);
}

/** Makes canary's header and mirror routes exactly `wanted` unless they already are. */
export function ensureRoutes(tx: Tx, obs: Observation, wanted: ManagedRoute[]): void {
  if (!routesInPlace(obs.routes, wanted)) tx.effect({ kind: 'setRoutes', routes: wanted });
}
