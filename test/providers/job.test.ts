/**
 * The job provider against the sandbox's API server on 127.0.0.1 with its Job controller and
 * kubelet (test/sandbox/world): a Job per measurement from the metric's spec, Successful when it
 * completes, Failed when it fails, Inconclusive when its pod cannot pull its image, Error when it
 * cannot be created, deleted when the measurement is abandoned, the newest 10 kept. As Argo's
 * job provider (argoproj/argo-rollouts metricproviders/job/job.go; job_test.go TestRun,
 * TestRunCreateFail, TestResumeCompletedJob, TestResumeFailedJob, TestTerminateAbortedJob).
 */
import type { JobMetricSpec } from '../../src/manifests/types.js';
import { job, jobName } from '../../src/providers/job.js';
import { startWorkloads, type Workloads } from '../sandbox/world/deployments/index.js';
import { kubeSandbox, typeOf, type KubeSandbox } from '../kube/support/sandbox.js';
import { eventually, RecordingClock } from '../kube/support/clocks.js';
import { CTX, expectError, never, providerEnv } from './provider-env.js';

let sb: KubeSandbox;
let world: Workloads;
beforeEach(async () => {
  sb = await kubeSandbox();
  world = startWorkloads({ store: sb.store, podStartDelayMs: 5, jobBackoffMs: 10, log: () => undefined });
});
afterEach(async () => {
  world.close();
  await sb.close();
});

const spec = (image: string, restartPolicy = 'Never', extra: Record<string, unknown> = {}): JobMetricSpec => ({
  kind: 'job',
  labels: { team: 'qa' },
  annotations: { 'example.com/why': 'smoke' },
  spec: { backoffLimit: 0, template: { spec: { restartPolicy, containers: [{ name: 'smoke', image, command: ['/smoke-test.sh'] }] } }, ...extra },
});
// Polling waits of 1 s and more run 100 times faster here.
const adapter = () => job.create(providerEnv({ clock: new RecordingClock({ scale: 0.01 }), kube: sb.client, namespace: 'apps', owner: 'myapp' }), {});
const jobs = () => sb.store.list(typeOf(sb, 'jobs'), 'apps').items;

