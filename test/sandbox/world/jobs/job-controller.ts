/**
 * The Job controller, as kube-controller-manager's runs a NonIndexed Job: one pod at a time
 * (parallelism and completions 1, what canary's job metrics and Argo's examples use), owned and
 * labelled from the template; a pod that fails is replaced after the back-off (10 s doubling,
 * capped at 6 min) until `backoffLimit` failures (container restarts count with OnFailure); then
 * the conditions the real controller writes: SuccessCriteriaMet + Complete
 * (CompletionsReached), FailureTarget + Failed (BackoffLimitExceeded, DeadlineExceeded past
 * activeDeadlineSeconds). Deleting a Job deletes its pods (cascading deletion).
 */
import type { Clock } from '../../../../src/util/clock.js';
import type { ObjectStore } from '../../store/store.js';
import type { K8sObject, ResourceType } from '../../store/types.js';
import { isoSeconds, num } from '../deployments/shapes.js';
import { INJECTED_ANNOTATIONS, injectedLabels, shouldInject } from '../deployments/mesh-injection.js';
import type { EventRecorder } from '../events.js';
import { randomSuffix, type Random } from '../random.js';
import { isType, requireType, type Admit } from '../resources.js';
import { Timers, WorkQueue, type Log } from '../scheduler.js';

export interface JobControllerOptions {
  store: ObjectStore;
  clock: Clock;
  events: EventRecorder;
  random: Random;
  log: Log;
  admit: Admit;
  /** First delay before a failed pod is replaced; doubles per failure (kube-controller-manager: 10 s, capped at 6 min). */
  backoffMs?: number;
}

const SOURCE = { component: 'job-controller' };
const MAX_BACKOFF_MS = 6 * 60_000;

type Condition = { type: string; status: 'True'; reason: string; message: string; lastProbeTime: string; lastTransitionTime: string };

