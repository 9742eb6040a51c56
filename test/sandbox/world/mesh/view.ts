/**
 * The mesh's informer cache: the Services, Pods, Deployments, TrafficSplits, HTTPRoutes, Istio
 * VirtualServices and DestinationRules, Ingresses, Traefik IngressRoutes and TraefikServices, and EndpointSlices (when the store has them) it
 * routes by, kept current from store changes so that a request costs no store lists or clones.
 * Edits (a Service selector, a TrafficSplit weight) are visible to the very next request.
 */
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject } from '../../store/types.js';
import { isType, servedType, type WorldTypeName } from '../resources.js';

const WATCHED = ['services', 'pods', 'deployments', 'trafficsplits', 'httproutes', 'endpointslices', 'virtualservices', 'destinationrules', 'ingresses', 'traefikservices', 'ingressroutes'] as const satisfies readonly WorldTypeName[];
type Watched = (typeof WATCHED)[number];

export class MeshView {
  private readonly byType = new Map<Watched, Map<string, Map<string, K8sObject>>>(); // type -> ns -> name -> object
  private readonly unsubscribe: () => void;
  private readonly podListeners = new Set<(pod: K8sObject) => void>();
  private readonly served = new Set<Watched>();

  constructor(store: ObjectStore) {
    for (const w of WATCHED) this.byType.set(w, new Map());
    this.unsubscribe = store.onChange((type, ev) => {
      const w = WATCHED.find((name) => isType(type, name));
      if (!w) return;
      if (ev.type === 'DELETED') {
        this.bucket(w, ev.object).delete(ev.object.metadata.name);
        if (w === 'pods') for (const l of this.podListeners) l(ev.object);
      } else this.bucket(w, ev.object).set(ev.object.metadata.name, ev.object);
    });
    for (const w of WATCHED) {
      const t = servedType(store, w);
      if (!t) continue;
      this.served.add(w);
      for (const o of store.list(t, null).items) this.bucket(w, o).set(o.metadata.name, o);
    }
  }

  get(type: Watched, namespace: string, name: string): K8sObject | undefined {
    return this.byType.get(type)!.get(namespace)?.get(name);
  }

  list(type: Watched, namespace: string): Iterable<K8sObject> {
    return this.byType.get(type)!.get(namespace)?.values() ?? [];
  }

  /** True when the store holds this type (EndpointSlices exist only on the real control plane). */
  serves(type: Watched): boolean {
    return this.served.has(type);
  }

  /** Called with each deleted pod (its proxy's metrics go with it). */
  onPodDeleted(listener: (pod: K8sObject) => void): void {
    this.podListeners.add(listener);
  }

  close(): void {
    this.unsubscribe();
    this.podListeners.clear();
  }

  private bucket(type: Watched, o: K8sObject): Map<string, K8sObject> {
    const byNs = this.byType.get(type)!;
    const ns = o.metadata.namespace ?? 'default';
    let b = byNs.get(ns);
    if (!b) byNs.set(ns, (b = new Map()));
    return b;
  }
}
