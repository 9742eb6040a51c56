/**
 * Argo's job provider: each measurement creates a batch/v1 Job from the metric's spec in the
 * Rollout's namespace and waits for it. Complete is Successful, Failed is Failed (the metric's
 * conditions are not evaluated, as in Argo), a pod stuck on an image that cannot be pulled is
 * Inconclusive, a Job that cannot be created is an Error. Waiting asks again after a delay
 * growing with the time elapsed (Argo's sqrt(2 * elapsed)). A measurement abandoned (abort, the
 * run ended) deletes its Job, as Argo's Terminate; finished Jobs are kept for `kubectl logs`, the
 * newest 10 per Rollout and metric (Argo keeps a run's measurement history, 10 by default, and its
 * Jobs go with the AnalysisRun), older ones deleted with their pods (foreground, as Argo deletes).
 */
import { randomBytes } from 'node:crypto';
import type { JobMetricSpec, JsonObject } from '../manifests/types.js';
import type { ProviderDefinition, ProviderEnvironment } from './definition.js';
import { failed, measured } from './results.js';
import type { MeasureContext, ProviderResult } from '../analysis/provider.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import { isStatus } from '../kube/errors.js';
import { MANAGED_BY_LABEL, MANAGER, ROLLOUT_LABEL } from '../kube/ownership.js';
import { permissionsFor } from '../kube/permissions.js';
import { Jobs, Pods } from '../kube/resources.js';
import { messageOf } from '../util/errors.js';

/** Argo's measurement metadata keys. */
export const JOB_NAME_KEY = 'job-name';
export const JOB_NAMESPACE_KEY = 'job-namespace';
export const METRIC_LABEL = 'canary-rollouts/metric';
export const ANALYSIS_LABEL = 'canary-rollouts/analysis';
const KEEP = 10;
/** Creation time in ms: creationTimestamp has whole seconds only, too coarse to order Jobs measured in a row. */
const CREATED_ANNOTATION = 'canary-rollouts/created-at';
const MAX_DELAY_MS = 30_000;
/** Waiting reasons after which a pod never starts on its own (Argo's terminalWaitingReasons). */
const TERMINAL_WAITING = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

export const job: ProviderDefinition<'job', Record<string, never>> = {
  kind: 'job',
  decides: 'Successful when the Job completes, Failed when it fails',
  endpoint: () => 'batch/v1 Jobs',
  describe: (spec) => `job: ${containersOf(spec.spec).map((c) => c.image ?? '(no image)').join(', ')}`,
  permissions: (_spec, namespace) => permissionsFor('batch', 'jobs', ['create', 'get', 'list', 'delete'], namespace, 'job metrics'),
  create: (env) => {
    const runner = new JobRunner(env);
    return { measure: (spec, signal, ctx) => runner.measure(spec, signal, ctx), ping: (_spec, signal) => runner.ping(signal) };
  },
};

type JobObject = KubeObject & {
  spec?: { selector?: { matchLabels?: Record<string, string> } };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
};
type PodObject = KubeObject & { status?: { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] } };
type ContainerStatus = { name: string; state?: { waiting?: { reason?: string; message?: string } } };

class JobRunner {
  private readonly counters = new Map<string, number>();

  constructor(private readonly env: ProviderEnvironment) {}

  async measure(spec: JobMetricSpec, signal: AbortSignal, ctx: MeasureContext): Promise<ProviderResult> {
    const { kube, namespace } = this.env;
    if (!kube || !namespace) return failed('the job provider creates a Kubernetes Job: it needs a cluster (a kubeconfig)');
    const n = (this.counters.get(`${ctx.run}/${ctx.metric}`) ?? 0) + 1;
    this.counters.set(`${ctx.run}/${ctx.metric}`, n);
    const body = this.manifest(spec, ctx, namespace, n);
    const name = body.metadata.name;
    const metadata = { [JOB_NAME_KEY]: name, [JOB_NAMESPACE_KEY]: namespace };
    const what = `Job ${namespace}/${name}`;
    try {
      await kube.create(Jobs, namespace, body, signal);
    } catch (err) {
      if (signal.aborted) {
        // The API server may have created it before the abort reached the request.
        await deleteQuietly(kube, namespace, name);
        throw err;
      }
      return failed(`job create ${name} failed: ${messageOf(err)}`, metadata);
    }
    try {
      const result = await this.wait(kube, namespace, name, what, signal);
      return { ...result, metadata };
    } catch (err) {
      // Abandoned (the analysis stopped, or the run was aborted): the Job goes, as Argo's Terminate deletes it.
      await deleteQuietly(kube, namespace, name);
      throw err;
    } finally {
      if (!signal.aborted) await this.collect(kube, namespace, ctx.metric);
    }
  }

  /** Preflight: Jobs are served and can be listed here (the permissions check covers create and delete). */
  async ping(signal: AbortSignal): Promise<{ ok: true; message: string } | { ok: false; message: string; hint: string }> {
    const { kube, namespace } = this.env;
    if (!kube || !namespace) return { ok: false, message: 'the job provider needs a cluster', hint: 'run with a kubeconfig' };
    try {
      await kube.list(Jobs, namespace, { labelSelector: `${MANAGED_BY_LABEL}=${MANAGER}` }, signal);
      return { ok: true, message: `batch/v1 Jobs in ${namespace}: served` };
    } catch (err) {
      if (signal.aborted) throw err;
      return { ok: false, message: messageOf(err), hint: 'grant the Job permissions of examples/rbac.yaml' };
    }
  }

