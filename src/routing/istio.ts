/**
 * Istio VirtualService (Argo's trafficRouting.istio): canary writes only the weights of the canary
 * and stable destinations of the managed routes (istio-routes.ts decides which), with a JSON patch
 * guarded by the resourceVersion, so every other field stays as written. With a destinationRule
 * (subset-level splitting) the canary and stable subsets select canary's track label, the role
 * Argo gives the rollouts-pod-template-hash label; other subsets and fields are left alone.
 * Header and mirror routes are canary's own HTTP routes, first in spec.http (istio-header-routes.ts).
 * Weighted experiment templates are destinations to their Services in every managed route (Argo's
 * SetWeight with additionalDestinations); canary records their names in the VirtualService's
 * annotation canary-rollouts/experiment-backends, as for an HTTPRoute, so any later runner knows them.
 * Istio reports no per-route acceptance, so verifyWeight is null, as in Argo.
 */
import type { KubeClient, KubeObject, JsonPatchOp } from '../kube/client.js';
import { TRACK_LABEL } from '../kube/ownership.js';
import { permissionsFor } from '../kube/permissions.js';
import type { ApiResource } from '../kube/resources.js';
import type { IstioDestinationRule, IstioVirtualService } from '../manifests/types.js';
import { UsageError } from '../util/errors.js';
import { apiResolver, checkServed } from './api-version.js';
import { stableLeft } from './weights.js';
import { routedServices, type RouterDefinition, type RouterTarget } from './definition.js';
import { patchGuarded, pointer } from './guarded-patch.js';
import { canaryDestination, canaryWeight, experimentDestinations, managedRoutes, RouteMismatch, weightOps, type ManagedRoute, type SplitSides, type VsSpec } from './istio-routes.js';
import type { RouteWriter, TrafficRouter, WeightDestination } from '../engine/ports.js';
import { annotationOps, experimentBackendNames } from './http-route-experiments.js';
import { routesInPlace, type ManagedRoute as StepRoute, type RouteInPlace } from '../engine/routes.js';
import { isOwnedRoute, routesInHttp, withHeaderRoutes } from './istio-header-routes.js';

const GROUP = 'networking.istio.io';
const VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];
const INSTALL = 'install Istio (its base chart carries the networking.istio.io CRDs), or route with SMI or the Gateway API';

const VS_API = {
  group: GROUP,
  versions: VERSIONS,
  resource: (version: string) => ({ group: GROUP, version, plural: 'virtualservices', kind: 'VirtualService', namespaced: true }),
  install: INSTALL,
};

const DR_API = {
  group: GROUP,
  versions: VERSIONS,
  resource: (version: string) => ({ group: GROUP, version, plural: 'destinationrules', kind: 'DestinationRule', namespaced: true }),
  install: INSTALL,
};

type Istio = Parameters<RouterDefinition<'istio'>['describe']>[0];

/** Argo's GetVirtualServiceNamespaceName: `name.namespace` (a namespace has no dots), `.cluster.local` stripped; else the Rollout's namespace. */
export function virtualServiceRef(name: string, namespace: string): { namespace: string; name: string } {
  const parts = name.replace(/\.cluster\.local$/, '').split('.');
  if (parts.length < 2) return { namespace, name };
  return { namespace: parts.at(-1)!, name: parts.slice(0, -1).join('.') };
}

const refs = (r: Istio, t: RouterTarget) => r.virtualServices.map((v) => virtualServiceRef(v.name, t.namespace));

function selectorText(v: IstioVirtualService): string {
  const parts = [
    ...(v.routes.length ? [`routes ${v.routes.join(', ')}`] : []),
    ...v.tlsRoutes.map((t) => `TLS port ${t.port ?? 0}${t.sniHosts.length ? ` SNI ${t.sniHosts.join(', ')}` : ''}`),
    ...v.tcpRoutes.map((t) => `TCP port ${t.port ?? 0}`),
  ];
  return parts.length ? parts.join('; ') : 'its only route';
}

