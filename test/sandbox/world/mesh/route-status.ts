/**
 * Linkerd's policy controller as route status writer: for every HTTPRoute attached to a Service
 * (GAMMA), one `status.parents[]` entry with `controllerName: linkerd.io/policy-controller` and the
 * Accepted and ResolvedRefs conditions. Entries of other controllers are left alone. Clients such
 * as Flagger wait for Accepted before trusting the weights they read back.
 */
import type { Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject, ResourceType } from '../../store/types.js';
import { isoSeconds } from '../deployments/shapes.js';
import { isType, servedType } from '../resources.js';
import { WorkQueue, type Log } from '../scheduler.js';

export const LINKERD_CONTROLLER = 'linkerd.io/policy-controller';

interface ParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  sectionName?: string;
}

interface RouteCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export class RouteStatusController {
  private readonly queue: WorkQueue;
  private unsubscribe: (() => void) | undefined;
  private readonly routes: ResourceType | undefined;
  private readonly services: ResourceType | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    log: Log,
  ) {
    this.routes = servedType(store, 'httproutes');
    this.services = servedType(store, 'services');
    this.queue = new WorkQueue('linkerd-policy-controller', (k) => this.sync(k), log);
  }

  start(): void {
    const { routes, services } = this;
    if (!routes?.statusSubresource || !services) return;
    this.unsubscribe = this.store.onChange((type, ev) => {
      const ns = ev.object.metadata.namespace ?? 'default';
      if (isType(type, 'httproutes') && ev.type !== 'DELETED') this.queue.add(`${ns}/${ev.object.metadata.name}`);
      // A parent or backend Service appearing or going away changes Accepted / ResolvedRefs.
      if (isType(type, 'services') && ev.type !== 'MODIFIED') {
        for (const r of this.store.list(routes, ns).items) this.queue.add(`${ns}/${r.metadata.name}`);
      }
    });
    for (const r of this.store.list(routes, null).items) this.queue.add(`${r.metadata.namespace}/${r.metadata.name}`);
  }

  close(): void {
    this.unsubscribe?.();
    this.queue.close();
  }

  private sync(key: string): void {
    const [ns, name] = key.split('/') as [string, string];
    const route = this.store.tryGet(this.routes!, ns, name);
    if (!route) return;
    const spec = (route['spec'] ?? {}) as { parentRefs?: ParentRef[]; rules?: { backendRefs?: { group?: string; kind?: string; name: string; namespace?: string }[] }[] };
    const parents = (spec.parentRefs ?? []).filter((p) => p.kind === 'Service' && (p.group === undefined || p.group === '' || p.group === 'core'));
    const existing = ((route['status'] as { parents?: { controllerName: string; parentRef: ParentRef; conditions?: RouteCondition[] }[] } | undefined)?.parents ?? []);
    const others = existing.filter((p) => p.controllerName !== LINKERD_CONTROLLER);
    const now = isoSeconds(this.clock.now());
    const missingBackends = (spec.rules ?? [])
      .flatMap((r) => r.backendRefs ?? [])
      .filter((b) => (b.kind ?? 'Service') === 'Service' && (b.group ?? '') === '')
      .filter((b) => !this.store.tryGet(this.services!, b.namespace ?? ns, b.name))
      .map((b) => b.name);
    const ours = parents.map((p) => {
      const parentRef: ParentRef = { group: 'core', kind: 'Service', name: p.name, namespace: p.namespace ?? ns, ...(p.port !== undefined ? { port: p.port } : {}) };
      const before = existing.find((e) => e.controllerName === LINKERD_CONTROLLER && e.parentRef.name === p.name && (e.parentRef.namespace ?? ns) === parentRef.namespace);
      const parentExists = !!this.store.tryGet(this.services!, parentRef.namespace!, p.name);
      const conditions: RouteCondition[] = [
        parentExists
          ? { type: 'Accepted', status: 'True', reason: 'Accepted', message: '', lastTransitionTime: now }
          : { type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: `parent Service ${parentRef.namespace}/${p.name} not found`, lastTransitionTime: now },
        missingBackends.length === 0
          ? { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: '', lastTransitionTime: now }
          : { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: `backend Service not found: ${missingBackends.join(', ')}`, lastTransitionTime: now },
      ];
      // Keep transition times of conditions whose status did not change.
      for (const c of conditions) {
        const old = before?.conditions?.find((o) => o.type === c.type);
        if (old && old.status === c.status) c.lastTransitionTime = old.lastTransitionTime;
      }
      return { parentRef, controllerName: LINKERD_CONTROLLER, conditions };
    });
    const next = [...others, ...ours];
    if (JSON.stringify(next) === JSON.stringify(existing)) return;
    this.store.mutate(this.routes!, ns, name, (r: K8sObject) => {
      r['status'] = { parents: next };
    }, { subresource: 'status' });
  }
}
