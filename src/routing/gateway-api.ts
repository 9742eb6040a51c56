/**
 * Gateway API HTTPRoute (Argo's gatewayAPI plugin config: httpRoute(s) + namespace). The routes are
 * the user's: canary only rewrites the weights of the stable and canary backendRefs in the rules
 * that reference both (and, during a weighted experiment, its own experiment backendRefs in the first
 * of them: http-route-experiments.ts), with a JSON patch guarded by a `test` of the resourceVersion, so other rules,
 * other backends and concurrent edits by others are never overwritten. The route's parent status
 * (Accepted at the current generation) tells whether the mesh or gateway took the weights.
 */
import type { KubeClient, KubeObject, JsonPatchOp } from '../kube/client.js';
import { patchGuarded } from './guarded-patch.js';
import { permissionsFor } from '../kube/permissions.js';
import type { ApiResource } from '../kube/resources.js';
import { UsageError } from '../util/errors.js';
import { apiResolver, checkServed } from './api-version.js';
import { routedServices, type RoutesRouterDefinition } from './definition.js';
import type { RouteWriter, TrafficRouter, WeightDestination } from '../engine/ports.js';
import { Services } from '../kube/resources.js';
import { annotationOps, backendPort, experimentBackendNames, experimentBackendsIn, withExperimentBackends, type SplitRule } from './http-route-experiments.js';
import { routesInPlace, type ManagedRoute, type RouteInPlace } from '../engine/routes.js';
import { isOwned, routesIn, sourceRules, withRoutes, type BackendRef, type HttpRule, type RuleOwner } from './http-route-rules.js';
import { canaryPercent, splitWeights, stableLeft } from './weights.js';

const KIND = 'HTTPRoute';
/** Never a digest: makes routes that differ between route objects compare unequal to anything wanted. */
const MISMATCH: RouteInPlace = { name: '', digest: 'mismatch' };

const API = {
  group: 'gateway.networking.k8s.io',
  versions: ['v1', 'v1beta1'],
  resource: (version: string) => ({ group: 'gateway.networking.k8s.io', version, plural: 'httproutes', kind: KIND, namespaced: true }),
  install: 'install the Gateway API CRDs (standard channel) and a mesh or gateway that implements them',
};

/** Argo's gatewayAPI plugin: the routes live in the plugin's `namespace`, else the Rollout's. */
export const gatewayApi: RoutesRouterDefinition<'gatewayAPI'> = {
  kind: 'gatewayAPI',
  objectKind: KIND,
  // Argo's plugin: experiment backendRefs in the first rule that splits stable and canary (http-route-experiments.ts).
  experimentWeights: { supported: true },
  api: API,
  managedRoutes: { header: true, mirror: true, methodMatch: 'exact' },
  headerTargets: (r) => [...r.headerRoutes],
  describe: (r) => `Gateway API HTTPRoute ${r.httpRoutes.join(', ')}`,
  objects: (r) => [...r.httpRoutes],
  writes: (r, t) =>
    r.httpRoutes.map(
      (name) => `HTTPRoute ${name}: the weights of the ${t.canaryService} and ${t.stableService} backendRefs only${r.headerRoutes.includes(name) ? `, and its own rules canary.${t.name}.* for header and mirror routes` : ''}`,
    ),
  permissions: (r, t) => permissionsFor(API.group, 'httproutes', ['get', 'watch', 'patch'], r.namespace ?? t.namespace, 'the HTTPRoute weights'),
  services: () => [],
  checkApi: (client) => checkServed(client, API),
  create: (r, t, client) =>
    new GatewayApiRouter({
      client,
      namespace: r.namespace ?? t.namespace,
      routes: r.httpRoutes,
      headerRoutes: r.headerRoutes,
      rollout: t.name,
      servicesNamespace: t.namespace,
      ...routedServices(t),
    }),
};

export interface GatewayRouterOptions {
  client: KubeClient;
  /** Where the HTTPRoutes live (the plugin's `namespace`, else the Rollout's). */
  namespace: string;
  routes: readonly string[];
  /** The routes that get header and mirror rules (Argo's useHeaderRoutes); the others never hold canary's rules. */
  headerRoutes: readonly string[];
  /** The Rollout's name: canary's rules are named after it. */
  rollout: string;
  /** Where the Services live: the Rollout's namespace. */
  servicesNamespace: string;
  stableService: string;
  canaryService: string;
}

interface Condition {
  type: string;
  status: string;
  observedGeneration?: number;
}