export const istio: RouterDefinition<'istio'> = {
  kind: 'istio',
  objectKind: 'VirtualService',
  // Argo's Istio router: one destination per weighted template's Service in each managed route, host- and subset-level alike.
  experimentWeights: { supported: true },
  api: VS_API,
  managedRoutes: { header: true, mirror: true, methodMatch: 'any' },
  // As Argo: every VirtualService of the Rollout gets the header and mirror routes.
  headerTargets: (r, t) => refs(r, t).map((x) => (x.namespace === t.namespace ? x.name : `${x.name}.${x.namespace}`)),
  describe: (r, t) =>
    `Istio VirtualService ${refs(r, t).map((x) => `${x.namespace}/${x.name}`).join(', ')}` +
    (r.destinationRule ? ` (DestinationRule ${t.namespace}/${r.destinationRule.name}, subsets ${r.destinationRule.canarySubsetName}/${r.destinationRule.stableSubsetName})` : ''),
  objects: (r, t) => refs(r, t).map((x) => (x.namespace === t.namespace ? x.name : `${x.name}.${x.namespace}`)),
  writes: (r, t) => [
    ...r.virtualServices.map((v) => {
      const x = virtualServiceRef(v.name, t.namespace);
      const sides = r.destinationRule ? `subsets ${r.destinationRule.canarySubsetName} / ${r.destinationRule.stableSubsetName}` : `hosts ${t.canaryService ?? '?'} / ${t.stableService ?? '?'}`;
      return `VirtualService ${x.namespace}/${x.name}: the weights of the ${sides} destinations in ${selectorText(v)}, a destination per weighted experiment template (listed in annotation canary-rollouts/experiment-backends), and its own HTTP routes canary.${t.name}.* for header and mirror routes`;
    }),
    ...(r.destinationRule
      ? [`DestinationRule ${t.namespace}/${r.destinationRule.name}: label ${TRACK_LABEL} of subsets ${r.destinationRule.canarySubsetName} (canary) and ${r.destinationRule.stableSubsetName} (stable)`]
      : []),
  ],
  permissions: (r, t) => [
    ...[...new Set(refs(r, t).map((x) => x.namespace))].flatMap((ns) => permissionsFor(GROUP, 'virtualservices', ['get', 'watch', 'patch'], ns, 'the VirtualService weights')),
    ...(r.destinationRule ? permissionsFor(GROUP, 'destinationrules', ['get', 'patch'], t.namespace, 'the DestinationRule subset labels') : []),
  ],
  services: () => [],
  checkApi: (client) => checkServed(client, VS_API),
  create: (r, t, client) =>
    new IstioRouter({
      client,
      rollout: t.name,
      namespace: t.namespace,
      virtualServices: r.virtualServices,
      destinationRule: r.destinationRule,
      // Subset-level splitting needs no Services (Argo's rule); host-level needs both.
      ...(r.destinationRule ? { stableService: t.stableService, canaryService: t.canaryService } : routedServices(t)),
    }),
};

export interface IstioRouterOptions {
  client: KubeClient;
  /** Names canary's own header and mirror routes (canary.<rollout>.*). */
  rollout: string;
  /** The Rollout's namespace: the DestinationRule's, and the VirtualServices' unless named `name.namespace`. */
  namespace: string;
  virtualServices: readonly IstioVirtualService[];
  destinationRule: IstioDestinationRule | null;
  stableService: string | null;
  canaryService: string | null;
}

type VirtualService = KubeObject & { spec?: VsSpec };
type DestinationRule = KubeObject & { spec?: { subsets?: { name?: string; labels?: Record<string, string> }[] } };

/** Never a digest: routes that differ between VirtualServices compare unequal to anything wanted. */
const MISMATCH: RouteInPlace = { name: '', digest: 'differs-between-virtualservices' };

export class IstioRouter implements TrafficRouter {
  readonly objectKind = 'VirtualService';
  readonly routes: RouteWriter;
  private readonly vsApi: () => Promise<ApiResource>;
  private readonly drApi: () => Promise<ApiResource>;
  private readonly sides: SplitSides;

