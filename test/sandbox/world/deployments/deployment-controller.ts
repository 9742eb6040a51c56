/**
 * The Deployment controller (pkg/controller/deployment, reduced to what clients can observe):
 * one ReplicaSet per pod template named `<deployment>-<pod-template-hash>`, revision annotations,
 * RollingUpdate honouring maxSurge/maxUnavailable, Recreate, proportional scaling, paused
 * deployments, revision-history cleanup, ScalingReplicaSet events, and the status/conditions that
 * `kubectl rollout status` and canary read. Deleting a Deployment deletes its ReplicaSets.
 */
import type { Clock } from '../../../../src/util/clock.js';
import { assertNever } from '../../../../src/util/assert-never.js';
import type { ObjectStore } from '../../store/store.js';
import { selectorObjectMatches } from '../../store/selectors.js';
import type { K8sObject, ResourceType } from '../../store/types.js';
import type { EventRecorder } from '../events.js';
import { isType, requireType, type Admit } from '../resources.js';
import { Timers, WorkQueue, type Log } from '../scheduler.js';
import { condition, getCondition, REASONS, rolloutStatus, complete, setCondition, type DeploymentStatus } from './deployment-status.js';
import { fenceposts, newReplicaSetReplicas, proportionalScale, scaleDownOld, type RsCounts } from './rolling.js';
import {
  controllerUid,
  deploymentSpec,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  POD_TEMPLATE_HASH,
  replicaSetView,
  REVISION,
  type DeploymentSpec,
  type ReplicaSetView,
} from './shapes.js';
import { podTemplateHash, sameTemplate, withHash } from './template-hash.js';

export interface DeploymentControllerOptions {
  store: ObjectStore;
  clock: Clock;
  events: EventRecorder;
  log: Log;
  admit: Admit;
}

const SOURCE = { component: 'deployment-controller' };

interface Ctx {
  ns: string;
  d: K8sObject;
  spec: DeploymentSpec;
  status: DeploymentStatus;
}

