/**
 * Header and mirror routes in a run (Argo's managedRoutes): a route step writes the route once the
 * canary has pods, a later step of the same name without match removes it, and promotion, abort,
 * rollback and a resumed crashed run leave none behind.
 */
import { routeDigest, routesAt, routesInPlace } from '../../src/engine/routes.js';
import type { CanaryStrategy } from '../../src/manifests/types.js';
import { harness, runUntilDone, start, type Harness } from '../support/engine.js';
import { ScriptedProvider, vector } from '../support/fake-cluster.js';
import { rolloutYaml, templateYaml } from '../support/spec.js';

const NEW = 'example/myapp:2';
const HEADER = "setHeaderRoute: {name: tagged, match: [{headerName: X-Canary, headerValue: {exact: 'yes'}}]}";
const MIRROR = 'setMirrorRoute: {name: copy, percentage: 50, match: [{method: {exact: GET}, path: {prefix: /api}}]}';

function strategy(h: Harness): CanaryStrategy {
  const s = h.spec.rollouts[0]!.strategy;
  if (s.kind !== 'canary') throw new Error('test setup: a canary Rollout');
  return s;
}

describe('routesAt: the routes the steps ask for (Argo: a route stays until removed or the steps end)', () => {
  const h = harness(
    rolloutYaml({
      managedRoutes: ['tagged', 'copy'],
      steps: ['setCanaryScale: {replicas: 1}', MIRROR, HEADER, 'pause: {duration: 10s}', 'setHeaderRoute: {name: tagged}', 'setWeight: 50'],
    }),
  );
  const s = strategy(h);
  it.each([
    [0, []],
    [1, ['mirror:copy']],
    // managedRoutes order, not step order.
    [2, ['header:tagged', 'mirror:copy']],
    [3, ['header:tagged', 'mirror:copy']],
    // setHeaderRoute without match removes that route only.
    [4, ['mirror:copy']],
    [5, ['mirror:copy']],
    // Past the last step (promotion): none.
    [6, []],
  ])('at step %i: %j', (index, expected) => {
    expect(routesAt(s, index).map((r) => `${r.kind}:${r.name}`)).toEqual(expected);
  });

  it.each([
    // Argo's reconciler writes a step's routes whatever else the step holds (rollout/trafficrouting.go).
    [['setWeight: 20', `{pause: {duration: 10s}, ${HEADER}}`, `{setHeaderRoute: {name: tagged}, ${MIRROR}}`, 'setWeight: 50'], [[], ['header:tagged'], ['mirror:copy'], ['mirror:copy']]],
    [[`{setWeight: 20, ${MIRROR}}`, `{analysis: {templates: [{templateName: bg}]}, ${HEADER}}`], [['mirror:copy'], ['header:tagged', 'mirror:copy']]],
  ])('routes sharing a step with another kind: %j', (steps, expected) => {
    const s2 = strategy(harness(rolloutYaml({ managedRoutes: ['tagged', 'copy'], steps, docs: [templateYaml('bg', ['interval: 5s', 'failureCondition: result[0] > 0'])] })));
    expect(expected.map((_, i) => routesAt(s2, i).map((r) => `${r.kind}:${r.name}`))).toEqual(expected);
  });

  it('a digest follows what the route asks for', () => {
    const [mirror] = routesAt(s, 1);
    expect(routeDigest(mirror!)).toMatch(/^[0-9a-f]{8}$/);
    expect(routeDigest({ ...mirror!, kind: 'mirror', percentage: 10 } as never)).not.toBe(routeDigest(mirror!));
    expect(routesInPlace([{ name: 'copy', digest: routeDigest(mirror!) }], [mirror!])).toBe(true);
    expect(routesInPlace([{ name: 'copy', digest: '00000000' }], [mirror!])).toBe(false);
    expect(routesInPlace(null, [])).toBe(true);
    expect(routesInPlace([], [mirror!])).toBe(false);
  });
});

const ROUTED = rolloutYaml({
  managedRoutes: ['tagged', 'copy'],
  steps: [`{${HEADER}, setCanaryScale: {replicas: 1}}`, 'pause: {duration: 10s}', MIRROR, 'pause: {duration: 10s}', 'setWeight: 50', 'pause: {duration: 10s}'],
  background: { template: 'bg' },
  docs: [templateYaml('bg', ['interval: 5s', 'failureCondition: result[0] > 0'])],
});

async function released(answer: (q: string, n: number) => ReturnType<typeof vector>): Promise<Harness> {
  const h = harness(ROUTED, new ScriptedProvider(answer));
  await runUntilDone(h, await start(h));
  return h;
}