  private manifest(spec: JobMetricSpec, ctx: MeasureContext, namespace: string, n: number): KubeObject & JsonObject {
    const owner = this.env.owner ?? 'canary';
    const markers = { [MANAGED_BY_LABEL]: MANAGER, [ROLLOUT_LABEL]: labelValue(owner), [ANALYSIS_LABEL]: labelValue(ctx.run), [METRIC_LABEL]: labelValue(ctx.metric) };
    const template = (spec.spec['template'] ?? {}) as JsonObject;
    const templateMeta = (template['metadata'] ?? {}) as JsonObject;
    const podLabels = { ...((templateMeta['labels'] ?? {}) as Record<string, string>), ...markers };
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobName(owner, ctx.metric, n),
        namespace,
        labels: { ...spec.labels, ...markers },
        annotations: { ...spec.annotations, 'canary-rollouts/analysis-run': ctx.run, 'canary-rollouts/metric-name': ctx.metric, [CREATED_ANNOTATION]: String(this.env.clock.now()) },
      },
      spec: { ...spec.spec, template: { ...template, metadata: { ...templateMeta, labels: podLabels } } },
    } as KubeObject & JsonObject;
  }

  private async wait(kube: KubeClient, namespace: string, name: string, what: string, signal: AbortSignal): Promise<ProviderResult> {
    const started = this.env.clock.now();
    for (;;) {
      let current: JobObject;
      try {
        current = await kube.get<JobObject>(Jobs, namespace, name, signal);
      } catch (err) {
        if (signal.aborted) throw err;
        if (isStatus(err, 404)) return failed(`${what} was deleted before it finished`);
        return failed(`${what}: ${messageOf(err)}`);
      }
      const verdict = conditionVerdict(current, what);
      if (verdict) return verdict;
      const stuck = await stuckPod(kube, namespace, current, signal);
      if (stuck) return measured(null, stuck.reason, {}, { verdict: { phase: 'Inconclusive', message: stuck.message } });
      const elapsedS = (this.env.clock.now() - started) / 1000;
      const delay = Math.min(MAX_DELAY_MS, Math.max(1000, Math.sqrt(2 * elapsedS) * 1000));
      await this.env.clock.sleep(delay, signal);
      signal.throwIfAborted();
    }
  }

  /** Keeps the newest Jobs of this Rollout and metric, deleting older ones (with their pods). */
  private async collect(kube: KubeClient, namespace: string, metric: string): Promise<void> {
    try {
      const selector = `${MANAGED_BY_LABEL}=${MANAGER},${ROLLOUT_LABEL}=${labelValue(this.env.owner ?? 'canary')},${METRIC_LABEL}=${labelValue(metric)}`;
      const { items } = await kube.list<JobObject>(Jobs, namespace, { labelSelector: selector });
      const oldest = [...items].sort((a, b) => created(b) - created(a)).slice(KEEP);
      for (const j of oldest) await deleteQuietly(kube, namespace, j.metadata.name);
    } catch {
      // Housekeeping: the next measurement tries again.
    }
  }
}

function conditionVerdict(j: JobObject, what: string): ProviderResult | null {
  for (const c of j.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Complete') return measured(null, 'Complete', {}, { verdict: { phase: 'Successful', message: null } });
    if (c.type === 'Failed') {
      const why = [c.reason, c.message].filter(Boolean).join(': ');
      return measured(null, 'Failed', {}, { verdict: { phase: 'Failed', message: `${what} failed${why ? `: ${why}` : ''}` } });
    }
  }
  return null;
}

/** A pod of the Job whose container waits on something that never resolves by itself (Argo's processJobPods). */
async function stuckPod(kube: KubeClient, namespace: string, j: JobObject, signal: AbortSignal): Promise<{ reason: string; message: string } | null> {
  const labels = j.spec?.selector?.matchLabels;
  if (!labels || Object.keys(labels).length === 0) return null;
  let pods: PodObject[];
  try {
    pods = (await kube.list<PodObject>(Pods, namespace, { labelSelector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') }, signal)).items;
  } catch (err) {
    if (signal.aborted) throw err;
    return null;
  }
  for (const pod of pods) {
    for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && TERMINAL_WAITING.has(waiting.reason)) {
        return { reason: waiting.reason, message: `Pod ${pod.metadata.name}, container ${cs.name} has terminal error (${waiting.reason}): ${waiting.message ?? ''}`.trimEnd() };
      }
    }
  }
  return null;
}

async function deleteQuietly(kube: KubeClient, namespace: string, name: string): Promise<void> {
  try {
    await kube.delete(Jobs, namespace, name, AbortSignal.timeout(10_000), 'Foreground');
  } catch {
    // Gone already, or the cluster is unreachable: nothing more to do here.
  }
}

/**
 * `<rollout>-<metric>-<n>-<random>`, a DNS-1123 label of at most 63 characters (the Job controller
 * puts the name in a pod label); the metric part is shortened first, as Argo shortens it.
 */
export function jobName(owner: string, metric: string, n: number): string {
  const suffix = `-${n}-${randomBytes(3).toString('hex').slice(0, 5)}`;
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
  const head = clean(owner).slice(0, 30).replace(/-+$/, '');
  const room = 63 - suffix.length - head.length - 1;
  return `${head}-${clean(metric).slice(0, Math.max(1, room)).replace(/-+$/, '')}${suffix}`;
}

/** A label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric. */
function labelValue(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'x';
}

function created(j: KubeObject): number {
  return Number(j.metadata.annotations?.[CREATED_ANNOTATION]) || Date.parse(j.metadata.creationTimestamp ?? '') || 0;
}

function containersOf(spec: JsonObject): { image?: string }[] {
  const template = spec['template'] as { spec?: { containers?: { image?: string }[] } } | undefined;
  return template?.spec?.containers ?? [];
}
