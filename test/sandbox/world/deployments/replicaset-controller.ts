/**
 * The ReplicaSet controller: keeps spec.replicas Pods per ReplicaSet (owned, labelled from the
 * template), releases pods whose labels stop matching the selector and adopts orphans that match,
 * deletes the least useful pods first when scaling down, and reports replicas / ready / available.
 * Deleting a ReplicaSet deletes its pods (background cascading deletion).
 */
import type { Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import { selectorObjectMatches } from '../../store/selectors.js';
import type { K8sObject, ResourceType } from '../../store/types.js';
import type { EventRecorder } from '../events.js';
import { randomSuffix, type Random } from '../random.js';
import { isType, requireType, type Admit } from '../resources.js';
import { Timers, WorkQueue, type Log } from '../scheduler.js';
import { INJECTED_ANNOTATIONS, injectedLabels, shouldInject } from './mesh-injection.js';
import { controllerRef, controllerUid, num, replicaSetView, type ReplicaSetView } from './shapes.js';

export interface ReplicaSetControllerOptions {
  store: ObjectStore;
  clock: Clock;
  events: EventRecorder;
  random: Random;
  log: Log;
  admit: Admit;
}

const SOURCE = { component: 'replicaset-controller' };

export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly timers: Timers;
  private readonly rsType: ResourceType;
  private readonly podsType: ResourceType;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: ReplicaSetControllerOptions) {
    this.queue = new WorkQueue('replicaset-controller', (k) => this.sync(k), opts.log);
    this.timers = new Timers(opts.clock);
    this.rsType = requireType(opts.store, 'replicasets');
    this.podsType = requireType(opts.store, 'pods');
  }

  start(): void {
    this.unsubscribe = this.opts.store.onChange((type, ev) => {
      const o = ev.object;
      if (isType(type, 'replicasets')) {
        if (ev.type === 'DELETED') this.queue.add(`gc|${o.metadata.namespace}|${o.metadata.uid}`);
        else this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
      } else if (isType(type, 'pods')) {
        const ref = controllerRef(o);
        if (ref?.kind === 'ReplicaSet') this.queue.add(`${o.metadata.namespace}/${ref.name}`);
        // An orphan may match a ReplicaSet's selector (adoption), or lost its owner on a label edit.
        else this.enqueueMatching(o);
      }
    });
    for (const rs of this.opts.store.list(this.rsType, null).items) this.queue.add(`${rs.metadata.namespace}/${rs.metadata.name}`);
  }

  busy(): boolean {
    return this.queue.busy();
  }

  close(): void {
    this.unsubscribe?.();
    this.queue.close();
    this.timers.close();
  }

  private enqueueMatching(pod: K8sObject): void {
    const ns = pod.metadata.namespace ?? 'default';
    for (const rs of this.opts.store.list(this.rsType, ns).items) {
      if (selectorObjectMatches(replicaSetView(rs).selector, pod.metadata.labels ?? {})) this.queue.add(`${ns}/${rs.metadata.name}`);
    }
  }

  private sync(key: string): void {
    if (key.startsWith('gc|')) return this.collect(key);
    const [ns, name] = key.split('/') as [string, string];
    const { store } = this.opts;
    const obj = store.tryGet(this.rsType, ns, name);
    if (!obj || obj.metadata.deletionTimestamp) return;
    const rs = replicaSetView(obj);
    const pods = this.claimPods(ns, rs);
    const diff = pods.length - rs.replicas;
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) pods.push(this.createPod(ns, rs));
    } else if (diff > 0) {
      const victims = [...pods].sort(deletionOrder).slice(0, diff);
      for (const p of victims) {
        store.delete(this.podsType, ns, p.metadata.name);
        this.opts.events.record(withKind(obj), 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
      }
      const gone = new Set(victims.map((v) => v.metadata.name));
      pods.splice(0, pods.length, ...pods.filter((p) => !gone.has(p.metadata.name)));
    }
    this.updateStatus(ns, obj, rs, pods);
  }

  /** Owned pods that still match, after releasing those that do not and adopting matching orphans. */
  private claimPods(ns: string, rs: ReplicaSetView): K8sObject[] {
    const { store } = this.opts;
    const out: K8sObject[] = [];
    for (const pod of store.list(this.podsType, ns).items) {
      if (pod.metadata.deletionTimestamp) continue;
      const owner = controllerUid(pod);
      const matches = selectorObjectMatches(rs.selector, pod.metadata.labels ?? {});
      if (owner === rs.uid) {
        if (matches) out.push(pod);
        else store.mutate(this.podsType, ns, pod.metadata.name, (p) => {
          p.metadata.ownerReferences = (p.metadata.ownerReferences ?? []).filter((r) => r.uid !== rs.uid);
          if (p.metadata.ownerReferences.length === 0) delete p.metadata.ownerReferences;
        });
      } else if (owner === undefined && matches && Object.keys(rs.selector.matchLabels ?? {}).length + (rs.selector.matchExpressions?.length ?? 0) > 0) {
        out.push(store.mutate(this.podsType, ns, pod.metadata.name, (p) => {
          p.metadata.ownerReferences = [...(p.metadata.ownerReferences ?? []), ownerRef(rs)];
        }));
      }
    }
    return out;
  }

  private createPod(ns: string, rs: ReplicaSetView): K8sObject {
    const { store } = this.opts;
    const template = rs.template;
    const deployment = rs.obj.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment')?.name;
    const meshed = shouldInject(store, ns, template.metadata?.annotations);
    const labels = { ...(template.metadata?.labels ?? {}), ...(meshed ? injectedLabels(ns, deployment) : {}) };
    const annotations = { ...(template.metadata?.annotations ?? {}), ...(meshed ? INJECTED_ANNOTATIONS : {}) };
    for (let attempt = 0; ; attempt++) {
      const name = `${rs.name}-${randomSuffix(this.opts.random)}`;
      if (store.tryGet(this.podsType, ns, name)) {
        if (attempt > 20) throw new Error(`ReplicaSet ${ns}/${rs.name}: could not find a free pod name`);
        continue;
      }
      const pod: K8sObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          generateName: `${rs.name}-`,
          namespace: ns,
          labels,
          ...(Object.keys(annotations).length ? { annotations } : {}),
          ownerReferences: [ownerRef(rs)],
        },
        spec: structuredClone(template.spec ?? {}),
      };
      this.opts.admit('Pod', pod);
      const created = store.create(this.podsType, ns, pod);
      this.opts.events.record(withKind(rs.obj), 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, SOURCE);
      return created;
    }
  }

  private updateStatus(ns: string, obj: K8sObject, rs: ReplicaSetView, pods: K8sObject[]): void {
    const minReadyMs = num((obj['spec'] as Record<string, unknown> | undefined)?.['minReadySeconds']) * 1000;
    const now = this.opts.clock.now();
    let ready = 0;
    let available = 0;
    let nextAvailableIn: number | undefined;
    const templateLabels = rs.template.metadata?.labels ?? {};
    let fullyLabeled = 0;
    for (const p of pods) {
      const labels = p.metadata.labels ?? {};
      if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
      const since = readySince(p);
      if (since === undefined) continue;
      ready++;
      const left = since + minReadyMs - now;
      if (left <= 0) available++;
      else nextAvailableIn = Math.min(nextAvailableIn ?? left, left);
    }
    if (nextAvailableIn !== undefined) this.timers.after(`${ns}/${rs.name}`, nextAvailableIn, () => this.queue.add(`${ns}/${rs.name}`));
    const status: Record<string, unknown> = { replicas: pods.length };
    if (fullyLabeled) status['fullyLabeledReplicas'] = fullyLabeled;
    if (ready) status['readyReplicas'] = ready;
    if (available) status['availableReplicas'] = available;
    status['observedGeneration'] = obj.metadata.generation ?? 1;
    this.opts.store.mutate(this.rsType, ns, rs.name, (o) => {
      o['status'] = status;
    }, { subresource: 'status' });
  }

  /** Background cascading deletion of a deleted ReplicaSet's pods. */
  private collect(key: string): void {
    const [, ns, uid] = key.split('|') as [string, string, string];
    for (const pod of this.opts.store.list(this.podsType, ns).items) {
      if (pod.metadata.ownerReferences?.some((r) => r.uid === uid)) this.opts.store.delete(this.podsType, ns, pod.metadata.name);
    }
  }
}