describe('a run with header and mirror routes', () => {
  it('writes the header route once the canary has a pod, adds the mirror, and removes both before traffic moves at promotion', async () => {
    const h = await released(() => vector(0));
    h.cluster.log.length = 0;
    await runUntilDone(h, await start(h, { image: NEW }));
    expect(h.store.run.state?.phase).toBe('Healthy');
    const log = h.cluster.log;
    const canaryUp = log.findIndex((l) => l.startsWith('ensure canary'));
    const header = log.indexOf('routes header:tagged');
    expect(canaryUp).toBeGreaterThanOrEqual(0);
    expect(header).toBeGreaterThan(canaryUp);
    expect(log.indexOf('routes header:tagged,mirror:copy')).toBeGreaterThan(header);
    const removed = log.lastIndexOf('routes -');
    expect(removed).toBeLessThan(log.indexOf('weight 100'));
    expect(h.cluster.managedRoutes).toEqual([]);
    expect(log.filter((l) => l.startsWith('routes'))).toEqual(['routes header:tagged', 'routes header:tagged,mirror:copy', 'routes -']);
  });

  it('a failed analysis rolls back and takes the routes away with the weight', async () => {
    const h = await released((_q, n) => vector(n >= 3 ? 3 : 0));
    await runUntilDone(h, await start(h, { image: NEW }));
    expect(h.store.run.state?.phase).toBe('Degraded');
    expect(h.cluster.log).toContain('routes header:tagged');
    expect(h.cluster.managedRoutes).toEqual([]);
    expect(h.cluster.weight).toBe(0);
  });

  it('SIGTERM (a rollback) removes them', async () => {
    const h = await released(() => vector(0));
    const s = await start(h, { image: NEW });
    for (let t = 0; h.cluster.managedRoutes.length < 2 && t < 600; t++) await h.clock.advance(1_000);
    expect(h.cluster.managedRoutes).toHaveLength(2);
    s.inbox.push({ kind: 'interrupted', signal: 'SIGTERM' });
    await runUntilDone(h, s);
    expect(h.store.run.state?.phase).toBe('Aborted');
    expect(h.cluster.managedRoutes).toEqual([]);
  });
});

describe('routes sharing a step with setWeight or pause (Argo test/e2e/apisix/rollout-apisix-canary-set-header.yaml)', () => {
  const SHARED = rolloutYaml({ managedRoutes: ['tagged', 'copy'], steps: [`{setWeight: 20, ${HEADER}}`, 'setWeight: 50', `{pause: {duration: 10s}, ${MIRROR}}`, 'setWeight: 80'] });

  it('a setWeight step writes its route with its weight; a pause step writes its route when it begins', async () => {
    const h = harness(SHARED, new ScriptedProvider(() => vector(0)));
    await runUntilDone(h, await start(h));
    h.cluster.log.length = 0;
    await runUntilDone(h, await start(h, { image: NEW }));
    expect(h.store.run.state?.phase).toBe('Healthy');
    const log = h.cluster.log;
    const at = (line: string): number => log.indexOf(line);
    expect(at('weight 20')).toBeGreaterThanOrEqual(0);
    expect(at('routes header:tagged')).toBeLessThan(at('weight 50'));
    expect(at('routes header:tagged,mirror:copy')).toBeGreaterThan(at('weight 50'));
    expect(at('routes header:tagged,mirror:copy')).toBeLessThan(at('weight 80'));
    expect(log.filter((l) => l.startsWith('routes'))).toEqual(['routes header:tagged', 'routes header:tagged,mirror:copy', 'routes -']);
    expect(h.cluster.managedRoutes).toEqual([]);
  });
});

describe('a runner killed at any checkpoint and resumed leaves no route behind', () => {
  it.each([
    ['promoted', () => vector(0), 'Healthy'],
    ['rolled back', (_q: string, n: number) => vector(n >= 3 ? 3 : 0), 'Degraded'],
  ] as const)('%s', async (_name, answer, phase) => {
    // Checkpoints: every state save and every cluster write.
    const reference = await released(answer);
    let total = 0;
    const save = reference.store.save.bind(reference.store);
    reference.store.save = async (state, options) => {
      await save(state, options);
      total++;
    };
    await runUntilDone(reference, await start(reference, { image: NEW }));
    total += reference.cluster.log.length;
    expect(reference.store.run.state?.phase).toBe(phase);
    let resumed = 0;
    for (let k = 1; k < total; k += 3) {
      const h = await released(answer);
      let n = 0;
      let stop: () => void = () => {};
      const tick = (): void => {
        if (++n === k) stop();
      };
      const hSave = h.store.save.bind(h.store);
      h.store.save = async (state, options) => {
        await hSave(state, options);
        tick();
      };
      const push = h.cluster.log.push.bind(h.cluster.log);
      h.cluster.log.push = (...items: string[]) => {
        const r = push(...items);
        tick();
        return r;
      };
      const first = await start(h, { image: NEW });
      stop = () => first.stop.abort('crash');
      const r1 = await runUntilDone(h, first);
      if (r1.outcome !== 'finished') {
        const second = await start(h, { image: NEW, owner: 'second-runner', lastAliveAt: h.clock.now() });
        if (second.result) {
          resumed++;
          await runUntilDone(h, second);
        }
      }
      expect({ k, phase: h.store.run.state?.phase, routes: h.cluster.managedRoutes }).toEqual({ k, phase, routes: [] });
    }
    expect(resumed).toBeGreaterThan(3);
  }, 120_000);
});