  constructor(private readonly o: IstioRouterOptions) {
    this.vsApi = apiResolver(o.client, VS_API);
    this.drApi = apiResolver(o.client, DR_API);
    const dr = o.destinationRule;
    this.sides = {
      canaryService: o.canaryService,
      stableService: o.stableService,
      canarySubset: dr?.canarySubsetName ?? null,
      stableSubset: dr?.stableSubsetName ?? null,
      additionalSubsets: dr?.additionalSubsetNames ?? [],
    };
    this.routes = { inPlace: () => this.routesInPlace(), set: (routes) => this.setRoutes(routes) };
  }

  describe(): string {
    return this.o.virtualServices.map((v) => {
      const x = virtualServiceRef(v.name, this.o.namespace);
      return `VirtualService ${x.namespace}/${x.name}`;
    }).join(', ');
  }

  async check(): Promise<void> {
    for (const v of this.o.virtualServices) this.managed(v, await this.readVs(v));
    if (this.o.destinationRule) this.subsetIndexes(await this.readDr());
  }

  async getWeight(): Promise<number | null> {
    const v = this.o.virtualServices[0]!;
    const vs = await this.readVs(v);
    return canaryWeight(vs.spec ?? {}, this.managed(v, vs), this.sides, experimentBackendNames(vs));
  }

  /** Experiment destinations canary added (first managed route of each VirtualService); a VirtualService that disagrees with the first shows as a difference. */
  readonly additional = {
    inPlace: async (): Promise<WeightDestination[]> => {
      let found: WeightDestination[] | null = null;
      for (const v of this.o.virtualServices) {
        const vs = await this.readVs(v);
        const here = experimentDestinations(vs.spec ?? {}, this.managed(v, vs), experimentBackendNames(vs));
        if (found !== null && JSON.stringify(found) !== JSON.stringify(here)) return [...found, { service: '', weight: -1 }];
        found = here;
      }
      return found ?? [];
    },
  };

  async setWeight(weight: number, additional: readonly WeightDestination[] = []): Promise<void> {
    const canary = Math.round(weight);
    if (!Number.isFinite(weight) || canary < 0 || canary > 100) throw new RangeError(`canary weight must be within 0..100, got ${weight}`);
    stableLeft(this.describe(), canary, additional);
    // Subsets first: a weight on a subset that does not select the track yet would send requests nowhere.
    if (this.o.destinationRule) await this.labelSubsets();
    for (const v of this.o.virtualServices) {
      const x = virtualServiceRef(v.name, this.o.namespace);
      await patchGuarded(this.o.client, await this.vsApi(), x.namespace, x.name, () => this.readVs(v), (vs) => [
        ...weightOps(vs.spec ?? {}, this.managed(v, vs), this.sides, canary, additional),
        ...annotationOps(vs, additional.map((d) => d.service)),
      ]);
    }
  }

  async verifyWeight(): Promise<boolean | null> {
    return null;
  }

  private async routesInPlace(): Promise<RouteInPlace[]> {
    let found: RouteInPlace[] | null = null;
    for (const v of this.o.virtualServices) {
      const here = routesInHttp(this.o.rollout, (await this.readVs(v)).spec?.http ?? []);
      if (found !== null && JSON.stringify(found) !== JSON.stringify(here)) return [...found, MISMATCH];
      found = here;
    }
    return found ?? [];
  }

  private async setRoutes(routes: readonly StepRoute[]): Promise<void> {
    for (const v of this.o.virtualServices) {
      const x = virtualServiceRef(v.name, this.o.namespace);
      await patchGuarded(this.o.client, await this.vsApi(), x.namespace, x.name, () => this.readVs(v), (vs) => {
        const http = vs.spec?.http ?? [];
        const owned = http.filter((r) => isOwnedRoute(this.o.rollout, r)).length;
        if (routesInPlace(routesInHttp(this.o.rollout, http), routes) && owned === routes.length) return [];
        if (routes.length === 0) return [{ op: 'replace', path: '/spec/http', value: http.filter((r) => !isOwnedRoute(this.o.rollout, r)) }];
        const weighted = this.managed(v, vs).find((m) => m.kind === 'http');
        const source = weighted && http[weighted.index];
        const canary = source && canaryDestination(source, this.sides);
        if (!source || !canary) {
          throw new UsageError(`VirtualService ${x.namespace}/${x.name} has no HTTP route to the canary for header and mirror routes to copy`, {
            hint: 'header and mirror routes on Istio need an HTTP route whose weights canary writes (virtualService.routes)',
          });
        }
        return [{ op: 'replace', path: '/spec/http', value: withHeaderRoutes(this.o.rollout, http, routes, source, canary) }];
      });
    }
  }