export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly timers: Timers;
  private readonly deployType: ResourceType;
  private readonly rsType: ResourceType;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: DeploymentControllerOptions) {
    this.queue = new WorkQueue('deployment-controller', (k) => this.sync(k), opts.log);
    this.timers = new Timers(opts.clock);
    this.deployType = requireType(opts.store, 'deployments');
    this.rsType = requireType(opts.store, 'replicasets');
  }

  start(): void {
    this.unsubscribe = this.opts.store.onChange((type, ev) => {
      const o = ev.object;
      const ns = o.metadata.namespace;
      if (isType(type, 'deployments')) {
        if (ev.type === 'DELETED') this.queue.add(`gc|${ns}|${o.metadata.uid}`);
        else this.queue.add(`${ns}/${o.metadata.name}`);
      } else if (isType(type, 'replicasets')) {
        const owner = o.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
        if (owner) this.queue.add(`${ns}/${owner.name}`);
      }
    });
    for (const d of this.opts.store.list(this.deployType, null).items) this.queue.add(`${d.metadata.namespace}/${d.metadata.name}`);
  }

  busy(): boolean {
    return this.queue.busy();
  }

  close(): void {
    this.unsubscribe?.();
    this.queue.close();
    this.timers.close();
  }

  private sync(key: string): void {
    if (key.startsWith('gc|')) return this.collect(key);
    const [ns, name] = key.split('/') as [string, string];
    const d = this.opts.store.tryGet(this.deployType, ns, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const spec = deploymentSpec(d);
    const invalid = validate(spec);
    if (invalid) {
      this.opts.log(`deployment-controller: Deployment ${ns}/${name} is invalid and left alone: ${invalid}`);
      return;
    }
    // Compare and copy the template as the API server would store it in a ReplicaSet (defaulted), so
    // that a Deployment written without defaults still recognises its own ReplicaSet.
    spec.template = this.admittedTemplate(spec.template);
    const ctx: Ctx = { ns, d, spec, status: structuredClone((d['status'] ?? {}) as DeploymentStatus) };
    const owned = this.ownedReplicaSets(ns, d);
    let newRS = owned.find((rs) => sameTemplate(rs.template, spec.template));
    const old = owned.filter((rs) => rs !== newRS);

    if (spec.paused) {
      setCondition(ctx.status, condition('Progressing', 'Unknown', REASONS.paused, 'Deployment is paused', this.opts.clock.now()));
      this.scale(ctx, newRS, old);
      return this.finish(ctx, newRS);
    }
    if (getCondition(ctx.status, 'Progressing')?.reason === REASONS.paused) {
      setCondition(ctx.status, condition('Progressing', 'Unknown', REASONS.resumed, 'Deployment is resumed', this.opts.clock.now()));
    }

    if (this.isScalingEvent(spec, newRS, old)) {
      this.scale(ctx, newRS, old);
      return this.finish(ctx, newRS);
    }

    switch (spec.strategy.type) {
      case 'RollingUpdate': {
        newRS ??= this.createReplicaSet(ctx, old, newReplicaSetReplicas(spec, old.map(counts), NO_RS));
        if (!newRS) return;
        this.syncRevision(ctx, newRS, old);
        const all = [newRS, ...old];
        const target = newRS.replicas > spec.replicas ? spec.replicas : newReplicaSetReplicas(spec, all.map(counts), counts(newRS));
        if (target !== newRS.replicas) {
          newRS = this.scaleReplicaSet(ctx, newRS, target);
          return this.finish(ctx, newRS);
        }
        const downs = scaleDownOld(spec, counts(newRS), old.map(counts));
        for (const rs of old) {
          const size = downs.get(rs.name);
          if (size !== undefined) this.scaleReplicaSet(ctx, rs, size);
        }
        if (downs.size > 0) return this.finish(ctx, newRS);
        if (complete(spec, d.metadata.generation ?? 1, ctx.status)) this.cleanup(ctx, old);
        return this.finish(ctx, newRS);
      }
      case 'Recreate': {
        let scaledDown = false;
        for (const rs of old) {
          if (rs.replicas > 0) {
            this.scaleReplicaSet(ctx, rs, 0);
            scaledDown = true;
          }
        }
        // Recreate waits until no old pod exists before the new ones start.
        if (scaledDown || old.some((rs) => rs.status.replicas > 0)) return this.finish(ctx, newRS);
        newRS ??= this.createReplicaSet(ctx, old, 0);
        if (!newRS) return;
        this.syncRevision(ctx, newRS, old);
        if (newRS.replicas !== spec.replicas) newRS = this.scaleReplicaSet(ctx, newRS, spec.replicas);
        if (complete(spec, d.metadata.generation ?? 1, ctx.status)) this.cleanup(ctx, old);
        return this.finish(ctx, newRS);
      }
      default:
        return assertNever(spec.strategy, 'deployment strategy');
    }
  }

  private admittedTemplate(template: DeploymentSpec['template']): DeploymentSpec['template'] {
    const probe: K8sObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'probe' }, spec: { template: structuredClone(template) } };
    this.opts.admit('ReplicaSet', probe);
    return (probe['spec'] as { template: DeploymentSpec['template'] }).template;
  }

  private ownedReplicaSets(ns: string, d: K8sObject): ReplicaSetView[] {
    return this.opts.store
      .list(this.rsType, ns)
      .items.filter((rs) => controllerUid(rs) === d.metadata.uid && !rs.metadata.deletionTimestamp)
      .map(replicaSetView);
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
  private isScalingEvent(spec: DeploymentSpec, newRS: ReplicaSetView | undefined, old: ReplicaSetView[]): boolean {
    return [newRS, ...old].some((rs) => {
      if (!rs || rs.replicas === 0) return false;
      const desired = rs.obj.metadata.annotations?.[DESIRED_REPLICAS];
      return desired !== undefined && Number(desired) !== spec.replicas;
    });
  }

  /** The real controller's scale(): one active ReplicaSet takes all; otherwise proportional. */
  private scale(ctx: Ctx, newRS: ReplicaSetView | undefined, old: ReplicaSetView[]): void {
    const { spec } = ctx;
    const all = [...(newRS ? [newRS] : []), ...old];
    const active = all.filter((rs) => rs.replicas > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...old].sort((a, b) => b.created.localeCompare(a.created))[0];
      if (target) this.scaleReplicaSet(ctx, target, spec.replicas);
      return;
    }
    if (newRS && newRS.replicas === spec.replicas && newRS.status.availableReplicas === spec.replicas) {
      for (const rs of old) if (rs.replicas > 0) this.scaleReplicaSet(ctx, rs, 0);
      return;
    }
    if (spec.strategy.type !== 'RollingUpdate') return;
    const sizes = proportionalScale(spec, active.map(counts), (ctx.d['status'] as DeploymentStatus | undefined)?.replicas ?? 0);
    for (const rs of active) {
      const size = sizes.get(rs.name);
      this.scaleReplicaSet(ctx, rs, size ?? rs.replicas);
    }
  }

  private createReplicaSet(ctx: Ctx, old: ReplicaSetView[], replicas: number): ReplicaSetView | undefined {
    const { ns, d, spec, status } = ctx;
    const revision = Math.max(0, ...old.map((rs) => rs.revision)) + 1;
    const hash = podTemplateHash(spec.template, status.collisionCount ?? 0);
    const name = `${d.metadata.name}-${hash}`;
    const clash = this.opts.store.tryGet(this.rsType, ns, name);
    if (clash) {
      // Same name, different template or owner: the hash collided. Bump collisionCount and retry.
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      this.writeStatus(ctx);
      this.queue.add(`${ns}/${d.metadata.name}`);
      return undefined;
    }
    const { maxSurge } = fenceposts(spec);
    const template = withHash(spec.template, hash);
    const rs: K8sObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: ns,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: {
          [DESIRED_REPLICAS]: String(spec.replicas),
          [MAX_REPLICAS]: String(spec.replicas + maxSurge),
          [REVISION]: String(revision),
        },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true } as NonNullable<K8sObject['metadata']['ownerReferences']>[number],
        ],
      },
      spec: {
        replicas,
        minReadySeconds: spec.minReadySeconds,
        selector: {
          ...spec.selector,
          matchLabels: { ...(spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash },
        },
        template,
      },
    };
    this.opts.admit('ReplicaSet', rs);
    const created = this.opts.store.create(this.rsType, ns, rs);
    if (replicas > 0) this.event(ctx, `Scaled up replica set ${name} from 0 to ${replicas}`);
    setCondition(status, condition('Progressing', 'True', REASONS.newRSCreated, `Created new replica set "${name}"`, this.opts.clock.now()));
    return replicaSetView(created);
  }

  /** The new ReplicaSet always carries the highest revision (a rollback re-numbers the old one). */
  private syncRevision(ctx: Ctx, newRS: ReplicaSetView, old: ReplicaSetView[]): void {
    const maxOld = Math.max(0, ...old.map((rs) => rs.revision));
    let revision = newRS.revision;
    if (revision <= maxOld) {
      revision = maxOld + 1;
      this.opts.store.mutate(this.rsType, ctx.ns, newRS.name, (rs) => {
        rs.metadata.annotations = { ...(rs.metadata.annotations ?? {}), [REVISION]: String(revision) };
      });
    }
    if (ctx.d.metadata.annotations?.[REVISION] !== String(revision)) {
      ctx.d = this.opts.store.mutate(this.deployType, ctx.ns, ctx.d.metadata.name, (d) => {
        d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION]: String(revision) };
      });
    }
    if (!getCondition(ctx.status, 'Progressing') && ctx.spec.progressDeadlineSeconds !== undefined) {
      setCondition(ctx.status, condition('Progressing', 'True', REASONS.foundNewRS, `Found new replica set "${newRS.name}"`, this.opts.clock.now()));
    }
  }

  private scaleReplicaSet(ctx: Ctx, rs: ReplicaSetView, size: number): ReplicaSetView {
    const { spec } = ctx;
    const desired = String(spec.replicas);
    const max = String(spec.replicas + fenceposts(spec).maxSurge);
    const a = rs.obj.metadata.annotations ?? {};
    if (rs.replicas === size && a[DESIRED_REPLICAS] === desired && a[MAX_REPLICAS] === max) return rs;
    const updated = this.opts.store.mutate(this.rsType, ctx.ns, rs.name, (o) => {
      (o['spec'] as Record<string, unknown>)['replicas'] = size;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [DESIRED_REPLICAS]: desired, [MAX_REPLICAS]: max };
    });
    if (size !== rs.replicas) this.event(ctx, `Scaled ${size > rs.replicas ? 'up' : 'down'} replica set ${rs.name} from ${rs.replicas} to ${size}`);
    return replicaSetView(updated);
  }

  /** revisionHistoryLimit: drop the oldest fully scaled-down ReplicaSets beyond the limit. */
  private cleanup(ctx: Ctx, old: ReplicaSetView[]): void {
    const idle = old.filter((rs) => rs.replicas === 0 && rs.status.replicas === 0).sort((a, b) => a.revision - b.revision);
    const excess = idle.length - ctx.spec.revisionHistoryLimit;
    for (const rs of idle.slice(0, Math.max(0, excess))) this.opts.store.delete(this.rsType, ctx.ns, rs.name);
  }

  /** Recomputes status from the ReplicaSets as they are now and writes it if it changed. */
  private finish(ctx: Ctx, newRS: ReplicaSetView | undefined): void {
    const owned = this.ownedReplicaSets(ctx.ns, ctx.d);
    const fresh = newRS ? owned.find((rs) => rs.uid === newRS.uid) : undefined;
    const { status, recheckInMs } = rolloutStatus({
      name: ctx.d.metadata.name,
      generation: ctx.d.metadata.generation ?? 1,
      spec: ctx.spec,
      all: owned.map((rs) => ({ replicas: rs.replicas, statusReplicas: rs.status.replicas, ready: rs.status.readyReplicas, available: rs.status.availableReplicas })),
      newRS: fresh ? { name: fresh.name, statusReplicas: fresh.status.replicas } : undefined,
      previous: ctx.status,
      now: this.opts.clock.now(),
    });
    ctx.status = status;
    this.writeStatus(ctx);
    const key = `${ctx.ns}/${ctx.d.metadata.name}`;
    if (recheckInMs !== undefined) this.timers.after(`deadline|${key}`, recheckInMs, () => this.queue.add(key));
  }

  private writeStatus(ctx: Ctx): void {
    this.opts.store.mutate(this.deployType, ctx.ns, ctx.d.metadata.name, (d) => {
      d['status'] = ctx.status;
    }, { subresource: 'status' });
  }

  private event(ctx: Ctx, message: string): void {
    this.opts.events.record({ ...ctx.d, apiVersion: 'apps/v1', kind: 'Deployment' }, 'Normal', 'ScalingReplicaSet', message, SOURCE);
  }

  /** Background cascading deletion of a deleted Deployment's ReplicaSets (their pods follow). */
  private collect(key: string): void {
    const [, ns, uid] = key.split('|') as [string, string, string];
    for (const rs of this.opts.store.list(this.rsType, ns).items) {
      if (rs.metadata.ownerReferences?.some((r) => r.uid === uid)) this.opts.store.delete(this.rsType, ns, rs.metadata.name);
    }
  }
}

function counts(rs: ReplicaSetView): RsCounts {
  const max = rs.obj.metadata.annotations?.[MAX_REPLICAS];
  return {
    name: rs.name,
    replicas: rs.replicas,
    available: rs.status.availableReplicas,
    created: rs.created,
    ...(max !== undefined && Number.isFinite(Number(max)) ? { maxReplicasAnnotation: Number(max) } : {}),
  };
}

/** The new ReplicaSet before it exists. */
const NO_RS: RsCounts = { name: '', replicas: 0, available: 0, created: '' };

/** What the real API server's validation would have rejected; the controller never sees such objects there. */
function validate(spec: DeploymentSpec): string | undefined {
  const sel = spec.selector;
  if (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0) return 'spec.selector: Required value';
  if (!selectorObjectMatches(sel, spec.template.metadata?.labels ?? {})) return 'spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`';
  if (!(spec.replicas >= 0)) return `spec.replicas: Invalid value: ${spec.replicas}`;
  return undefined;
}
