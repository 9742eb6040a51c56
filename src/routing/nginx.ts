/**
 * NGINX Ingress (Argo's trafficRouting.nginx): for each stable Ingress, canary keeps a canary
 * Ingress as Argo builds it (nginx-ingress.ts) whose `canary-weight` annotation carries the weight.
 * The stable Ingress is only read. The canary Ingress exists while the canary takes traffic: it is
 * created at the first weight above 0 and deleted when the weight returns to 0 (at promotion's end,
 * on rollback and abort), since canary has no Rollout object whose deletion would collect it as
 * Argo's ownerReference does. It carries canary's marker; one of its name that lacks it is refused
 * unless adopted. Annotations others added to it are kept. ingress-nginx reports nothing per
 * Ingress, so verifyWeight is null, as in Argo.
 */
import type { KubeClient, KubeObject } from '../kube/client.js';
import { retryConflicts } from '../kube/conflict.js';
import { isNotFound } from '../kube/errors.js';
import { claim, markerLabels } from '../kube/ownership.js';
import { permissionsFor } from '../kube/permissions.js';
import { apiVersionOf, type ApiResource } from '../kube/resources.js';
import { UsageError } from '../util/errors.js';
import { apiResolver, checkServed } from './api-version.js';
import { routedServices, type RouterDefinition } from './definition.js';
import { canaryIngressName, canaryIngressWeight, desiredCanaryIngress, keptAnnotations, NoStableBackend, type CanaryIngressConfig, type IngressObject } from './nginx-ingress.js';
import type { TrafficRouter } from '../engine/ports.js';

const GROUP = 'networking.k8s.io';

const API = {
  group: GROUP,
  versions: ['v1'],
  resource: (version: string) => ({ group: GROUP, version, plural: 'ingresses', kind: 'Ingress', namespaced: true }),
  install: 'a cluster serving networking.k8s.io/v1 Ingress (Kubernetes 1.19+) with ingress-nginx installed',
};

export const nginx: RouterDefinition<'nginx'> = {
  kind: 'nginx',
  objectKind: 'Ingress',
  experimentWeights: { supported: false, why: "the NGINX canary Ingress carries one canary backend; Argo's NGINX router ignores experiment weights too" },
  api: API,
  noManagedRoutes: 'canary writes the NGINX canary Ingress weight only; Argo\'s NGINX router has no header or mirror routes either',
  describe: (r, t) => `NGINX canary Ingress ${r.stableIngresses.map((s) => `${t.namespace}/${canaryIngressName(t.name, s)} (from ${s})`).join(', ')}`,
  objects: (r, t) => r.stableIngresses.map((s) => canaryIngressName(t.name, s)),
  writes: (r, t) =>
    r.stableIngresses.map(
      (s) =>
        `Ingress ${t.namespace}/${canaryIngressName(t.name, s)}: created from Ingress ${s} with backend ${t.canaryService} and ${r.annotationPrefix}/canary-weight, deleted when the weight is back to 0 (Ingress ${s} is only read)`,
    ),
  permissions: (_r, t) => permissionsFor(GROUP, 'ingresses', ['get', 'create', 'patch', 'delete'], t.namespace, 'the canary Ingress'),
  services: () => [],
  checkApi: (client) => checkServed(client, API),
  create: (r, t, client, options) =>
    new NginxRouter({
      client,
      namespace: t.namespace,
      rollout: t.name,
      stableIngresses: r.stableIngresses,
      annotationPrefix: r.annotationPrefix,
      additionalIngressAnnotations: r.additionalIngressAnnotations,
      canaryIngressAnnotations: r.canaryIngressAnnotations,
      ...routedServices(t),
      adopt: options.adopt ?? false,
    }),
};

export interface NginxRouterOptions extends CanaryIngressConfig {
  client: KubeClient;
  namespace: string;
  rollout: string;
  stableIngresses: readonly string[];
  /** Take over a canary Ingress of canary's name that canary did not create. */
  adopt?: boolean;
}

type Ingress = KubeObject & IngressObject;

export class NginxRouter implements TrafficRouter {
  readonly objectKind = 'Ingress';
  private readonly api: () => Promise<ApiResource>;

  constructor(private readonly o: NginxRouterOptions) {
    this.api = apiResolver(o.client, API);
  }

  describe(): string {
    return this.o.stableIngresses.map((s) => `Ingress ${this.o.namespace}/${canaryIngressName(this.o.rollout, s)}`).join(', ');
  }