  private async labelSubsets(): Promise<void> {
    const dr = this.o.destinationRule!;
    await patchGuarded(this.o.client, await this.drApi(), this.o.namespace, dr.name, () => this.readDr(), (current) => {
      const { canary, stable } = this.subsetIndexes(current);
      const ops: JsonPatchOp[] = [];
      for (const [i, track] of [[canary, 'canary'], [stable, 'stable']] as const) {
        const labels = current.spec!.subsets![i]!.labels;
        if (!labels) ops.push({ op: 'add', path: `/spec/subsets/${i}/labels`, value: { [TRACK_LABEL]: track } });
        else if (labels[TRACK_LABEL] !== track) ops.push({ op: 'add', path: `/spec/subsets/${i}/labels/${pointer(TRACK_LABEL)}`, value: track });
      }
      return ops;
    });
  }

  private managed(v: IstioVirtualService, vs: VirtualService): ManagedRoute[] {
    const x = virtualServiceRef(v.name, this.o.namespace);
    try {
      const managed = managedRoutes(vs.spec ?? {}, v, this.sides, (r) => isOwnedRoute(this.o.rollout, r));
      if (managed.length > 0) return managed;
      throw new RouteMismatch('it has no HTTP, TLS or TCP route to split');
    } catch (err) {
      if (!(err instanceof RouteMismatch)) throw err;
      throw new UsageError(`VirtualService ${x.namespace}/${x.name}: ${err.message}`, {
        hint: `fix the VirtualService or trafficRouting.istio (each managed route needs a destination for ${this.sidesText()}; see examples/istio/virtualservice.yaml)`,
      });
    }
  }

  private sidesText(): string {
    const s = this.sides;
    return s.canarySubset ? `subset ${s.canarySubset} and subset ${s.stableSubset}` : `host ${s.canaryService} and host ${s.stableService}`;
  }

  private subsetIndexes(dr: DestinationRule): { canary: number; stable: number } {
    const want = this.o.destinationRule!;
    const subsets = dr.spec?.subsets ?? [];
    const canary = subsets.findIndex((s) => s.name === want.canarySubsetName);
    const stable = subsets.findIndex((s) => s.name === want.stableSubsetName);
    const missing = [canary < 0 ? want.canarySubsetName : null, stable < 0 ? want.stableSubsetName : null].filter((x): x is string => x !== null);
    if (missing.length === 0) return { canary, stable };
    throw new UsageError(`DestinationRule ${this.o.namespace}/${want.name} has no subset ${missing.map((m) => `"${m}"`).join(' or ')}`, {
      hint: 'add the canary and stable subsets to the DestinationRule (canary sets their labels), or fix trafficRouting.istio.destinationRule',
    });
  }

  private async readVs(v: IstioVirtualService): Promise<VirtualService> {
    const x = virtualServiceRef(v.name, this.o.namespace);
    const vs = await this.o.client.tryGet<VirtualService>(await this.vsApi(), x.namespace, x.name);
    if (vs) return vs;
    throw new UsageError(`VirtualService ${x.namespace}/${x.name} not found: canary writes the weights of an existing VirtualService and does not create one`, {
      hint: 'apply it first (see examples/istio/virtualservice.yaml), or fix trafficRouting.istio.virtualService.name',
    });
  }

  private async readDr(): Promise<DestinationRule> {
    const name = this.o.destinationRule!.name;
    const dr = await this.o.client.tryGet<DestinationRule>(await this.drApi(), this.o.namespace, name);
    if (dr) return dr;
    throw new UsageError(`DestinationRule ${this.o.namespace}/${name} not found: canary labels the subsets of an existing DestinationRule and does not create one`, {
      hint: 'apply it first, or fix trafficRouting.istio.destinationRule.name',
    });
  }
}
