/**
 * SMI TrafficSplit, as Argo Rollouts writes it: named trafficSplitName (default: the Rollout's
 * name), `spec.service` = rootService (default: stableService), backends canary FIRST then stable,
 * weights summing to 100. canary creates the split and marks it; a split it did not create is
 * refused unless adopted. Updates are merge patches of the whole backends list (arrays are
 * replaced whole). The data plane gives no feedback, so verifyWeight is null.
 */
import type { KubeClient, KubeObject } from '../kube/client.js';
import { retryConflicts } from '../kube/conflict.js';
import { claim, markerLabels } from '../kube/ownership.js';
import { apiVersionOf, trafficSplits } from '../kube/resources.js';
import { UsageError } from '../util/errors.js';
import { apiResolver } from './api-version.js';
import type { TrafficRouter } from './router.js';
import { canaryPercent, splitWeights, weightValue } from './weights.js';

/** linkerd-smi serves v1alpha1 and v1alpha2; v1alpha2 has integer weights. */
export const SMI_VERSIONS = ['v1alpha2', 'v1alpha3', 'v1alpha1'] as const;

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

interface Backend {
  service: string;
  weight: number | string;
}

type TrafficSplit = KubeObject & { spec?: { service?: string; backends?: Backend[] } };

export class SmiRouter implements TrafficRouter {
  readonly kind = 'smi' as const;
  private readonly name: string;
  private readonly service: string;
  private readonly api: ReturnType<typeof apiResolver>;

  constructor(private readonly o: SmiRouterOptions) {
    this.name = o.trafficSplitName ?? o.rollout;
    this.service = o.rootService ?? o.stableService;
    this.api = apiResolver(o.client, trafficSplits, SMI_VERSIONS);
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

  async setWeight(canaryWeight: number): Promise<void> {
    const [canary, stable] = splitWeights(canaryWeight);
    const backends: Backend[] = [
      { service: this.o.canaryService, weight: canary },
      { service: this.o.stableService, weight: stable },
    ];
    const api = await this.api();
    const { client, namespace } = this.o;
    await retryConflicts({ what: this.describe() }, async () => {
      const split = await client.tryGet<TrafficSplit>(api, namespace, this.name);
      if (!split) {
        const body = {
          apiVersion: apiVersionOf(api),
          kind: 'TrafficSplit',
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

  private async read(): Promise<TrafficSplit | null> {
    return this.o.client.tryGet<TrafficSplit>(await this.api(), this.o.namespace, this.name);
  }
}

/** Same services in the same order with the same weights ("10" and 10 are the same weight). */
function sameBackends(current: readonly Backend[], wanted: readonly Backend[]): boolean {
  return current.length === wanted.length && current.every((b, i) => b.service === wanted[i]!.service && weightValue(b.weight) === weightValue(wanted[i]!.weight));
}
