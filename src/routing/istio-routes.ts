/**
 * Which routes of an Istio VirtualService carry the canary's weight, and the JSON patch that sets
 * it, as Argo Rollouts decides (rollout/trafficrouting/istio/istio.go). Pure: the adapter reads the
 * object, these functions answer, the adapter writes. Argo's rules kept here:
 * - HTTP routes are named in `routes`; without names the VirtualService must have exactly one HTTP
 *   route. TLS and TCP routes are matched by port (and SNI hosts for TLS); without a selector the
 *   first route of that kind is managed. A kind the VirtualService lacks is skipped.
 * - A destination is the canary's when its host (up to the first dot) is the canary Service or its
 *   subset is the DestinationRule's canary subset; the same for stable. The stable side gets what is
 *   left after the canary and the additional subsets' unchanged weights.
 * - Experiment destinations (Argo's additionalDestinations) are matched by host too: each weighted
 *   template's Service gets its weight, appended as a host-only destination when missing (Argo adds
 *   no subset or port, in host- and subset-level splitting alike); stable gets what canary, the
 *   experiments and the additional subsets leave, never below 0.
 * - Any other destination of a managed route is removed (Argo's leftover-experiment cleanup), so
 *   that the route's weights still add up to 100.
 */
import type { JsonPatchOp } from '../kube/client.js';
import type { WeightDestination } from '../engine/ports.js';

export type RouteKind = 'http' | 'tls' | 'tcp';

export interface Destination {
  destination?: { host?: string; subset?: string };
  weight?: number;
}

export interface VsRoute {
  name?: string;
  match?: { port?: number; sniHosts?: string[] }[];
  route?: Destination[];
}

export interface VsSpec {
  http?: VsRoute[];
  tls?: VsRoute[];
  tcp?: VsRoute[];
}

/** What the Rollout says about one VirtualService's routes (Argo's IstioVirtualService). */
export interface RouteSelector {
  routes: readonly string[];
  tlsRoutes: readonly { port: number | null; sniHosts: readonly string[] }[];
  tcpRoutes: readonly { port: number | null }[];
}

/** The two sides of the split: host-level (Services) and, with a DestinationRule, subset-level. */
export interface SplitSides {
  /** null with subset-level splitting and no Services (Argo allows it). */
  canaryService: string | null;
  stableService: string | null;
  canarySubset: string | null;
  stableSubset: string | null;
  additionalSubsets: readonly string[];
}

export interface ManagedRoute {
  kind: RouteKind;
  index: number;
}

/** The VirtualService does not have what the Rollout names; the message says what is missing. */
export class RouteMismatch extends Error {}

/** The managed routes of every kind the VirtualService has; throws RouteMismatch when one cannot be told or lacks a side. */
export function managedRoutes(spec: VsSpec, selector: RouteSelector, sides: SplitSides, owned: (route: VsRoute) => boolean = () => false): ManagedRoute[] {
  const out: ManagedRoute[] = [];
  if (spec.http) {
    // canary's own header and mirror routes are not the user's: they are neither selected nor counted.
    const userIdx = spec.http.flatMap((r, i) => (owned(r) ? [] : [i]));
    const users = userIdx.map((i) => spec.http![i]!);
    const idx = httpIndexes(selector.routes, users).map((j) => userIdx[j]!);
    if (selector.routes.length === 0 && users.length > 1) {
      throw new RouteMismatch(`it has ${users.length} HTTP routes: name the ones to split in virtualService.routes`);
    }
    out.push(...idx.map((index) => ({ kind: 'http' as const, index })));
    // canary's mirror routes carry the weighted route's destinations: their weights follow, as Argo's SetWeight does for managed mirror routes.
    spec.http.forEach((r, index) => {
      if (owned(r) && (r as { mirror?: unknown }).mirror !== undefined) out.push({ kind: 'http', index });
    });
  }
  if (spec.tls) {
    const idx = selector.tlsRoutes.length === 0 ? [0] : selector.tlsRoutes.flatMap((want) => matchIndexes(spec.tls!, want.port ?? 0, want.sniHosts, 'TLS'));
    if (selector.tlsRoutes.length === 0 && spec.tls.length > 1) {
      throw new RouteMismatch(`it has ${spec.tls.length} TLS routes: select the ones to split in virtualService.tlsRoutes (port, sniHosts)`);
    }
    out.push(...idx.filter((i) => i < spec.tls!.length).map((index) => ({ kind: 'tls' as const, index })));
  }
  if (spec.tcp) {
    const idx = selector.tcpRoutes.length === 0 ? [0] : selector.tcpRoutes.flatMap((want) => matchIndexes(spec.tcp!, want.port ?? 0, null, 'TCP'));
    if (selector.tcpRoutes.length === 0 && spec.tcp.length > 1) {
      throw new RouteMismatch(`it has ${spec.tcp.length} TCP routes: select the ones to split in virtualService.tcpRoutes (port)`);
    }
    out.push(...idx.filter((i) => i < spec.tcp!.length).map((index) => ({ kind: 'tcp' as const, index })));
  }
  for (const m of out) checkSides(routeOf(spec, m), m, sides);
  return out;
}

