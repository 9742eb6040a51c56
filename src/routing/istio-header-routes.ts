/**
 * canary's own HTTP routes in an Istio VirtualService for header and mirror routes (Argo's
 * setHeaderRoute/setMirrorRoute on Istio, rollout/trafficrouting/istio/istio.go), as pure
 * functions of the VirtualService's `spec.http`.
 *
 * Ownership is the route's name, `canary.<rollout>.<route>-<digest>` (the digest is what the route
 * asks for, engine/routes.ts), where Argo uses the managed route's bare name: canary's are told
 * apart from the user's, and a route written for another match is rewritten. As Argo's orderRoutes,
 * canary's routes come first, in managedRoutes order, so that Istio's first-match picks them.
 * As Argo's createHeaderRoute: the header matches, all to the canary destination (host, subset and
 * port of the canary destination of the first weighted route). As createMirrorRoute: the mirror's
 * matches, the first weighted route's destinations (their weights follow setWeight), a `mirror` to
 * the canary destination and `mirrorPercentage`.
 */
import { routeDigest, type ManagedRoute, type RouteInPlace } from '../engine/routes.js';
import type { StringMatch } from '../manifests/types.js';
import type { Destination, VsRoute } from './istio-routes.js';

export interface OwnedRoute extends VsRoute {
  name: string;
  mirror?: Destination['destination'];
  mirrorPercentage?: { value: number };
}

const NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)-([0-9a-f]{8})$/;

export function routeName(rollout: string, route: ManagedRoute): string {
  return `canary.${rollout}.${route.name}-${routeDigest(route)}`;
}

/** The route and digest an HTTP route was written for; null for one that is not this Rollout's. */
export function parseRouteName(rollout: string, name: string | undefined): RouteInPlace | null {
  const prefix = `canary.${rollout}.`;
  if (!name?.startsWith(prefix)) return null;
  const m = NAME.exec(name.slice(prefix.length));
  return m ? { name: m[1]!, digest: m[3]! } : null;
}

export function isOwnedRoute(rollout: string, route: VsRoute): boolean {
  return parseRouteName(rollout, route.name) !== null;
}

/** canary's routes in `http`, one entry per route and digest, sorted. */
export function routesInHttp(rollout: string, http: readonly VsRoute[]): RouteInPlace[] {
  const seen = new Map<string, RouteInPlace>();
  for (const r of http) {
    const p = parseRouteName(rollout, r.name);
    if (p) seen.set(`${p.name}/${p.digest}`, p);
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.digest < b.digest ? -1 : 1));
}

/**
 * `http` with canary's routes replaced by those `routes` ask for, first and in `routes` order;
 * every other route stays as it is, in its order. `weighted` is the first route whose weights
 * canary writes: the canary destination and the mirror route's destinations come from it.
 */
export function withHeaderRoutes(rollout: string, http: readonly VsRoute[], routes: readonly ManagedRoute[], weighted: VsRoute, canary: Destination): VsRoute[] {
  const others = http.filter((r) => !isOwnedRoute(rollout, r));
  const target = structuredClone(canary.destination ?? {});
  const own = routes.map((route): OwnedRoute => {
    const name = routeName(rollout, route);
    if (route.kind === 'header') {
      const headers = Object.fromEntries(route.match.map((m) => [m.headerName, stringMatch(m.headerValue)]));
      return { name, match: [{ headers } as never], route: [{ destination: structuredClone(target), weight: 100 }] };
    }
    const match = route.match.map((m) => ({
      ...(m.method ? { method: stringMatch(m.method) } : {}),
      ...(m.path ? { uri: stringMatch(m.path) } : {}),
      ...(m.headers.length ? { headers: Object.fromEntries(m.headers.map((h) => [h.name, stringMatch(h.value)])) } : {}),
    }));
    return { name, match: match as never, route: structuredClone(weighted.route ?? []), mirror: structuredClone(target), mirrorPercentage: { value: route.percentage } };
  });
  return [...own, ...others];
}

/** Argo's StringMatch as Istio's: `{exact}`, `{prefix}` or `{regex}`. */
function stringMatch(m: StringMatch): Record<string, string> {
  return { [m.kind]: m.value };
}
