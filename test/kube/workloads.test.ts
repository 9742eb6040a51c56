import { KubeWorkloads } from '../../src/kube/workloads.js';
import { Services } from '../../src/kube/resources.js';
import { templateRevision, withImages } from '../../src/engine/revision.js';
import type { DesiredWorkload } from '../../src/engine/ports.js';
import type { JsonObject, ResolvedRollout } from '../../src/manifests/types.js';
import { resolved } from '../support/engine.js';
import { systemClock } from '../../src/util/clock.js';
import { UsageError } from '../../src/util/errors.js';
import { startWorkloads, type Workloads as World } from '../sandbox/world/deployments/index.js';
import { errors, seedWith, specFrom } from '../support/spec.js';
import { kubeSandbox, requestsFor, seed, stored, type KubeSandbox } from './support/sandbox.js';

/** The test Rollout; minReadySeconds makes availability wait in real time, so only one test sets it. */
function rollout(minReadySeconds = 0): ResolvedRollout {
  const yaml = seedWith([
    [
      '      canaryService: myapp-canary',
      '      canaryService: myapp-canary\n      canaryMetadata:\n        labels: {role: canary}\n        annotations: {note: "new"}',
    ],
    ['  replicas: 2', `  replicas: 2\n  minReadySeconds: ${minReadySeconds}\n  revisionHistoryLimit: 4\n  progressDeadlineSeconds: 120`],
  ]);
  const { spec, issues } = specFrom(yaml);
  expect(errors(issues)).toEqual([]);
  return resolved(spec.rollouts[0]!);
}

function desired(r: ResolvedRollout, replicas: number, image?: string): DesiredWorkload {
  const template = (image ? withImages(r.template, [['*', image]]).template : r.template) as JsonObject;
  return { template, revision: templateRevision(template), replicas };
}

async function services(sb: KubeSandbox): Promise<void> {
  for (const name of ['myapp', 'myapp-stable', 'myapp-canary']) {
    await sb.client.create(Services, 'apps', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'apps', labels: { 'app.kubernetes.io/name': 'myapp' }, annotations: { owner: 'team-a' } },
      spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], selector: { app: 'myapp' } },
    });
  }
}

