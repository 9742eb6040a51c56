/**
 * Traefik (Argo's trafficRouting.traefik): the weighted TraefikService named
 * weightedTraefikServiceName, in the Rollout's namespace, lists the stable and canary Services in
 * spec.weighted.services; canary writes their two weights (canary, 100 - canary), as Argo's
 * traefik.go does, with a JSON patch guarded by the resourceVersion so that every other field and
 * service stays as written. Traefik reports nothing back, so verifyWeight is null, as in Argo.
 */
import type { KubeClient, KubeObject, JsonPatchOp } from '../kube/client.js';
import { permissionsFor } from '../kube/permissions.js';
import type { ApiResource } from '../kube/resources.js';
import { UsageError } from '../util/errors.js';
import { apiResolver, checkServed } from './api-version.js';
import { routedServices, type RouterDefinition } from './definition.js';
import { patchGuarded } from './guarded-patch.js';
import type { TrafficRouter } from '../engine/ports.js';
import { canaryPercent, splitWeights } from './weights.js';

const GROUP = 'traefik.io';
const KIND = 'TraefikService';

const API = {
  group: GROUP,
  versions: ['v1alpha1'],
  resource: (version: string) => ({ group: GROUP, version, plural: 'traefikservices', kind: KIND, namespaced: true }),
  install: 'install Traefik v3 with its Kubernetes CRD provider (the traefik.io CRDs), or route with SMI or the Gateway API',
};

export const traefik: RouterDefinition<'traefik'> = {
  kind: 'traefik',
  objectKind: KIND,
  experimentWeights: { supported: false, why: "canary writes the TraefikService's stable and canary weights only; Argo's Traefik router ignores experiment weights too" },
  api: API,
  noManagedRoutes: 'canary writes the TraefikService weights only; Argo\'s Traefik router has no header or mirror routes either',
  describe: (r, t) => `Traefik TraefikService ${t.namespace}/${r.weightedTraefikServiceName}`,
  objects: (r) => [r.weightedTraefikServiceName],
  writes: (r, t) => [`TraefikService ${t.namespace}/${r.weightedTraefikServiceName}: the weights of the ${t.canaryService} and ${t.stableService} services only`],
  permissions: (_r, t) => permissionsFor(GROUP, 'traefikservices', ['get', 'patch'], t.namespace, 'the TraefikService weights'),
  services: () => [],
  checkApi: (client) => checkServed(client, API),
  create: (r, t, client) => new TraefikRouter({ client, namespace: t.namespace, name: r.weightedTraefikServiceName, ...routedServices(t) }),
};

export interface TraefikRouterOptions {
  client: KubeClient;
  namespace: string;
  /** The weighted TraefikService. */
  name: string;
  stableService: string;
  canaryService: string;
}

type WeightedService = { name?: string; kind?: string; namespace?: string; weight?: number };
type TraefikService = KubeObject & { spec?: { weighted?: { services?: WeightedService[] } } };

export class TraefikRouter implements TrafficRouter {
  readonly objectKind = KIND;
  private readonly api: () => Promise<ApiResource>;

  constructor(private readonly o: TraefikRouterOptions) {
    this.api = apiResolver(o.client, API);
  }

  describe(): string {
    return `${KIND} ${this.o.namespace}/${this.o.name}`;
  }

  async check(): Promise<void> {
    this.indexes(await this.read());
  }

  async getWeight(): Promise<number | null> {
    const ts = await this.read();
    const { canary, stable } = this.indexes(ts);
    const services = ts.spec!.weighted!.services!;
    // Traefik's weighted round robin counts a service without a weight as weight 1.
    return canaryPercent(services[canary]!.weight ?? 1, services[stable]!.weight ?? 1);
  }

  async setWeight(canaryWeight: number): Promise<void> {
    const [canary, stable] = splitWeights(canaryWeight);
    await patchGuarded(this.o.client, await this.api(), this.o.namespace, this.o.name, () => this.read(), (ts) => {
      const i = this.indexes(ts);
      const services = ts.spec!.weighted!.services!;
      const ops: JsonPatchOp[] = [];
      if (services[i.canary]!.weight !== canary) ops.push({ op: 'add', path: `/spec/weighted/services/${i.canary}/weight`, value: canary });
      if (services[i.stable]!.weight !== stable) ops.push({ op: 'add', path: `/spec/weighted/services/${i.stable}/weight`, value: stable });
      return ops;
    });
  }

  async verifyWeight(): Promise<boolean | null> {
    return null;
  }

  /** Argo's getService: by name among spec.weighted.services; both must be there. */
  private indexes(ts: TraefikService): { canary: number; stable: number } {
    const services = ts.spec?.weighted?.services;
    if (!services) {
      throw new UsageError(`${this.describe()} has no spec.weighted.services: canary writes the weights of a weighted TraefikService`, {
        hint: `make it a weighted round robin of ${this.o.stableService} and ${this.o.canaryService} (see examples/traefik/traefikservice.yaml)`,
      });
    }
    const canary = services.findIndex((s) => s.name === this.o.canaryService);
    const stable = services.findIndex((s) => s.name === this.o.stableService);
    const missing = [stable < 0 ? `${this.o.stableService} (stable)` : null, canary < 0 ? `${this.o.canaryService} (canary)` : null].filter((x): x is string => x !== null);
    if (missing.length === 0) return { canary, stable };
    throw new UsageError(`${this.describe()}: spec.weighted.services has no service ${missing.join(' or ')}`, {
      hint: `list both Services in spec.weighted.services (e.g. ${this.o.stableService} weight 100, ${this.o.canaryService} weight 0)`,
    });
  }

  private async read(): Promise<TraefikService> {
    const ts = await this.o.client.tryGet<TraefikService>(await this.api(), this.o.namespace, this.o.name);
    if (ts) return ts;
    throw new UsageError(`${this.describe()} not found: canary writes the weights of an existing TraefikService and does not create one`, {
      hint: 'apply it first (see examples/traefik/traefikservice.yaml), or fix trafficRouting.traefik.weightedTraefikServiceName',
    });
  }
}