  async check(): Promise<void> {
    for (const s of this.o.stableIngresses) {
      this.desired(s, await this.readStable(s), 0);
      const canary = await this.tryCanary(s);
      if (canary) claim(canary, this.what(s), this.o.adopt ?? false);
    }
  }

  /** 0 without a canary Ingress: the stable Ingress takes everything. */
  async getWeight(): Promise<number | null> {
    const canary = await this.tryCanary(this.o.stableIngresses[0]!);
    return canary ? canaryIngressWeight(canary, this.o.annotationPrefix) : 0;
  }

  async setWeight(weight: number): Promise<void> {
    const canaryWeight = Math.round(weight);
    if (!Number.isFinite(weight) || canaryWeight < 0 || canaryWeight > 100) throw new RangeError(`canary weight must be within 0..100, got ${weight}`);
    for (const s of this.o.stableIngresses) {
      await retryConflicts({ what: this.what(s) }, () => (canaryWeight === 0 ? this.remove(s) : this.write(s, canaryWeight)));
    }
  }

  async verifyWeight(): Promise<boolean | null> {
    return null;
  }

  private async write(stableName: string, weight: number): Promise<void> {
    const api = await this.api();
    const name = canaryIngressName(this.o.rollout, stableName);
    const desired = this.desired(stableName, await this.readStable(stableName), weight);
    const current = await this.tryCanary(stableName);
    if (!current) {
      const body = {
        apiVersion: apiVersionOf(api),
        kind: 'Ingress',
        metadata: { name, namespace: this.o.namespace, labels: markerLabels(this.o.rollout), annotations: desired.annotations },
        spec: desired.spec,
      };
      // Created meanwhile (a retried request): AlreadyExists is a 409, so retryConflicts reads it and patches.
      await this.o.client.create(api, this.o.namespace, body);
      return;
    }
    const how = claim(current, this.what(stableName), this.o.adopt ?? false);
    const annotations = keptAnnotations(current.metadata.annotations ?? {}, desired.annotations);
    const spec = current.spec ?? {};
    const specChanged = JSON.stringify(spec.rules) !== JSON.stringify(desired.spec.rules) || JSON.stringify(spec.tls) !== JSON.stringify(desired.spec.tls) || spec.ingressClassName !== desired.spec.ingressClassName;
    const annotationsChanged = Object.entries(annotations).some(([k, v]) => current.metadata.annotations?.[k] !== v);
    if (how === 'ours' && !specChanged && !annotationsChanged) return;
    const patch = {
      metadata: { annotations, ...(how === 'adopt' ? { labels: markerLabels(this.o.rollout) } : {}) },
      // A merge patch keeps fields it does not name: what the stable Ingress no longer has is set to null.
      spec: { ingressClassName: desired.spec.ingressClassName ?? null, tls: desired.spec.tls ?? null, rules: desired.spec.rules },
    };
    await this.o.client.patch(api, this.o.namespace, name, { type: 'merge', body: patch });
  }

  private async remove(stableName: string): Promise<void> {
    const current = await this.tryCanary(stableName);
    if (!current) return;
    claim(current, this.what(stableName), this.o.adopt ?? false);
    try {
      await this.o.client.delete(await this.api(), this.o.namespace, current.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private desired(stableName: string, stable: Ingress, weight: number): ReturnType<typeof desiredCanaryIngress> {
    try {
      return desiredCanaryIngress(stable, this.o, weight);
    } catch (err) {
      if (!(err instanceof NoStableBackend)) throw err;
      throw new UsageError(`Ingress ${this.o.namespace}/${stableName}: ${err.message}, so there is nothing to send to the canary`, {
        hint: `route a path of the Ingress to Service ${this.o.stableService} (see examples/nginx/ingress.yaml), or fix stableService / trafficRouting.nginx.stableIngress`,
      });
    }
  }

  private what(stableName: string): string {
    return `Ingress ${this.o.namespace}/${canaryIngressName(this.o.rollout, stableName)}`;
  }

  private async tryCanary(stableName: string): Promise<Ingress | null> {
    return this.o.client.tryGet<Ingress>(await this.api(), this.o.namespace, canaryIngressName(this.o.rollout, stableName));
  }

  private async readStable(name: string): Promise<Ingress> {
    const ingress = await this.o.client.tryGet<Ingress>(await this.api(), this.o.namespace, name);
    if (ingress) return ingress;
    throw new UsageError(`Ingress ${this.o.namespace}/${name} not found: canary copies the stable Ingress into a canary Ingress and does not create the stable one`, {
      hint: 'apply it first (see examples/nginx/ingress.yaml), or fix trafficRouting.nginx.stableIngress',
    });
  }
}
