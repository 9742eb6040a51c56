import { readFileSync } from 'node:fs';
import { connect, type Cluster } from '../../src/wiring/cluster.js';
import { templateRevision } from '../../src/engine/revision.js';
import { RUN_STATE_SCHEMA, type RunState } from '../../src/engine/types.js';
import type { ResolvedRollout } from '../../src/manifests/types.js';
import { resolved } from '../support/engine.js';
import { systemClock } from '../../src/util/clock.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { specFrom } from '../support/spec.js';

/** API requests one call costs, by verb, once the adapters are warm (discovery done). */
async function cost(sb: Sandbox, run: () => Promise<unknown>): Promise<Record<string, number>> {
  await run();
  sb.api.stats.reset();
  await run();
  return sb.api.stats.snapshot().byVerb;
}

describe('connect(): the adapters the commands use, against the seed sandbox', () => {
  let sb: Sandbox;
  let cluster: Cluster;
  let rollout: ResolvedRollout;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'seed', prometheus: false, load: false, podStartDelayMs: 20 });
    rollout = resolved(specFrom(readFileSync('examples/seed/rollout.yaml', 'utf8')).spec.rollouts[0]!);
    cluster = connect({ kubeconfig: sb.kubeconfigPath, clock: systemClock, env: { HOME: '/nonexistent', GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '5' } });
  });
  afterAll(() => sb.close());

  it('knows its context, namespace precedence and identity', () => {
    expect(cluster.kubeconfig.context).toBe('canary-sandbox');
    expect(cluster.namespaceFor(null)).toBe('apps'); // the context's namespace
    expect(cluster.namespaceFor('other')).toBe('other');
    expect(connect({ kubeconfig: sb.kubeconfigPath, namespace: 'flag', clock: systemClock }).namespaceFor('other')).toBe('flag');
    expect(cluster.identity).toMatch(/@.+ pid \d+ https:\/\/github.com\/o\/r\/actions\/runs\/5$/);
  });

  it('API calls per operation (the figures in the report)', async () => {
    const ns = 'apps';
    const workloads = cluster.workloads(rollout, ns);
    const router = cluster.router(rollout, ns)!;
    const store = cluster.stateStore(rollout.name, ns);
    const lock = cluster.lock(rollout.name, ns);
    const template = rollout.template;
    const desired = { template, revision: templateRevision(template), replicas: 1 };

    expect(await lock.acquire()).toMatchObject({ taken: true });
    await workloads.ensure('stable', desired);
    await sb.world.waitForDeployments(['apps/myapp-stable']);
    await workloads.route('stable', 'stable');
    await router.setWeight(0);
    const state = { schema: RUN_STATE_SCHEMA, runId: 'r', owner: lock.identity, handledRequests: [], stepIndex: 0 } as unknown as RunState;
    await store.load();
    await store.save(state);

    expect(await cost(sb, () => workloads.observe())).toEqual({ get: 4 }); // 2 Deployments + 2 Services; pods only while unsettled
    expect(await cost(sb, () => workloads.ensure('stable', desired))).toEqual({ get: 1 }); // already as wanted
    expect(await cost(sb, () => workloads.scale('canary', 0))).toEqual({ patch: 1 });
    expect(await cost(sb, () => workloads.route('canary', 'canary'))).toEqual({ patch: 1 });
    expect(await cost(sb, () => router.getWeight())).toEqual({ get: 1 });
    expect(await cost(sb, () => router.setWeight(0))).toEqual({ get: 1 }); // unchanged: no write
    let step = 0;
    expect(await cost(sb, () => store.save({ ...state, stepIndex: ++step }))).toEqual({ patch: 1 });
    expect(await cost(sb, () => store.request({ id: `r${++step}`, kind: 'abort', at: step, by: 'me', reason: null }))).toEqual({ patch: 1 });
    expect(await cost(sb, () => store.load())).toEqual({ get: 1 });
    expect(await cost(sb, () => lock.holder())).toEqual({ get: 1 });
    await lock.release();
  });
});