describe('KubeWorkloads', () => {
  let sb: KubeSandbox;
  let world: World | undefined;
  let stop: AbortController;
  beforeEach(async () => {
    sb = await kubeSandbox();
    stop = new AbortController();
  });
  afterEach(async () => {
    stop.abort();
    world?.close();
    world = undefined;
    await sb.close();
  });

  const startWorld = () => {
    world = startWorkloads({ store: sb.store, clock: systemClock, podStartDelayMs: 20, crashBackoffMs: 50, log: () => undefined });
  };

  /** Resolves when observe() satisfies `ok`, re-checking on every watch notification (no polling). */
  const until = (w: KubeWorkloads, ok: (o: Awaited<ReturnType<KubeWorkloads['observe']>>) => boolean, ms = 10_000) =>
    new Promise<Awaited<ReturnType<KubeWorkloads['observe']>>>((resolve, reject) => {
      const done = new AbortController();
      stop.signal.addEventListener('abort', () => done.abort(), { once: true });
      const finish = (f: () => void) => {
        clearTimeout(timer);
        done.abort();
        f();
      };
      const timer = setTimeout(() => finish(() => reject(new Error('observe() never reached the expected state'))), ms);
      let again = false;
      let busy = false;
      const check = async (): Promise<void> => {
        if (busy) return void (again = true);
        busy = true;
        try {
          const o = await w.observe();
          if (!done.signal.aborted && ok(o)) finish(() => resolve(o));
        } catch (err) {
          if (!done.signal.aborted) finish(() => reject(err as Error));
        }
        busy = false;
        if (again && !done.signal.aborted) {
          again = false;
          void check();
        }
      };
      w.watch(() => void check(), done.signal);
      void check();
    });

  it('first deploy: the stable Deployment carries the selector, labels, annotations and fields canary derives from the Rollout', async () => {
    const r = rollout(3);
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    const d = desired(r, 2);
    await w.ensure('stable', d);
    const dep = stored(sb, 'deployments', 'myapp-stable')!;
    expect(dep.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/rollout': 'myapp', 'canary-rollouts/track': 'stable' });
    expect(dep.metadata.annotations).toEqual({ 'canary-rollouts/revision': d.revision });
    const spec = dep['spec'] as Record<string, any>;
    expect(spec['selector']).toEqual({ matchLabels: { app: 'myapp', 'canary-rollouts/track': 'stable' } });
    expect(spec['template'].metadata).toEqual({
      creationTimestamp: null, // the API server's default
      labels: { app: 'myapp', 'canary-rollouts/track': 'stable' },
      annotations: { 'canary-rollouts/revision': d.revision },
    });
    expect(spec['template'].spec.containers[0].image).toBe('example/myapp:1');
    expect(spec).toMatchObject({ replicas: 2, minReadySeconds: 3, revisionHistoryLimit: 4, progressDeadlineSeconds: 120 });

    await w.ensure('canary', desired(r, 1, 'example/myapp:2'));
    const canary = stored(sb, 'deployments', 'myapp-canary')!['spec'] as Record<string, any>;
    expect(canary['selector'].matchLabels).toEqual({ app: 'myapp', 'canary-rollouts/track': 'canary' });
    expect(canary['template'].metadata.labels).toEqual({ app: 'myapp', role: 'canary', 'canary-rollouts/track': 'canary' });
    expect(canary['template'].metadata.annotations.note).toBe('new');
  });

  it('readiness as observe() sees it through the Deployment controller, driven by the watch', async () => {
    startWorld();
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    const d = desired(r, 2);
    await w.ensure('stable', d);
    const o = await until(w, (x) => x.stable?.available === 2);
    expect(o.stable).toEqual({ revision: d.revision, replicas: 2, current: 2, updated: 2, ready: 2, available: 2, observed: true, images: ['example/myapp:1'], problem: null });
    expect(o.canary).toBeNull();
  });

  it('canary scale follows the weight; scale of an absent Deployment is a no-op', async () => {
    startWorld();
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    await w.scale('canary', 3);
    expect(stored(sb, 'deployments', 'myapp-canary')).toBeUndefined();
    await w.ensure('canary', desired(r, 1, 'example/myapp:2'));
    await until(w, (x) => x.canary?.available === 1);
    for (const n of [2, 0]) {
      await w.scale('canary', n);
      const o = await until(w, (x) => x.canary?.replicas === n && x.canary.available === n && x.canary.observed);
      expect(o.canary!.revision).toBe(desired(r, 1, 'example/myapp:2').revision);
    }
  });

  it.each([
    ['crash', /^pod myapp-canary-[a-z0-9]+-[a-z0-9]+: container myapp: CrashLoopBackOff: back-off/],
    ['nonexistent', /^pod myapp-canary-[a-z0-9]+-[a-z0-9]+: container myapp: (ErrImagePull|ImagePullBackOff): /],
  ])('a release that cannot start (%s) is reported with the pod name', async (tag, problem) => {
    startWorld();
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    await w.ensure('canary', desired(r, 1, `example/myapp:${tag}`));
    const o = await until(w, (x) => x.canary?.problem !== null && x.canary?.problem !== undefined);
    expect(o.canary!.problem).toMatch(problem);
    expect(o.canary!.available).toBe(0);
  });

  it('ensure() is idempotent: the same template and size cost one read and no write', async () => {
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    await w.ensure('stable', desired(r, 2));
    const rv = stored(sb, 'deployments', 'myapp-stable')!.metadata.resourceVersion;
    sb.api.stats.reset();
    await w.ensure('stable', desired(r, 2));
    expect(requestsFor(sb, 'deployments.apps')).toEqual({ get: 1 });
    expect(stored(sb, 'deployments', 'myapp-stable')!.metadata.resourceVersion).toBe(rv);
  });

  it('a new revision replaces the template, re-applied over 409s; labels others added are kept', async () => {
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    await w.ensure('stable', desired(r, 2));
    sb.store.mutate(sb.store.types.find((t) => t.resource === 'deployments')!, 'apps', 'myapp-stable', (o) => {
      o.metadata.labels = { ...o.metadata.labels, team: 'a' };
    });
    sb.api.faults.conflicts(0.5, { verbs: ['update'] });
    const next = desired(r, 2, 'example/myapp:2');
    await w.ensure('stable', next);
    const dep = stored(sb, 'deployments', 'myapp-stable')!;
    expect(dep.metadata.annotations?.['canary-rollouts/revision']).toBe(next.revision);
    expect((dep['spec'] as any).template.spec.containers[0].image).toBe('example/myapp:2');
    expect(dep.metadata.labels?.['team']).toBe('a');
  });

  it('refuses a Deployment it did not create; adopts it with adopt; names an immutable selector mismatch', async () => {
    const r = rollout();
    const foreign = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'myapp-stable', namespace: 'apps' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'myapp', 'canary-rollouts/track': 'stable' } },
        template: { metadata: { labels: { app: 'myapp', 'canary-rollouts/track': 'stable' } }, spec: { containers: [{ name: 'myapp', image: 'example/myapp:0' }] } },
      },
    };
    seed(sb, 'deployments', foreign);
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    const err = await w.ensure('stable', desired(r, 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe('Deployment apps/myapp-stable exists but was not created by canary (no app.kubernetes.io/managed-by=canary label)');
    await expect(w.scale('stable', 5)).rejects.toThrow('was not created by canary');
    await expect(w.check()).rejects.toThrow('was not created by canary');
    expect((stored(sb, 'deployments', 'myapp-stable')!['spec'] as any).replicas).toBe(1);

    const adopting = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r, adopt: true });
    await adopting.ensure('stable', desired(r, 2));
    expect(stored(sb, 'deployments', 'myapp-stable')!.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('canary');
    await w.check();

    seed(sb, 'deployments', { ...foreign, metadata: { name: 'myapp-canary', namespace: 'apps', labels: { 'app.kubernetes.io/managed-by': 'canary' } } });
    const mismatch = await w.ensure('canary', desired(r, 1)).catch((e: unknown) => e);
    expect((mismatch as Error).message).toBe(
      "Deployment apps/myapp-canary selects app=myapp,canary-rollouts/track=stable, but canary needs app=myapp,canary-rollouts/track=canary; a Deployment's selector cannot be changed",
    );
    expect((mismatch as UsageError).hint).toBe('delete it (kubectl delete deployment myapp-canary -n apps; its pods go with it) and run again');
  });

  it('Service selector edits touch only the track label; the root Service is never touched', async () => {
    await services(sb);
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    const before = (name: string) => stored(sb, 'services', name)!;
    const root = before('myapp');
    const canaryBefore = before('myapp-canary');
    expect((await w.observe()).services).toEqual({ stable: null, canary: null });
    await w.route('canary', 'canary');
    await w.route('stable', 'stable');
    const canaryAfter = before('myapp-canary');
    const { metadata: m1, spec: s1, ...rest1 } = canaryBefore;
    const { metadata: m2, spec: s2, ...rest2 } = canaryAfter;
    expect(rest2).toEqual(rest1);
    expect({ ...m2, resourceVersion: '' }).toEqual({ ...m1, resourceVersion: '' });
    expect(s2).toEqual({ ...(s1 as object), selector: { app: 'myapp', 'canary-rollouts/track': 'canary' } });
    expect(before('myapp')).toEqual(root);
    expect((await w.observe()).services).toEqual({ stable: 'stable', canary: 'canary' });
    await w.route('canary', 'stable');
    expect((await w.observe()).services.canary).toBe('stable');
  });

  it('a configured Service that does not exist is named', async () => {
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: rollout() });
    await expect(w.route('canary', 'canary')).rejects.toThrow("Service apps/myapp-canary (the Rollout's canaryService) not found");
  });

  it("an experiment template's selector goes into its Deployment whole: matchLabels with canary's experiment label, and matchExpressions", async () => {
    await services(sb);
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    await w.ensure('stable', desired(r, 1));
    const name = 'myapp-0123456789-0-baseline';
    await w.ensureExperiment(
      { name, specRef: 'stable', replicas: 1, labels: { role: 'baseline' }, annotations: {}, selector: { matchLabels: { app: 'myapp' }, matchExpressions: [{ key: 'role', operator: 'In', values: ['baseline', 'control'] }] }, service: null },
      desired(r, 1),
    );
    const d = stored(sb, 'deployments', name) as unknown as { spec: { selector: unknown; template: { metadata: { labels: Record<string, string> } } } };
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'myapp', role: 'baseline', 'canary-rollouts/experiment': name }, matchExpressions: [{ key: 'role', operator: 'In', values: ['baseline', 'control'] }] });
    expect(d.spec.template.metadata.labels).toMatchObject({ app: 'myapp', role: 'baseline', 'canary-rollouts/experiment': name });
  });

  it("a template's Service (service.name) left by an earlier revision's experiment is pointed at this experiment's pods", async () => {
    await services(sb);
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    await w.ensure('stable', desired(r, 1));
    const template = (name: string) => ({ name, specRef: 'stable' as const, replicas: 1, labels: {}, annotations: {}, selector: null, service: 'myapp-baseline' });
    await w.ensureExperiment(template('myapp-0123456789-0-baseline'), desired(r, 1));
    await w.deleteExperimentObject('Deployment', 'myapp-0123456789-0-baseline');
    await w.ensureExperiment(template('myapp-abcdef0123-0-baseline'), desired(r, 1));
    const svc = stored(sb, 'services', 'myapp-baseline') as unknown as { metadata: { labels: Record<string, string> }; spec: { selector: Record<string, string> } };
    expect(svc.spec.selector).toEqual({ 'canary-rollouts/experiment': 'myapp-abcdef0123-0-baseline' });
    expect(svc.metadata.labels['canary-rollouts/experiment']).toBe('myapp-abcdef0123-0-baseline');
    expect((await w.observe()).experiment.services).toEqual([{ name: 'myapp-baseline', experiment: 'myapp-abcdef0123-0-baseline' }]);
  });

  describe('a Rollout whose experiment steps were removed (it has none now)', () => {
    const labelled = (kind: 'Deployment' | 'Service', name: string) => ({
      apiVersion: kind === 'Deployment' ? 'apps/v1' : 'v1',
      kind,
      metadata: { name, namespace: 'apps', labels: { 'app.kubernetes.io/managed-by': 'canary', 'canary-rollouts/experiment-of': 'myapp', 'canary-rollouts/experiment': name } },
      spec: kind === 'Deployment' ? { replicas: 1, selector: { matchLabels: { 'canary-rollouts/experiment': name } }, template: { metadata: { labels: { 'canary-rollouts/experiment': name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } : { selector: { 'canary-rollouts/experiment': name }, ports: [{ port: 80 }] },
    });

    it('finds what an earlier experiment left, labelled for this Rollout, and stops looking once none is left', async () => {
      await services(sb);
      seed(sb, 'deployments', labelled('Deployment', 'myapp-0123456789-1-baseline'));
      seed(sb, 'services', labelled('Service', 'myapp-0123456789-1-baseline'));
      const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: rollout() });
      const found = (await w.observe()).experiment;
      expect(found.deployments.map((d) => d.name)).toEqual(['myapp-0123456789-1-baseline']);
      expect(found.services).toEqual([{ name: 'myapp-0123456789-1-baseline', experiment: 'myapp-0123456789-1-baseline' }]);
      await w.deleteExperimentObject('Deployment', 'myapp-0123456789-1-baseline');
      await w.deleteExperimentObject('Service', 'myapp-0123456789-1-baseline');
      expect((await w.observe()).experiment).toEqual({ deployments: [], services: [] });
      sb.api.stats.reset();
      await w.observe();
      await w.observe();
      // Nothing left: no more lists of experiment objects on every observation.
      expect(sb.api.stats.requests().filter((q) => q.method === 'GET' && q.url.includes('labelSelector=canary-rollouts'))).toEqual([]);
    });

    it('where the Role grants no list on them, it does not look (and the run is not stopped)', async () => {
      await services(sb);
      seed(sb, 'deployments', labelled('Deployment', 'myapp-0123456789-1-baseline'));
      sb.api.authorizer.setRules([
        { verbs: ['get', 'watch', 'create', 'update', 'patch'], apiGroups: ['*'], resources: ['*'] },
        { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
      ]);
      const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: rollout() });
      expect((await w.observe()).experiment).toEqual({ deployments: [], services: [] });
    });
  });

  it('the watch survives cut streams and still reports changes', async () => {
    await services(sb);
    const r = rollout();
    const w = new KubeWorkloads({ client: sb.client, namespace: 'apps', rollout: r });
    let changes = 0;
    w.watch(() => changes++, stop.signal);
    await w.ensure('stable', desired(r, 1));
    const waitFor = async (n: number) => {
      const until = Date.now() + 5000;
      while (changes < n && Date.now() < until) await new Promise((res) => setTimeout(res, 10));
      expect(changes).toBeGreaterThanOrEqual(n);
    };
    await waitFor(1);
    // Each Deployment and Service by name, the pods by label (the experiments' only with experiment steps).
    expect(sb.api.openWatches()).toBe(5);
    expect(sb.api.faults.cutWatchesNow()).toBe(5);
    const seen = changes;
    await w.route('canary', 'canary');
    await waitFor(seen + 1);
  });
});