/**
 * The canary's share of the first managed route, in percent; null when nothing is managed.
 * `experiments`: the hosts of the experiment destinations canary added, which count in the total.
 */
export function canaryWeight(spec: VsSpec, managed: readonly ManagedRoute[], sides: SplitSides, experiments: readonly string[] = []): number | null {
  const first = managed[0];
  if (!first) return null;
  let canary = 0;
  let total = 0;
  for (const d of routeOf(spec, first).route ?? []) {
    const side = sideOf(d, sides, experiments);
    if (side === 'canary') canary += d.weight ?? 0;
    if (side !== 'other') total += d.weight ?? 0;
  }
  return total <= 0 ? 0 : Math.round((canary / total) * 10_000) / 100;
}

/** The weights of the experiment destinations named in `hosts` in the first managed route, as it has them. */
export function experimentDestinations(spec: VsSpec, managed: readonly ManagedRoute[], hosts: readonly string[]): WeightDestination[] {
  const first = managed[0];
  if (!first) return [];
  const route = routeOf(spec, first).route ?? [];
  return hosts.flatMap((service) => {
    const d = route.find((x) => hostName(x) === service);
    return d ? [{ service, weight: d.weight ?? 0 }] : [];
  });
}

/**
 * The JSON patch operations that give the managed routes `canary` percent and exactly the experiment
 * destinations `experiments` (Argo's processRoutes); empty when they already have them.
 */
export function weightOps(spec: VsSpec, managed: readonly ManagedRoute[], sides: SplitSides, canary: number, experiments: readonly WeightDestination[] = []): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const wanted = new Map(experiments.map((d) => [d.service, d.weight]));
  const hosts = [...wanted.keys()];
  const experimentTotal = experiments.reduce((sum, d) => sum + d.weight, 0);
  for (const m of managed) {
    const destinations = routeOf(spec, m).route ?? [];
    const kept = destinations.filter((d) => sideOf(d, sides) === 'additional').reduce((sum, d) => sum + (d.weight ?? 0), 0);
    const stable = Math.max(0, 100 - canary - experimentTotal - kept);
    const removals: number[] = [];
    const missing = new Set(hosts);
    destinations.forEach((d, i) => {
      const side = sideOf(d, sides, hosts);
      const path = `/spec/${m.kind}/${m.index}/route/${i}/weight`;
      if (side === 'canary' && d.weight !== canary) ops.push({ op: 'add', path, value: canary });
      else if (side === 'stable' && d.weight !== stable) ops.push({ op: 'add', path, value: stable });
      else if (side === 'experiment') {
        // A second destination to the same experiment host would count it twice: Argo keeps the first.
        if (!missing.delete(hostName(d))) removals.push(i);
        else if (d.weight !== wanted.get(hostName(d))) ops.push({ op: 'add', path, value: wanted.get(hostName(d))! });
      } else if (side === 'other') removals.push(i);
    });
    // Appended in name order, as Argo sorts them, so the route does not depend on the templates' order.
    for (const host of [...missing].sort()) ops.push({ op: 'add', path: `/spec/${m.kind}/${m.index}/route/-`, value: { destination: { host }, weight: wanted.get(host)! } });
    // Highest index first, so that each removal leaves the next one's index valid (appends went to the end).
    for (const i of removals.reverse()) ops.push({ op: 'remove', path: `/spec/${m.kind}/${m.index}/route/${i}` });
  }
  return ops;
}

/** The canary's destination in a route (the first one that is the canary's). */
export function canaryDestination(route: VsRoute, sides: SplitSides): Destination | undefined {
  return (route.route ?? []).find((d) => sideOf(d, sides) === 'canary');
}

