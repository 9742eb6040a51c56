/** An in-process API server on 127.0.0.1 with canary's client pointed at it; close() stops everything. */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, type KubeClientOptions } from '../../../src/kube/client.js';
import { kubeTransport } from '../../../src/kube/transport.js';
import { systemClock } from '../../../src/util/clock.js';
import { ObjectStore } from '../../sandbox/store/store.js';
import type { K8sObject, ResourceType } from '../../sandbox/store/types.js';
import { servedTypes, startApiServer, type ApiServer, type ApiServerOptions, type ServedApis } from '../../sandbox/api/index.js';

export interface KubeSandbox {
  api: ApiServer;
  store: ObjectStore;
  kc: KubeConfig;
  client: KubeClient;
  /** Another client on the same server (a second runner, a `canary abort` in another terminal). */
  newClient(options?: Partial<KubeClientOptions>): KubeClient;
  close(): Promise<void>;
}

export interface KubeSandboxOptions extends Omit<ApiServerOptions, 'store'> {
  apis?: ServedApis;
  client?: Partial<KubeClientOptions>;
}

export async function kubeSandbox(options: KubeSandboxOptions = {}): Promise<KubeSandbox> {
  const { apis, client: clientOptions, ...serverOptions } = options;
  const store = new ObjectStore(servedTypes(apis ?? {}));
  const api = await startApiServer({ store, namespaces: ['default', 'kube-system', 'apps', 'monitoring'], ...serverOptions });
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig());
  const newClient = (o: Partial<KubeClientOptions> = {}) =>
    new KubeClient(kubeTransport(kc), { clock: systemClock, retry: { baseMs: 5, capMs: 50 }, ...clientOptions, ...o });
  return { api, store, kc, client: newClient(), newClient, close: () => api.close() };
}

/** The store's type for a plural resource name ('trafficsplits', 'deployments'). */
export function typeOf(sb: KubeSandbox, resource: string): ResourceType {
  const t = sb.store.types.find((x) => x.resource === resource);
  if (!t) throw new Error(`the sandbox does not serve ${resource}`);
  return t;
}

/** Writes an object straight into the store (what another tool or a person would have applied). */
export function seed(sb: KubeSandbox, resource: string, obj: Record<string, unknown> & { metadata: { name: string; namespace?: string; [k: string]: unknown } }): K8sObject {
  return sb.store.create(typeOf(sb, resource), obj.metadata.namespace ?? 'apps', obj as K8sObject);
}

export function stored(sb: KubeSandbox, resource: string, name: string, namespace = 'apps'): K8sObject | undefined {
  return sb.store.tryGet(typeOf(sb, resource), namespace, name);
}

/** Requests the server saw for `resource` (e.g. 'trafficsplits.split.smi-spec.io') by verb, since the last stats reset. */
export function requestsFor(sb: KubeSandbox, resource: string): Record<string, number> {
  return sb.api.stats.snapshot().byResource[resource] ?? {};
}
