/**
 * SMI TrafficSplit, as Argo Rollouts writes it: named trafficSplitName (default: the Rollout's
 * name), `spec.service` = rootService (default: stableService), backends canary FIRST, then one per
 * weighted experiment template (its Service), then stable with what the others leave of 100. canary creates the split and marks it; a split it did not create is
 * refused unless adopted. Updates are merge patches of the whole backends list (arrays are
 * replaced whole). The data plane gives no feedback, so verifyWeight is null.
 */
import type { KubeClient, KubeObject } from '../kube/client.js';
import { retryConflicts } from '../kube/conflict.js';
import { claim, markerLabels } from '../kube/ownership.js';
import { permissionsFor } from '../kube/permissions.js';
import { apiVersionOf } from '../kube/resources.js';
import { UsageError } from '../util/errors.js';
import { apiResolver, checkServed } from './api-version.js';
import { routedServices, type RouterDefinition, type RouterTarget } from './definition.js';
import type { TrafficRouter, WeightDestination } from '../engine/ports.js';
import { canaryPercent, splitWeights, stableLeft, weightValue } from './weights.js';

const KIND = 'TrafficSplit';

const API = {
  group: 'split.smi-spec.io',
  /** linkerd-smi serves v1alpha1 and v1alpha2; v1alpha2 has integer weights. */
  versions: ['v1alpha2', 'v1alpha3', 'v1alpha1'],
  resource: (version: string) => ({ group: 'split.smi-spec.io', version, plural: 'trafficsplits', kind: KIND, namespaced: true }),
  install: 'install linkerd-smi (`linkerd smi install | kubectl apply -f -`) or route with the Gateway API',
};

type Smi = Parameters<RouterDefinition<'smi'>['describe']>[0];
const splitName = (r: Smi, t: RouterTarget) => r.trafficSplitName ?? t.name;
const rootService = (r: Smi, t: RouterTarget) => r.rootService ?? t.stableService;

export const smi: RouterDefinition<'smi'> = {
  kind: 'smi',
  objectKind: KIND,
  // Argo's SMI router: one more backend per weighted experiment template, stable keeps the rest.
  experimentWeights: { supported: true },
  noManagedRoutes: 'a TrafficSplit splits by weight only; SMI has no header routes, and Argo\'s SMI router ignores setHeaderRoute and setMirrorRoute',
  api: API,
  describe: (r, t) => `SMI TrafficSplit ${t.namespace}/${splitName(r, t)} (root Service ${rootService(r, t)})`,
  objects: (r, t) => [splitName(r, t)],
  writes: (r, t) => [`TrafficSplit ${t.namespace}/${splitName(r, t)}: backends ${t.canaryService} / ${t.stableService}`],
  permissions: (_r, t) => permissionsFor(API.group, 'trafficsplits', ['get', 'watch', 'create', 'patch'], t.namespace, 'the TrafficSplit weights'),
  services: (r, t) => [rootService(r, t)].filter((s): s is string => !!s),
  checkApi: (client) => checkServed(client, API),
  create: (r, t, client, options) =>
    new SmiRouter({
      client,
      namespace: t.namespace,
      rollout: t.name,
      trafficSplitName: r.trafficSplitName,
      rootService: r.rootService,
      ...routedServices(t),
      adopt: options.adopt ?? false,
    }),
};

export interface SmiRouterOptions {
  client: KubeClient;
  namespace: string;
  rollout: string;
  trafficSplitName: string | null;
  rootService: string | null;
  stableService: string;
  canaryService: string;
  /** Take over a TrafficSplit canary did not create (adds the marker on the next write). */
  adopt?: boolean;
}

export interface Backend {
  service: string;
  weight: number | string;
}

type TrafficSplit = KubeObject & { spec?: { service?: string; backends?: Backend[] } };

export class SmiRouter implements TrafficRouter {
  readonly objectKind = KIND;
  private readonly name: string;
  private readonly service: string;
  private readonly api: ReturnType<typeof apiResolver>;