type ServiceObject = KubeObject & { spec?: { ports?: { name?: string; port: number }[] } };

type HttpRoute = KubeObject & {
  spec?: { rules?: HttpRule[] };
  status?: { parents?: { conditions?: Condition[] }[] };
};

/** A rule that references both Services: where the weights are written. */
interface Managed {
  rule: number;
  stable: number;
  canary: number;
}

export class GatewayApiRouter implements TrafficRouter {
  readonly objectKind = KIND;
  readonly routes: RouteWriter;
  private readonly api: () => Promise<ApiResource>;

  constructor(private readonly o: GatewayRouterOptions) {
    this.api = apiResolver(o.client, API);
    this.routes = { inPlace: () => this.routesInPlace(), set: (routes) => this.setRoutes(routes) };
  }

  describe(): string {
    return this.o.routes.map((r) => `${KIND} ${this.o.namespace}/${r}`).join(', ');
  }

  async check(): Promise<void> {
    for (const name of this.o.routes) this.managed(name, await this.read(name));
  }

  async getWeight(): Promise<number | null> {
    const name = this.o.routes[0]!;
    const route = await this.read(name);
    const first = this.split(route, this.managed(name, route)[0]!);
    const refs = first.refs;
    const experiments = experimentBackendsIn(first, experimentBackendNames(route), this.isService).reduce((sum, d) => sum + d.weight, 0);
    return canaryPercent(refs[first.canary]!.weight ?? 1, (refs[first.stable]!.weight ?? 1) + experiments);
  }

  /** Experiment backends canary added (the first split rule of each route); a route that disagrees with the first shows as a difference. */
  readonly additional = {
    inPlace: async (): Promise<WeightDestination[]> => {
      let found: WeightDestination[] | null = null;
      for (const name of this.o.routes) {
        const route = await this.read(name);
        const here = experimentBackendsIn(this.split(route, this.managed(name, route)[0]!), experimentBackendNames(route), this.isService);
        if (found !== null && JSON.stringify(found) !== JSON.stringify(here)) return [...found, { service: '', weight: -1 }];
        found = here;
      }
      return found ?? [];
    },
  };

  async setWeight(canaryWeight: number, additional: readonly WeightDestination[] = []): Promise<void> {
    const [canary, stable] = splitWeights(canaryWeight);
    stableLeft(this.describe(), canary, additional);
    const ports = new Map<string, number>();
    for (const d of additional) ports.set(d.service, backendPort((await this.o.client.tryGet<ServiceObject>(Services, this.o.servicesNamespace, d.service))?.spec?.ports));
    const add = (d: WeightDestination): BackendRef => ({ name: d.service, namespace: this.o.servicesNamespace, port: ports.get(d.service)!, weight: d.weight });
    const api = await this.api();
    for (const name of this.o.routes) {
      await patchGuarded(this.o.client, api, this.o.namespace, name, () => this.read(name), (route) => {
        const ops: JsonPatchOp[] = [];
        const previous = experimentBackendNames(route);
        this.managed(name, route).forEach((m, i) => {
          const refs = route.spec!.rules![m.rule]!.backendRefs!;
          if (i === 0 && (additional.length > 0 || previous.length > 0)) {
            const next = withExperimentBackends(this.split(route, m), canary, additional, previous, add, this.isService);
            if (JSON.stringify(next) !== JSON.stringify(refs)) ops.push({ op: 'replace', path: `/spec/rules/${m.rule}/backendRefs`, value: next });
            return;
          }
          if (refs[m.canary]!.weight !== canary) ops.push({ op: 'add', path: `/spec/rules/${m.rule}/backendRefs/${m.canary}/weight`, value: canary });
          if (refs[m.stable]!.weight !== stable) ops.push({ op: 'add', path: `/spec/rules/${m.rule}/backendRefs/${m.stable}/weight`, value: stable });
        });
        return [...ops, ...annotationOps(route, additional.map((d) => d.service))];
      });
    }
  }

  private split(route: HttpRoute, m: Managed): SplitRule {
    return { refs: route.spec!.rules![m.rule]!.backendRefs!, stable: m.stable, canary: m.canary };
  }