export class JobController {
  private readonly queue: WorkQueue;
  private readonly timers: Timers;
  private readonly jobsType: ResourceType;
  private readonly podsType: ResourceType;
  private readonly backoffMs: number;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: JobControllerOptions) {
    this.queue = new WorkQueue('job-controller', (k) => this.sync(k), opts.log);
    this.timers = new Timers(opts.clock);
    this.jobsType = requireType(opts.store, 'jobs');
    this.podsType = requireType(opts.store, 'pods');
    this.backoffMs = opts.backoffMs ?? 10_000;
  }

  start(): void {
    this.unsubscribe = this.opts.store.onChange((type, ev) => {
      const o = ev.object;
      if (isType(type, 'jobs')) {
        if (ev.type === 'DELETED') this.queue.add(`gc|${o.metadata.namespace}|${o.metadata.uid}`);
        else this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
      } else if (isType(type, 'pods')) {
        const ref = o.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'Job');
        if (ref) this.queue.add(`${o.metadata.namespace}/${ref.name}`);
      }
    });
    for (const job of this.opts.store.list(this.jobsType, null).items) this.queue.add(`${job.metadata.namespace}/${job.metadata.name}`);
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
    const job = this.opts.store.tryGet(this.jobsType, ns, name);
    if (!job || job.metadata.deletionTimestamp || finished(job)) return;
    const spec = (job['spec'] ?? {}) as Record<string, unknown>;
    const status = { ...((job['status'] ?? {}) as Record<string, unknown>) };
    const now = this.opts.clock.now();
    status['startTime'] ??= isoSeconds(now);
    const pods = this.opts.store.list(this.podsType, ns).items.filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === job.metadata.uid));
    const active = pods.filter((p) => !terminal(p));
    const succeeded = pods.filter((p) => phaseOf(p) === 'Succeeded').length;
    const failed = pods.filter((p) => phaseOf(p) === 'Failed').length;
    const onFailure = podRestartPolicy(spec) === 'OnFailure';
    const restarts = onFailure ? active.reduce((n, p) => n + restartsOf(p), 0) : 0;
    const backoffLimit = num(spec['backoffLimit'] ?? 6);
    const deadlineMs = spec['activeDeadlineSeconds'] === undefined ? null : num(spec['activeDeadlineSeconds']) * 1000;
    const started = Date.parse(String(status['startTime']));

    const complete = succeeded >= num(spec['completions'] ?? 1);
    let ending: { reason: string; message: string } | null = null;
    if (!complete && failed + restarts > backoffLimit) ending = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    else if (!complete && deadlineMs !== null && now - started >= deadlineMs) ending = { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };

    let running = active;
    if (complete) {
      const message = 'Reached expected number of succeeded pods';
      status['conditions'] = [condition('SuccessCriteriaMet', 'CompletionsReached', message, now), condition('Complete', 'CompletionsReached', message, now)];
      status['completionTime'] = isoSeconds(now);
      this.opts.events.record(withKind(job), 'Normal', 'Completed', 'Job completed', SOURCE);
    } else if (ending) {
      for (const p of active) this.opts.store.delete(this.podsType, ns, p.metadata.name);
      running = [];
      status['conditions'] = [condition('FailureTarget', ending.reason, ending.message, now), condition('Failed', ending.reason, ending.message, now)];
      this.opts.events.record(withKind(job), 'Warning', ending.reason, ending.message, SOURCE);
    } else if (active.length === 0) {
      const wait = failed === 0 ? 0 : Math.min(MAX_BACKOFF_MS, this.backoffMs * 2 ** (failed - 1));
      const left = Math.max(0, ...pods.filter((p) => phaseOf(p) === 'Failed').map(finishedAt)) + wait - now;
      if (left > 0) this.timers.after(key, left, () => this.queue.add(key));
      else running = [this.createPod(job)];
    }
    if (deadlineMs !== null && !complete && !ending) this.timers.after(`${key}|deadline`, Math.max(0, started + deadlineMs - now), () => this.queue.add(key));

    // A pod deleted for ending the Job counts as failed, as the real controller counts it.
    const failedCount = failed + (ending ? active.length : 0);
    const next: Record<string, unknown> = { ...status, uncountedTerminatedPods: {}, ready: running.filter(ready).length, terminating: 0 };
    if (running.length) next['active'] = running.length;
    else delete next['active'];
    if (succeeded) next['succeeded'] = succeeded;
    if (failedCount) next['failed'] = failedCount;
    this.opts.store.mutate(this.jobsType, ns, name, (j) => {
      j['status'] = next;
    }, { subresource: 'status' });
  }

  private createPod(job: K8sObject): K8sObject {
    const { store } = this.opts;
    const ns = job.metadata.namespace ?? 'default';
    const template = ((job['spec'] as Record<string, unknown>)['template'] ?? {}) as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown };
    const meshed = shouldInject(store, ns, template.metadata?.annotations);
    const labels = { ...(template.metadata?.labels ?? {}), ...(meshed ? injectedLabels(ns, undefined) : {}) };
    const annotations = { ...(template.metadata?.annotations ?? {}), ...(meshed ? INJECTED_ANNOTATIONS : {}) };
    for (let attempt = 0; ; attempt++) {
      const name = `${job.metadata.name}-${randomSuffix(this.opts.random)}`;
      if (store.tryGet(this.podsType, ns, name)) {
        if (attempt > 20) throw new Error(`Job ${ns}/${job.metadata.name}: could not find a free pod name`);
        continue;
      }
      const pod: K8sObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          generateName: `${job.metadata.name}-`,
          namespace: ns,
          labels,
          ...(Object.keys(annotations).length ? { annotations } : {}),
          ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid!, controller: true, blockOwnerDeletion: true } as NonNullable<K8sObject['metadata']['ownerReferences']>[number]],
        },
        spec: structuredClone(template.spec ?? {}),
      };
      this.opts.admit('Pod', pod);
      const created = store.create(this.podsType, ns, pod);
      this.opts.events.record(withKind(job), 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, SOURCE);
      return created;
    }
  }

  /** Cascading deletion of a deleted Job's pods. */
  private collect(key: string): void {
    const [, ns, uid] = key.split('|') as [string, string, string];
    this.timers.cancelPrefix(`${ns}/`);
    for (const pod of this.opts.store.list(this.podsType, ns).items) {
      if (pod.metadata.ownerReferences?.some((r) => r.uid === uid)) this.opts.store.delete(this.podsType, ns, pod.metadata.name);
    }
  }
}

function condition(type: string, reason: string, message: string, now: number): Condition {
  return { type, status: 'True', reason, message, lastProbeTime: isoSeconds(now), lastTransitionTime: isoSeconds(now) };
}

function finished(job: K8sObject): boolean {
  const conditions = ((job['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function phaseOf(pod: K8sObject): string {
  return (pod['status'] as { phase?: string } | undefined)?.phase ?? 'Pending';
}

function terminal(pod: K8sObject): boolean {
  return phaseOf(pod) === 'Succeeded' || phaseOf(pod) === 'Failed';
}

function ready(pod: K8sObject): boolean {
  return ((pod['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function restartsOf(pod: K8sObject): number {
  return ((pod['status'] as { containerStatuses?: { restartCount?: number }[] } | undefined)?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

function finishedAt(pod: K8sObject): number {
  const statuses = (pod['status'] as { containerStatuses?: { state?: { terminated?: { finishedAt?: string } } }[] } | undefined)?.containerStatuses ?? [];
  return Math.max(0, ...statuses.map((c) => Date.parse(c.state?.terminated?.finishedAt ?? '') || 0));
}

function podRestartPolicy(spec: Record<string, unknown>): string | undefined {
  return ((spec['template'] as { spec?: { restartPolicy?: string } } | undefined)?.spec?.restartPolicy);
}

function withKind(job: K8sObject): K8sObject {
  return { ...job, apiVersion: 'batch/v1', kind: 'Job' };
}