  constructor(private readonly o: SmiRouterOptions) {
    this.name = o.trafficSplitName ?? o.rollout;
    this.service = o.rootService ?? o.stableService;
    this.api = apiResolver(o.client, API);
  }

  describe(): string {
    return `TrafficSplit ${this.o.namespace}/${this.name}`;
  }

  async check(): Promise<void> {
    const split = await this.read();
    if (!split) return;
    claim(split, this.describe(), this.o.adopt ?? false);
    const service = split.spec?.service;
    if (service && service !== this.service) {
      throw new UsageError(`${this.describe()} splits Service ${service}, but the Rollout's root service is ${this.service}`, {
        hint: 'set trafficRouting.smi.rootService (or trafficSplitName) so that they agree',
      });
    }
  }

  async getWeight(): Promise<number | null> {
    const split = await this.read();
    if (!split) return null;
    const backends = split.spec?.backends ?? [];
    const value = (s: string) => backends.filter((b) => b.service === s).reduce((sum, b) => sum + (weightValue(b.weight) ?? 0), 0);
    const others = backends.filter((b) => b.service !== this.o.canaryService).reduce((sum, b) => sum + (weightValue(b.weight) ?? 0), 0);
    return canaryPercent(value(this.o.canaryService), others);
  }

  async setWeight(canaryWeight: number, additional: readonly WeightDestination[] = []): Promise<void> {
    const backends = smiBackends(this.o, canaryWeight, additional, this.describe());
    const api = await this.api();
    const { client, namespace } = this.o;
    await retryConflicts({ what: this.describe() }, async () => {
      const split = await client.tryGet<TrafficSplit>(api, namespace, this.name);
      if (!split) {
        const body = {
          apiVersion: apiVersionOf(api),
          kind: KIND,
          metadata: { name: this.name, namespace, labels: markerLabels(this.o.rollout) },
          spec: { service: this.service, backends },
        };
        await client.create(api, namespace, body);
        return;
      }
      const how = claim(split, this.describe(), this.o.adopt ?? false);
      if (how === 'ours' && split.spec?.service === this.service && sameBackends(split.spec.backends ?? [], backends)) return;
      const metadata = how === 'adopt' ? { labels: markerLabels(this.o.rollout) } : undefined;
      await client.patch(api, namespace, this.name, { type: 'merge', body: { metadata, spec: { service: this.service, backends } } });
    });
  }

  async verifyWeight(): Promise<boolean | null> {
    return null;
  }

  /** canary owns the split: every backend besides the canary and stable Services is an experiment's. */
  readonly additional = {
    inPlace: async (): Promise<WeightDestination[]> => {
      const split = await this.read();
      return (split?.spec?.backends ?? [])
        .filter((b) => b.service !== this.o.canaryService && b.service !== this.o.stableService)
        .map((b) => ({ service: b.service, weight: weightValue(b.weight) ?? 0 }));
    },
  };

  private async read(): Promise<TrafficSplit | null> {
    return this.o.client.tryGet<TrafficSplit>(await this.api(), this.o.namespace, this.name);
  }
}

/**
 * Argo's generateTrafficSplits: canary at its weight, each experiment destination at its own, stable
 * last with 100 minus all of them (lint keeps that from going below 0).
 */
export function smiBackends(services: { canaryService: string; stableService: string }, canaryWeight: number, additional: readonly WeightDestination[], what: string): Backend[] {
  const [canary] = splitWeights(canaryWeight);
  const stable = stableLeft(what, canary, additional);
  return [{ service: services.canaryService, weight: canary }, ...additional.map((d) => ({ service: d.service, weight: d.weight })), { service: services.stableService, weight: stable }];
}

/** Same services in the same order with the same weights ("10" and 10 are the same weight). */
function sameBackends(current: readonly Backend[], wanted: readonly Backend[]): boolean {
  return current.length === wanted.length && current.every((b, i) => b.service === wanted[i]!.service && weightValue(b.weight) === weightValue(wanted[i]!.weight));
}