describe('job provider (sandbox API server, Job controller and kubelet)', () => {
  it('creates a Job from the metric\'s spec, labelled and annotated; Complete is Successful (TestRun, TestResumeCompletedJob)', async () => {
    const r = await adapter().measure(spec('example/smoke-test:1.0'), never, { run: 'step-2', metric: 'smoke-test' });
    expect(r).toMatchObject({ ok: true, valueText: 'Complete', verdict: { phase: 'Successful', message: null } });
    const [created] = jobs();
    expect(created!.metadata.name).toMatch(/^myapp-smoke-test-1-[0-9a-f]{5}$/);
    expect(r.metadata).toEqual({ 'job-name': created!.metadata.name, 'job-namespace': 'apps' });
    expect(created!.metadata.labels).toMatchObject({ team: 'qa', 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp', 'canary-rollouts/analysis': 'step-2', 'canary-rollouts/metric': 'smoke-test' });
    expect(created!.metadata.annotations).toMatchObject({ 'example.com/why': 'smoke', 'canary-rollouts/analysis-run': 'step-2', 'canary-rollouts/metric-name': 'smoke-test' });
    // The API server's own additions: a selector on the Job's uid, and the template's labels.
    expect((created!['spec'] as any).selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': created!.metadata.uid } });
    expect((created!['spec'] as any).template.metadata.labels).toMatchObject({ 'canary-rollouts/metric': 'smoke-test', 'job-name': created!.metadata.name });
  });

  it('a Job that fails is Failed, saying why (TestResumeFailedJob)', async () => {
    const r = await adapter().measure(spec('example/smoke-test:fail'), never, CTX);
    expect(r).toMatchObject({ ok: true, valueText: 'Failed', verdict: { phase: 'Failed', message: expect.stringMatching(/^Job apps\/myapp-m-1-[0-9a-f]{5} failed: BackoffLimitExceeded: Job has reached the specified backoff limit$/) } });
  });

  it('a pod that cannot pull its image is Inconclusive (Argo\'s terminal waiting reasons)', async () => {
    const r = await adapter().measure(spec('example/smoke-test:nonexistent'), never, CTX);
    expect(r).toMatchObject({ ok: true, valueText: 'ErrImagePull', verdict: { phase: 'Inconclusive', message: expect.stringMatching(/^Pod myapp-m-1-[0-9a-f]{5}-[a-z0-9]{5}, container smoke has terminal error \(ErrImagePull\): rpc error/) } });
  });

  it('an init container that cannot pull its image is Inconclusive too (TestResumeRunningJobWithFailedInitContainer)', async () => {
    world.close();
    world = startWorkloads({ store: sb.store, podStartDelayMs: 5, images: { 'example/long:1': { runMs: 60_000 } }, log: () => undefined });
    const pending = adapter().measure(spec('example/long:1'), never, CTX);
    const pods = () => sb.store.list(typeOf(sb, 'pods'), 'apps').items.filter((p) => p.metadata.labels?.['canary-rollouts/metric'] === 'm');
    await eventually(() => (pods()[0]?.['status'] as { phase?: string } | undefined)?.phase === 'Running', 5_000, 'the Job\'s pod running');
    // The sandbox's kubelet runs no init containers: an init container stuck pulling, as a kubelet reports it, written into the pod's status.
    sb.store.mutate(typeOf(sb, 'pods'), 'apps', pods()[0]!.metadata.name, (o) => {
      const status = ((o as { status?: Record<string, unknown> }).status ??= {});
      status['initContainerStatuses'] = [{ name: 'init-dummy', ready: false, restartCount: 0, image: 'example/init:missing', imageID: '', state: { waiting: { reason: 'ImagePullBackOff', message: 'back-off pulling image: not found' } } }];
    }, { subresource: 'status' });
    const r = await pending;
    expect(r).toMatchObject({ ok: true, valueText: 'ImagePullBackOff', verdict: { phase: 'Inconclusive', message: expect.stringMatching(/^Pod myapp-m-1-[0-9a-f]{5}-[a-z0-9]{5}, container init-dummy has terminal error \(ImagePullBackOff\): back-off pulling image: not found$/) } });
  });

  it('a Job the API server refuses is an Error (TestRunCreateFail)', async () => {
    const message = expectError(await adapter().measure(spec('example/smoke-test:1.0', 'Always'), never, CTX));
    expect(message).toMatch(/^job create myapp-m-1-[0-9a-f]{5} failed: Job apps\/myapp-m-1-[0-9a-f]{5}: create failed: 422 Invalid: .*spec\.template\.spec\.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/);
    expect(jobs()).toEqual([]);
  });

  it('an abandoned measurement deletes its Job (TestTerminateAbortedJob)', async () => {
    world.close();
    world = startWorkloads({ store: sb.store, podStartDelayMs: 5, images: { 'example/long:1': { runMs: 60_000 } }, log: () => undefined });
    const stop = new AbortController();
    const pending = adapter().measure(spec('example/long:1'), stop.signal, CTX);
    await eventually(() => jobs().length === 1, 5_000, 'the Job');
    stop.abort(new Error('analysis terminated'));
    await expect(pending).rejects.toThrow('analysis terminated');
    expect(jobs()).toEqual([]);
  });

  it('keeps the newest 10 Jobs of a Rollout\'s metric', async () => {
    const a = adapter();
    for (let i = 0; i < 12; i++) await a.measure(spec('example/smoke-test:1.0'), never, CTX);
    const names = jobs().map((j) => j.metadata.name);
    expect(names).toHaveLength(10);
    expect(names.some((n) => /^myapp-m-1-/.test(n))).toBe(false);
    expect(names.some((n) => /^myapp-m-12-/.test(n))).toBe(true);
  });

  it('pings by listing Jobs; without a cluster, measuring is an Error', async () => {
    expect(await adapter().ping(spec('x'), never)).toEqual({ ok: true, message: 'batch/v1 Jobs in apps: served' });
    const none = job.create(providerEnv({ namespace: 'apps' }), {});
    expect(expectError(await none.measure(spec('x'), never, CTX))).toBe('the job provider creates a Kubernetes Job: it needs a cluster (a kubeconfig)');
  });
});

describe('Job names (job_test.go TestJobNameWithin63characters, TestJobNameWithTruncation, TestLongJobName)', () => {
  const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

  it('a short metric name is kept whole: <rollout>-<metric>-<measurement>-<random>', () => {
    const name = jobName('myapp', 'short-job-name', 1);
    expect(name).toMatch(/^myapp-short-job-name-1-[0-9a-f]{5}$/);
  });

  it.each([
    ['a name within limits that the prefix pushes over 63', 'a-rollout-with-a-rather-long-name', 'service-endpoint-reachable'],
    ['a metric name of 70 characters', 'myapp', 'this-is-a-very-long-metric-name-that-is-exactly-seventy-characters-long'],
    ['both long, a high measurement count', 'x'.repeat(80), 'y'.repeat(80)],
  ])('%s is shortened in its metric part to a DNS label of at most 63', (_name, rollout, metric) => {
    const name = jobName(rollout, metric, 12345);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(DNS_LABEL);
    expect(name).toMatch(/-12345-[0-9a-f]{5}$/);
    expect(name.startsWith(`${rollout.slice(0, 30)}-${metric.slice(0, 3)}`)).toBe(true);
  });

  it('names Argo allows in a metric that a DNS label does not (dots, capitals) are made valid', () => {
    expect(jobName('MyApp', 'p99.Latency', 2)).toMatch(/^myapp-p99-latency-2-[0-9a-f]{5}$/);
  });
});