function ownerRef(rs: ReplicaSetView): NonNullable<K8sObject['metadata']['ownerReferences']>[number] & { blockOwnerDeletion: boolean } {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.name, uid: rs.uid, controller: true, blockOwnerDeletion: true };
}

function withKind(obj: K8sObject): K8sObject {
  return { ...obj, apiVersion: 'apps/v1', kind: 'ReplicaSet' };
}

/** When the pod became Ready (its Ready condition's transition time), undefined if not Ready. */
export function readySince(pod: K8sObject): number | undefined {
  const conds = ((pod['status'] as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } | undefined)?.conditions ?? []);
  const c = conds.find((x) => x.type === 'Ready');
  if (!c || c.status !== 'True') return undefined;
  return c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
}

/** The real controller deletes unscheduled, then pending, then not-ready, then most-restarted, then newest pods first. */
function deletionOrder(a: K8sObject, b: K8sObject): number {
  const rank = (p: K8sObject) => {
    const s = (p['status'] ?? {}) as { phase?: string; containerStatuses?: { restartCount?: number }[] };
    const scheduled = (p['spec'] as { nodeName?: string } | undefined)?.nodeName ? 1 : 0;
    const phase = s.phase === 'Running' ? 2 : s.phase === 'Pending' ? 0 : 1;
    const ready = readySince(p) === undefined ? 0 : 1;
    const restarts = (s.containerStatuses ?? []).reduce((x, c) => x + (c.restartCount ?? 0), 0);
    return { scheduled, phase, ready, restarts, created: p.metadata.creationTimestamp ?? '' };
  };
  const ra = rank(a);
  const rb = rank(b);
  return (
    ra.scheduled - rb.scheduled ||
    ra.phase - rb.phase ||
    ra.ready - rb.ready ||
    rb.restarts - ra.restarts ||
    rb.created.localeCompare(ra.created) ||
    b.metadata.name.localeCompare(a.metadata.name)
  );
}
