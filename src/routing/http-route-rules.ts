/**
 * canary's own HTTPRoute rules for header and mirror routes, as pure functions of the route's rules.
 *
 * Ownership is the rule's `name` (Gateway API's HTTPRouteRule.name, standard since v1.4):
 * `canary.<rollout>.<route>-<digest>-<n>`, one rule per source rule (a rule whose backendRefs name
 * both the stable and the canary Service), `n` counting them. The digest is what the route asks for
 * (engine/routes.ts), so a rule written for another match is told apart and rewritten. Removing a
 * route removes every rule whose name carries the prefix; no other rule is ever changed.
 *
 * As the Gateway API plugin (pkg/plugin/httproute.go): a header rule copies each source rule's
 * matches with the header matches added, its filters, and sends to the canary Service alone, on the
 * port the source rule uses for it; a prefix becomes a regular expression. A mirror rule (which the
 * plugin leaves as a no-op) copies the source rule, backends and weights included, narrows its
 * matches to the mirror's, and adds a RequestMirror filter with `percent` to the canary Service.
 */
import { routeDigest, type ManagedRoute, type RouteInPlace } from '../engine/routes.js';
import type { StringMatch } from '../manifests/types.js';

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface HeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface RouteMatch {
  path?: { type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; value?: string };
  method?: string;
  headers?: HeaderMatch[];
  queryParams?: unknown[];
}

export interface HttpRule {
  name?: string;
  matches?: RouteMatch[];
  filters?: Record<string, unknown>[];
  backendRefs?: BackendRef[];
  [other: string]: unknown;
}

/** Who the rules are written for. */
export interface RuleOwner {
  rollout: string;
  /** Where the Services live, for backendRefs without a namespace. */
  routeNamespace: string;
  servicesNamespace: string;
  stableService: string;
  canaryService: string;
}

const LABEL = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)-([0-9a-f]{8})-(\d+)$/;

export function ruleName(owner: Pick<RuleOwner, 'rollout'>, route: string, digest: string, n: number): string {
  return `canary.${owner.rollout}.${route}-${digest}-${n}`;
}

/** The route and digest a rule was written for; null for a rule that is not this Rollout's. */
export function parseRuleName(owner: Pick<RuleOwner, 'rollout'>, name: string | undefined): RouteInPlace | null {
  const prefix = `canary.${owner.rollout}.`;
  if (!name?.startsWith(prefix)) return null;
  // No dot after the prefix: rollout "a" never claims the rules of rollout "a.b".
  const m = LABEL.exec(name.slice(prefix.length));
  return m ? { name: m[1]!, digest: m[3]! } : null;
}

export function isOwned(owner: Pick<RuleOwner, 'rollout'>, rule: HttpRule): boolean {
  return parseRuleName(owner, rule.name) !== null;
}

/** The routes a route object holds, one entry per route and digest, sorted. */
export function routesIn(owner: Pick<RuleOwner, 'rollout'>, rules: readonly HttpRule[]): RouteInPlace[] {
  const seen = new Map<string, RouteInPlace>();
  for (const rule of rules) {
    const r = parseRuleName(owner, rule.name);
    if (r) seen.set(`${r.name}/${r.digest}`, r);
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.digest < b.digest ? -1 : 1));
}

function isService(ref: BackendRef, service: string, owner: RuleOwner): boolean {
  return ref.name === service && (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '' && (ref.namespace ?? owner.routeNamespace) === owner.servicesNamespace;
}

/** The user's rules that split between the stable and canary Services: what managed rules are made from. */
export function sourceRules(owner: RuleOwner, rules: readonly HttpRule[]): HttpRule[] {
  return rules.filter((r) => !isOwned(owner, r) && (r.backendRefs ?? []).some((b) => isService(b, owner.stableService, owner)) && (r.backendRefs ?? []).some((b) => isService(b, owner.canaryService, owner)));
}

/**
 * The rules with canary's own replaced by those `routes` ask for (appended after the others, in
 * `routes` order); every other rule stays where and as it is.
 */
export function withRoutes(owner: RuleOwner, rules: readonly HttpRule[], routes: readonly ManagedRoute[]): HttpRule[] {
  const others = rules.filter((r) => !isOwned(owner, r));
  const sources = sourceRules(owner, others);
  const added = routes.flatMap((route) => {
    const digest = routeDigest(route);
    return sources.map((source, n) => ({ name: ruleName(owner, route.name, digest, n), ...build(owner, source, route) }));
  });
  return [...others, ...added];
}

function build(owner: RuleOwner, source: HttpRule, route: ManagedRoute): Omit<HttpRule, 'name'> {
  const canaryRef = (source.backendRefs ?? []).find((b) => isService(b, owner.canaryService, owner))!;
  const canary: BackendRef = { group: '', kind: 'Service', name: owner.canaryService, ...(canaryRef.namespace !== undefined ? { namespace: canaryRef.namespace } : {}), ...(canaryRef.port !== undefined ? { port: canaryRef.port } : {}) };
  const sourceMatches: RouteMatch[] = source.matches?.length ? source.matches : [{}];
  const filters = structuredClone(source.filters ?? []);
  switch (route.kind) {
    case 'header': {
      const headers = route.match.map((m) => headerMatch(m.headerName, m.headerValue));
      return {
        matches: sourceMatches.map((m) => ({ ...structuredClone(m), headers: [...(m.headers ?? []), ...headers] })),
        filters,
        backendRefs: [canary],
      };
    }
    case 'mirror': {
      const mirror = { type: 'RequestMirror', requestMirror: { backendRef: { group: canary.group, kind: canary.kind, name: canary.name, ...(canary.namespace ? { namespace: canary.namespace } : {}), ...(canary.port !== undefined ? { port: canary.port } : {}) }, percent: route.percentage } };
      return {
        matches: sourceMatches.flatMap((s) =>
          route.match.map((m) => ({
            ...structuredClone(s),
            ...(m.path ? { path: pathMatch(m.path) } : {}),
            ...(m.method ? { method: methodMatch(m.method) } : {}),
            headers: [...(s.headers ?? []), ...m.headers.map((h) => headerMatch(h.name, h.value))],
          })),
        ),
        filters: [...filters, mirror],
        backendRefs: structuredClone(source.backendRefs ?? []),
      };
    }
  }
}

export function headerMatch(name: string, m: StringMatch): HeaderMatch {
  switch (m.kind) {
    case 'exact':
      return { type: 'Exact', name, value: m.value };
    case 'prefix':
      return { type: 'RegularExpression', name, value: `${escapeRegex(m.value)}.*` };
    case 'regex':
      return { type: 'RegularExpression', name, value: m.value };
  }
}

function pathMatch(m: StringMatch): NonNullable<RouteMatch['path']> {
  switch (m.kind) {
    case 'exact':
      return { type: 'Exact', value: m.value };
    case 'prefix':
      return { type: 'PathPrefix', value: m.value };
    case 'regex':
      return { type: 'RegularExpression', value: m.value };
  }
}

/** HTTPRoute matches a method exactly (an enum): lint refuses prefix and regex for this router. */
function methodMatch(m: StringMatch): string {
  return m.value.toUpperCase();
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