  /** The ref names that Service in the Services' namespace. */
  private readonly isService = (ref: BackendRef, service: string): boolean =>
    ref.name === service && (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '' && (ref.namespace ?? this.o.namespace) === this.o.servicesNamespace;

  /** canary's rules on every route; a route that disagrees with the others shows as a difference. */
  private async routesInPlace(): Promise<RouteInPlace[]> {
    let found: RouteInPlace[] | null = null;
    for (const name of this.o.routes) {
      const here = routesIn(this.owner(), (await this.read(name)).spec?.rules ?? []);
      if (!this.o.headerRoutes.includes(name)) {
        // canary never writes here: any rule of its own is a leftover to remove.
        if (here.length > 0) return [...here, MISMATCH];
        continue;
      }
      if (found !== null && JSON.stringify(found) !== JSON.stringify(here)) return [...found, MISMATCH];
      found = here;
    }
    return found ?? [];
  }

  private async setRoutes(routes: readonly ManagedRoute[]): Promise<void> {
    const api = await this.api();
    for (const name of this.o.routes) {
      await patchGuarded(this.o.client, api, this.o.namespace, name, () => this.read(name), (route) => {
        const rules = route.spec?.rules ?? [];
        const wanted = this.o.headerRoutes.includes(name) ? routes : [];
        if (wanted.length > 0 && sourceRules(this.owner(), rules).length === 0) this.managed(name, route);
        // In place already (the API server may have defaulted fields of the rules it stored): nothing to write.
        const owned = rules.filter((r) => isOwned(this.owner(), r)).length;
        if (routesInPlace(routesIn(this.owner(), rules), wanted) && owned === wanted.length * sourceRules(this.owner(), rules).length) return [];
        return [{ op: 'replace', path: '/spec/rules', value: withRoutes(this.owner(), rules, wanted) }];
      });
    }
  }

  private owner(): RuleOwner {
    return { rollout: this.o.rollout, routeNamespace: this.o.namespace, servicesNamespace: this.o.servicesNamespace, stableService: this.o.stableService, canaryService: this.o.canaryService };
  }

  async verifyWeight(canaryWeight: number): Promise<boolean | null> {
    const [canary, stable] = splitWeights(canaryWeight);
    let unknown = false;
    for (const name of this.o.routes) {
      const route = await this.read(name);
      const names = experimentBackendNames(route);
      for (const [i, m] of this.managed(name, route).entries()) {
        const refs = route.spec!.rules![m.rule]!.backendRefs!;
        // The first split rule also carries the experiment backends: stable has what they leave.
        const experiments = i === 0 ? experimentBackendsIn(this.split(route, m), names, this.isService).reduce((sum, d) => sum + d.weight, 0) : 0;
        if ((refs[m.canary]!.weight ?? 1) !== canary || (refs[m.stable]!.weight ?? 1) !== stable - experiments) return false;
      }
      const parents = route.status?.parents ?? [];
      if (parents.length === 0) {
        unknown = true;
        continue;
      }
      const generation = route.metadata.generation ?? 0;
      for (const p of parents) {
        const accepted = p.conditions?.find((c) => c.type === 'Accepted');
        if (!accepted) {
          unknown = true;
          continue;
        }
        if (accepted.status !== 'True') return false;
        // observedGeneration is optional in metav1.Condition: without it the freshness cannot be told.
        if (accepted.observedGeneration === undefined) unknown = true;
        else if (accepted.observedGeneration < generation) return false;
      }
    }
    return unknown ? null : true;
  }

  private async read(name: string): Promise<HttpRoute> {
    const route = await this.o.client.tryGet<HttpRoute>(await this.api(), this.o.namespace, name);
    if (route) return route;
    throw new UsageError(`HTTPRoute ${this.o.namespace}/${name} not found: canary writes the weights of an existing route and does not create one`, {
      hint: `apply the route first (see examples/gateway-api/httproute.yaml), or fix trafficRouting.plugins["argoproj-labs/gatewayAPI"]`,
    });
  }

  /** The rules referencing both Services; throws when there is none. */
  private managed(name: string, route: HttpRoute): Managed[] {
    const isService = this.isService;
    const found: Managed[] = [];
    (route.spec?.rules ?? []).forEach((rule, i) => {
      const refs = rule.backendRefs ?? [];
      const stable = refs.findIndex((r) => isService(r, this.o.stableService));
      const canary = refs.findIndex((r) => isService(r, this.o.canaryService));
      if (stable >= 0 && canary >= 0) found.push({ rule: i, stable, canary });
    });
    if (found.length > 0) return found;
    throw new UsageError(
      `HTTPRoute ${this.o.namespace}/${name} has no rule with backendRefs to both Service ${this.o.stableService} and Service ${this.o.canaryService}`,
      { hint: `add both to the rule to split (e.g. ${this.o.stableService} weight 100, ${this.o.canaryService} weight 0)` },
    );
  }
}