/** Argo's getHost: the part before the first dot (`myapp.apps.svc.cluster.local` is `myapp`); a leading dot gives none. */
export function hostName(d: Destination): string {
  const host = d.destination?.host ?? '';
  const dot = host.indexOf('.');
  return dot < 0 ? host : dot === 0 ? '' : host.slice(0, dot);
}

type Side = 'canary' | 'stable' | 'experiment' | 'additional' | 'other' | 'none';

/** `experiments`: hosts of experiment destinations (Argo matches them by host, after canary and stable). */
function sideOf(d: Destination, s: SplitSides, experiments: readonly string[] = []): Side {
  const host = hostName(d);
  if (host === '') return 'none';
  const subset = d.destination?.subset ?? '';
  if (host === s.canaryService || (subset !== '' && subset === s.canarySubset)) return 'canary';
  if (host === s.stableService || (subset !== '' && subset === s.stableSubset)) return 'stable';
  if (experiments.includes(host)) return 'experiment';
  if (subset !== '' && s.additionalSubsets.includes(subset)) return 'additional';
  return 'other';
}

function routeOf(spec: VsSpec, m: ManagedRoute): VsRoute {
  return spec[m.kind]![m.index]!;
}

function label(m: ManagedRoute, route: VsRoute): string {
  if (m.kind === 'http') return route.name ? `HTTP route "${route.name}"` : `HTTP route ${m.index}`;
  return `${m.kind.toUpperCase()} route ${m.index}`;
}

/** Argo's getHttpRouteIndexesToPatch: by name; without names the only route, else the first unnamed one. */
function httpIndexes(names: readonly string[], routes: readonly VsRoute[]): number[] {
  if (names.length === 0) {
    if (routes.length === 1) return [0];
    const unnamed = routes.findIndex((r) => !r.name);
    return unnamed < 0 ? [] : [unnamed];
  }
  return names.map((name) => {
    const i = routes.findIndex((r) => r.name === name);
    if (i < 0) throw new RouteMismatch(`it has no HTTP route named "${name}" (it has ${routes.map((r) => (r.name ? `"${r.name}"` : '(unnamed)')).join(', ') || 'none'})`);
    return i;
  });
}

/**
 * Argo's searchTlsRoute/searchTcpRoute: a route matches when all its match blocks name the same single
 * port (none counts as 0) equal to the wanted one and, for TLS, its SNI hosts are the wanted set.
 */
function matchIndexes(routes: readonly VsRoute[], port: number, sniHosts: readonly string[] | null, kind: 'TLS' | 'TCP'): number[] {
  const found: number[] = [];
  routes.forEach((route, i) => {
    const ports = new Set((route.match ?? []).map((m) => m.port ?? 0));
    if (ports.size > 1) return;
    const only = ports.size === 0 ? 0 : [...ports][0]!;
    if (only !== port) return;
    if (sniHosts !== null) {
      const hosts = new Set((route.match ?? []).flatMap((m) => m.sniHosts ?? []));
      if (hosts.size !== new Set(sniHosts).size || !sniHosts.every((h) => hosts.has(h))) return;
    }
    found.push(i);
  });
  if (found.length === 0) {
    const what = sniHosts !== null && sniHosts.length ? `port ${port} and SNI hosts ${sniHosts.join(', ')}` : `port ${port}`;
    throw new RouteMismatch(`it has no ${kind} route matching ${what}`);
  }
  return found;
}

/** Argo's validateVirtualServiceRouteDestinations: both sides present, by subset with a DestinationRule, else by host. */
function checkSides(route: VsRoute, m: ManagedRoute, s: SplitSides): void {
  const ds = route.route ?? [];
  const where = label(m, route);
  if (s.canarySubset !== null && s.stableSubset !== null) {
    if (!ds.some((d) => d.destination?.subset === s.canarySubset)) throw new RouteMismatch(`its ${where} has no destination with the canary subset "${s.canarySubset}"`);
    if (!ds.some((d) => d.destination?.subset === s.stableSubset)) throw new RouteMismatch(`its ${where} has no destination with the stable subset "${s.stableSubset}"`);
    return;
  }
  if (!ds.some((d) => hostName(d) === s.canaryService)) throw new RouteMismatch(`its ${where} has no destination with host ${s.canaryService} (the canary Service)`);
  if (!ds.some((d) => hostName(d) === s.stableService)) throw new RouteMismatch(`its ${where} has no destination with host ${s.stableService} (the stable Service)`);
}
