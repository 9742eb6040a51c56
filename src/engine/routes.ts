/**
 * Header and mirror routes (Argo's managedRoutes): which ones the steps ask for at a step, and how
 * the ones in place are told apart. A route set by a step stays until a later step of the same name
 * removes it (a step without match) or the run leaves the steps: promotion, abort, rollback.
 */
import { createHash } from 'node:crypto';
import type { CanaryStrategy, HeaderRouteMatch, RequestMatch } from '../manifests/types.js';
import { routeChanges } from '../manifests/steps.js';
import { canonicalJson } from './revision.js';

export type ManagedRoute =
  /** Requests matching every header go to the canary Service only. */
  | { kind: 'header'; name: string; match: HeaderRouteMatch[] }
  /** `percentage` of the requests matching one of `match` are copied to the canary Service; its answers are dropped. */
  | { kind: 'mirror'; name: string; percentage: number; match: RequestMatch[] };

/** A route as found on the route object: its name and the digest of what was written. */
export interface RouteInPlace {
  name: string;
  digest: string;
}

/** The routes in effect at `stepIndex` (the step itself included), in managedRoutes order; none past the last step. */
export function routesAt(strategy: Pick<CanaryStrategy, 'steps' | 'managedRoutes'>, stepIndex: number): ManagedRoute[] {
  if (stepIndex >= strategy.steps.length) return [];
  const set = new Map<string, ManagedRoute>();
  for (const change of strategy.steps.slice(0, stepIndex + 1).flatMap(routeChanges)) {
    if (!change.match) set.delete(change.name);
    else if (change.kind === 'setHeaderRoute') set.set(change.name, { kind: 'header', name: change.name, match: change.match });
    else set.set(change.name, { kind: 'mirror', name: change.name, percentage: change.percentage, match: change.match });
  }
  const order = strategy.managedRoutes.map((m) => m.name);
  return [...set.values()].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
}

/** Eight hex digits of what the route asks for: a route rewritten with another match gets another digest. */
export function routeDigest(route: ManagedRoute): string {
  return createHash('sha256').update(canonicalJson(route)).digest('hex').slice(0, 8);
}

/** Whether the routes in place are exactly `wanted` (names and contents); null in place means the router has none. */
export function routesInPlace(inPlace: readonly RouteInPlace[] | null, wanted: readonly ManagedRoute[]): boolean {
  const have = inPlace ?? [];
  if (have.length !== wanted.length) return false;
  const keys = new Set(have.map((r) => `${r.name}/${r.digest}`));
  return wanted.every((r) => keys.has(`${r.name}/${routeDigest(r)}`));
}
