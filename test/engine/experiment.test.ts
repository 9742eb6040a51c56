/**
 * The experiment step with in-memory ports and a fake clock: Argo's Experiment lifecycle
 * (docs/features/experiment.md "Experiment Lifecycle"; experiments/experiment.go): templates up,
 * analyses once every template is available, done after the duration (and the required analyses),
 * a failed analysis fails the rollout, everything the experiment made deleted afterwards.
 */
import type { ProviderResult } from '../../src/analysis/provider.js';
import { harness, runFor, runUntilDone, start, type Harness } from '../support/engine.js';
import { ScriptedProvider, vector } from '../support/fake-cluster.js';
import { rolloutYaml } from '../support/spec.js';

const NEW = 'example/myapp:2';

function template(name: string, metric: string[], query: string, args: string[] = []): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: AnalysisTemplate',
    `metadata: {name: ${name}, namespace: apps}`,
    'spec:',
    ...(args.length ? ['  args:', ...args.map((a) => `    - name: ${a}`)] : []),
    '  metrics:',
    '    - name: m',
    ...metric.map((l) => `      ${l}`),
    '      provider:',
    '        prometheus:',
    '          address: http://prometheus:9090',
    `          query: ${query}`,
  ].join('\n');
}

/** Baseline (stable) and canary (canary) at one replica each, judged by `judge` with the templates' hashes. */
function experimentRollout(experiment: string[], docs: string[]): string {
  return rolloutYaml({ steps: ['setWeight: 0', experiment.join('\n          '), 'pause: {}'], docs });
}

const STEP = [
  'experiment:',
  '  duration: 60s',
  '  templates:',
  '    - {name: baseline, specRef: stable, service: {}}',
  '    - {name: canary, specRef: canary, service: {}}',
  '  analyses:',
  '    - name: judge',
  '      templateName: judge',
  '      args:',
  '        - {name: baseline, value: "{{templates.baseline.podTemplateHash}}"}',
  '        - {name: canary, value: "{{templates.canary.podTemplateHash}}"}',
];
const JUDGE = template('judge', ['interval: 10s', 'count: 3', 'failureCondition: result[0] > 0'], 'judge-{{args.baseline}}-{{args.canary}}', ['baseline', 'canary']);

async function deployed(yaml: string, answer: (q: string, n: number) => ProviderResult = () => vector(0)): Promise<Harness> {
  const h = harness(yaml, new ScriptedProvider(answer));
  await runUntilDone(h, await start(h));
  h.cluster.log.length = 0;
  h.events.length = 0;
  return h;
}

const experimentLines = (log: string[]) => log.filter((l) => l.startsWith('experiment') || l.startsWith('delete'));

describe('an experiment step', () => {
  it('brings up baseline and canary, judges them with their hashes, completes after the duration and deletes what it made', async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]));
    const s = await start(h, { image: NEW });
    const name = `myapp-${s.revision}-1`;
    await runFor(h, 5_000);
    expect(experimentLines(h.cluster.log)).toEqual([`experiment ${name}-baseline x1`, `experiment service ${name}-baseline`, `experiment ${name}-canary x1`, `experiment service ${name}-canary`]);
    const state = h.store.run.state!;
    expect(state.experiment).toMatchObject({ stepIndex: 1, name, availableAt: expect.any(Number) });
    // The args name the templates' pod-template-hashes (Argo's {{templates.NAME.podTemplateHash}}).
    const hashes = state.experiment!.hashes;
    expect(h.provider.calls[0]).toBe(`judge-${hashes['baseline']}-${hashes['canary']}`);
    const availableAt = state.experiment!.availableAt!;
    await runFor(h, 50_000);
    expect(h.store.run.state!.stepIndex).toBe(1);
    await runFor(h, 10_000);
    const after = h.store.run.state!;
    expect(after.stepIndex).toBe(2);
    expect(after.experiment).toBeNull();
    expect(h.events.filter((e) => e.kind === 'experimentDeleted').map((e) => e.kind === 'experimentDeleted' && `${e.object} ${e.name} ${e.leftover}`).sort()).toEqual([
      `Deployment ${name}-baseline false`,
      `Deployment ${name}-canary false`,
      `Service ${name}-baseline false`,
      `Service ${name}-canary false`,
    ]);
    const completed = h.events.find((e) => e.kind === 'stepCompleted' && e.index === 1)!;
    expect(completed.at - availableAt).toBeGreaterThanOrEqual(60_000);
    expect(completed.at - availableAt).toBeLessThan(62_000);
    expect(after.analyses.find((a) => a.id === 'step-2-judge')).toMatchObject({ phase: 'Successful' });
    expect(h.cluster.experiments.size).toBe(0);
    expect(h.cluster.experimentServices.size).toBe(0);
    expect(experimentLines(h.cluster.log).slice(4).sort()).toEqual([`delete Deployment ${name}-baseline`, `delete Deployment ${name}-canary`, `delete Service ${name}-baseline`, `delete Service ${name}-canary`]);
    s.stop.abort();
  });

  it("a template's Service named in the manifest (service.name) is this run's: deleted after the step without being called an earlier run's", async () => {
    const named = STEP.map((l) => l.replace('{name: baseline, specRef: stable, service: {}}', '{name: baseline, specRef: stable, service: {name: myapp-baseline}}'));
    expect(named).not.toEqual(STEP);
    const h = await deployed(experimentRollout(named, [JUDGE]));
    const s = await start(h, { image: NEW });
    const name = `myapp-${s.revision}-1`;
    await runFor(h, 5_000);
    expect(h.cluster.experimentServices.get('myapp-baseline')).toBe(`${name}-baseline`);
    await runFor(h, 60_000);
    expect(h.store.run.state!.stepIndex).toBe(2);
    expect(h.events.filter((e) => e.kind === 'experimentDeleted').map((e) => e.kind === 'experimentDeleted' && `${e.object} ${e.name} ${e.leftover}`).sort()).toEqual([
      `Deployment ${name}-baseline false`,
      `Deployment ${name}-canary false`,
      'Service myapp-baseline false',
      `Service ${name}-canary false`,
    ]);
    expect(h.cluster.experimentServices.size).toBe(0);
    s.stop.abort();
  });

  it("while the templates come up, the run says which experiment Deployment it waits for, one after another", async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]));
    const s = await start(h, { image: NEW });
    const name = `myapp-${s.revision}-1`;
    await runFor(h, 1_000);
    // The canary template's pods come up later than the baseline's.
    h.cluster.experiments.get(`${name}-canary`)!.readyAt += 5_000;
    await runFor(h, 10_000);
    const waits = h.events.filter((e) => e.kind === 'waiting' && e.deployment);
    expect(waits.map((e) => e.kind === 'waiting' && `${e.deployment} ${e.ready}/${e.desired}`)).toEqual([`${name}-baseline 0/1`, `${name}-canary 0/1`]);
    s.stop.abort();
  });

  it('a failed analysis fails the rollout: rolled back, Degraded, the metric named, nothing of the experiment left', async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]), (q) => vector(q.startsWith('judge') ? 1 : 0));
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.message).toMatch(/^analysis step-2-judge failed: metric m: result \[1\] matched failureCondition/);
    expect(h.cluster.experiments.size).toBe(0);
    expect(h.cluster.experimentServices.size).toBe(0);
    // The experiment's objects go before the verdict.
    const finished = h.events.find((e) => e.kind === 'finished')!;
    expect(finished).toBeDefined();
    expect(h.cluster.log.indexOf(`delete Deployment myapp-${s.revision}-1-canary`)).toBeGreaterThan(-1);
  });

  it('without a duration, ends when the required analysis does; the others are terminated', async () => {
    const quick = template('quick', ['interval: 10s', 'count: 2'], 'quick');
    const endless = template('endless', ['interval: 10s'], 'endless');
    const step = [
      'experiment:',
      '  templates:',
      '    - {name: baseline, specRef: stable}',
      '    - {name: canary, specRef: canary}',
      '  analyses:',
      '    - {name: quick, templateName: quick, requiredForCompletion: true}',
      '    - {name: endless, templateName: endless}',
    ];
    const h = await deployed(experimentRollout(step, [quick, endless]));
    const s = await start(h, { image: NEW });
    await runFor(h, 20_000);
    const st = h.store.run.state!;
    expect(st.stepIndex).toBe(2);
    expect(st.analyses.map((a) => [a.id, a.phase, a.terminatedBy ?? null])).toEqual([
      ['step-2-endless', 'Successful', 'skip'],
      ['step-2-quick', 'Successful', null],
    ]);
    expect(h.cluster.experiments.size).toBe(0);
    s.stop.abort();
  });

  it('without a duration or a required analysis, ends when all analyses do', async () => {
    const a = template('a', ['interval: 10s', 'count: 2'], 'a');
    const b = template('b', ['interval: 10s', 'count: 4'], 'b');
    const step = ['experiment:', '  templates: [{name: canary, specRef: canary}]', '  analyses: [{name: a, templateName: a}, {name: b, templateName: b}]'];
    const h = await deployed(experimentRollout(step, [a, b]));
    const s = await start(h, { image: NEW });
    await runFor(h, 20_000);
    expect(h.store.run.state!.stepIndex).toBe(1);
    await runFor(h, 20_000);
    expect(h.store.run.state!.stepIndex).toBe(2);
    expect(h.store.run.state!.analyses.every((r) => r.phase === 'Successful' && !r.terminatedBy)).toBe(true);
    s.stop.abort();
  });

  it('a template whose pods never become available runs into progressDeadlineSeconds, named in the message', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 0', STEP.join('\n          '), 'pause: {}'], spec: ['progressDeadlineSeconds: 60', 'progressDeadlineAbort: true'], docs: [JUDGE] }));
    h.cluster.readyDelayMs = 3_600_000;
    const s = await start(h, { image: NEW });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Degraded');
    expect(r.state.message).toMatch(new RegExp(`^ProgressDeadlineExceeded: myapp-${s.revision}-1-baseline has 0/1 pods available after 1m`));
    expect(h.cluster.experiments.size).toBe(0);
  });

  it('abort mid-experiment rolls back and deletes the experiment', async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]));
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    expect(h.cluster.experiments.size).toBe(2);
    await h.store.request({ id: 'a1', kind: 'abort', at: h.clock.now(), by: 'bob', reason: null });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    expect(h.cluster.experiments.size).toBe(0);
    expect(h.cluster.experimentServices.size).toBe(0);
    expect(r.state.analyses.find((a) => a.id === 'step-2-judge')).toMatchObject({ terminatedBy: 'rollback' });
  });

  it('SIGTERM mid-experiment rolls back and deletes the experiment', async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]));
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    s.inbox.push({ kind: 'interrupted', signal: 'SIGTERM' });
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    expect(h.cluster.experiments.size).toBe(0);
  });

  it('promote ends the experiment step (as Argo skips the step) and deletes it', async () => {
    const step = ['experiment:', '  templates: [{name: canary, specRef: canary}]'];
    const h = await deployed(experimentRollout(step, []));
    const s = await start(h, { image: NEW });
    await runFor(h, 30_000);
    expect(h.store.run.state!.stepIndex).toBe(1);
    await h.store.request({ id: 'p1', kind: 'promote', at: h.clock.now(), by: 'bob', reason: null });
    await runFor(h, 2_000);
    expect(h.store.run.state!.stepIndex).toBe(2);
    expect(h.cluster.experiments.size).toBe(0);
    s.stop.abort();
  });

  it('a runner that died mid-experiment is resumed: the next one continues the experiment and cleans up after it', async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]));
    const first = await start(h, { image: NEW });
    await runFor(h, 20_000);
    first.stop.abort('crash');
    await runFor(h, 1_000);
    expect(h.cluster.experiments.size).toBe(2);
    const availableAt = h.store.run.state!.experiment!.availableAt!;
    const second = await start(h, { image: NEW, owner: 'second-runner', lastAliveAt: h.clock.now() });
    expect(second.decision.kind).toBe('resume');
    await runFor(h, 45_000);
    const st = h.store.run.state!;
    expect(st.stepIndex).toBe(2);
    // The same experiment went on: no second set of Deployments, the duration counted from the first availability.
    expect(h.cluster.log.filter((l) => l.startsWith('experiment ') && l.endsWith('x1'))).toHaveLength(2);
    expect(h.events.find((e) => e.kind === 'stepCompleted' && e.index === 1)!.at - availableAt).toBeLessThan(62_000);
    expect(h.cluster.experiments.size).toBe(0);
    second.stop.abort();
  });

  it('a Rollout whose experiment steps were removed: the next run deletes what they left and says so, then goes on', async () => {
    const h = await deployed(rolloutYaml({ steps: ['setWeight: 10', 'pause: {}'], docs: [] }));
    await h.cluster.workloads.ensureExperiment(
      { name: 'myapp-0123456789-1-baseline', specRef: 'stable', replicas: 1, labels: {}, annotations: {}, selector: null, service: 'myapp-0123456789-1-baseline' },
      { template: {}, revision: 'x', replicas: 1 },
    );
    const s = await start(h, { image: NEW });
    await runFor(h, 5_000);
    expect(h.cluster.experiments.size).toBe(0);
    expect(h.cluster.experimentServices.size).toBe(0);
    const said = h.events.filter((e) => e.kind === 'experimentDeleted');
    expect(said).toEqual([
      { kind: 'experimentDeleted', at: expect.any(Number), object: 'Deployment', name: 'myapp-0123456789-1-baseline', leftover: true },
      { kind: 'experimentDeleted', at: expect.any(Number), object: 'Service', name: 'myapp-0123456789-1-baseline', leftover: true },
    ]);
    expect(h.store.run.state!.phase).toBe('Paused');
    s.stop.abort();
  });

  it("what a dead run's experiment left behind is deleted by the next run, whatever it is", async () => {
    const h = await deployed(experimentRollout(STEP, [JUDGE]));
    // An older run's experiment, left when its runner was killed and its state replaced.
    await h.cluster.workloads.ensureExperiment(
      { name: 'myapp-0123456789-1-baseline', specRef: 'stable', replicas: 1, labels: {}, annotations: {}, selector: null, service: 'myapp-0123456789-1-baseline' },
      { template: {}, revision: 'x', replicas: 1 },
    );
    const s = await start(h, { image: NEW });
    await runFor(h, 3_000);
    expect(h.cluster.log).toEqual(expect.arrayContaining(['delete Deployment myapp-0123456789-1-baseline', 'delete Service myapp-0123456789-1-baseline']));
    expect([...h.cluster.experiments.keys()].every((n) => n.startsWith(`myapp-${s.revision}-1-`))).toBe(true);
    s.stop.abort();
  });
});

/**
 * Weighted templates (Argo docs/features/experiment.md "Weighted Experiment Step with Traffic
 * Routing"; rollout/trafficrouting.go calculateWeightDestinationsFromExperiment: a destination per
 * weighted template only while the experiment is Running; smi.go: stable gets what is left).
 */
describe('an experiment step with weighted templates', () => {
  const WEIGHTED = [
    'experiment:',
    '  duration: 60s',
    '  templates:',
    '    - {name: baseline, specRef: stable, weight: 5}',
    '    - {name: canary, specRef: canary, weight: 5}',
  ];
  const rollout = () => rolloutYaml({ steps: ['setWeight: 10', WEIGHTED.join('\n          '), 'pause: {}'], docs: [] });
  const weightLines = (log: string[]) => log.filter((l) => l.startsWith('weight') || l.startsWith('experiment') || l.startsWith('delete'));

  it('sends each template its weight once every template is available, and takes it back before deleting them', async () => {
    const h = await deployed(rollout());
    const s = await start(h, { image: NEW });
    const name = `myapp-${s.revision}-1`;
    const extra = `weight 10 ${name}-baseline=5 ${name}-canary=5`;
    await runFor(h, 10_000);
    // A weight gives the template a Service of the Deployment's name (Argo rollout/experiment.go); no traffic before both are up.
    expect(weightLines(h.cluster.log)).toEqual([
      'weight 10',
      `experiment ${name}-baseline x1`,
      `experiment service ${name}-baseline`,
      `experiment ${name}-canary x1`,
      `experiment service ${name}-canary`,
      extra,
    ]);
    expect(h.cluster.log.indexOf(extra)).toBeGreaterThan(h.cluster.log.findIndex((l) => l === `experiment service ${name}-canary`));
    expect(h.cluster.additional).toEqual([
      { service: `${name}-baseline`, weight: 5 },
      { service: `${name}-canary`, weight: 5 },
    ]);
    await runFor(h, 60_000);
    expect(h.store.run.state!.stepIndex).toBe(2);
    const log = weightLines(h.cluster.log);
    const back = log.lastIndexOf('weight 10');
    expect(back).toBeGreaterThan(log.indexOf(extra));
    // The route first: no Service or pods go while the route still sends them traffic.
    expect(log.slice(back + 1).sort()).toEqual([`delete Deployment ${name}-baseline`, `delete Deployment ${name}-canary`, `delete Service ${name}-baseline`, `delete Service ${name}-canary`]);
    expect(h.cluster.additional).toEqual([]);
    expect(h.cluster.weight).toBe(10);
    s.stop.abort();
  });

  it.each([
    ['canary abort', (h: Harness) => h.store.request({ id: 'a1', kind: 'abort', at: h.clock.now(), by: 'bob', reason: null })],
    ['SIGTERM', async (_h: Harness, s: Awaited<ReturnType<typeof start>>) => s.inbox.push({ kind: 'interrupted', signal: 'SIGTERM' })],
  ] as const)('%s mid-experiment: weight 0 with no experiment backend, then the experiment deleted', async (_what, stop) => {
    const h = await deployed(rollout());
    const s = await start(h, { image: NEW });
    await runFor(h, 10_000);
    expect(h.cluster.additional).toHaveLength(2);
    h.cluster.log.length = 0;
    await stop(h, s);
    const r = await runUntilDone(h, s);
    expect(r.state.phase).toBe('Aborted');
    const log = weightLines(h.cluster.log);
    expect(log[0]).toBe('weight 0');
    expect(log.slice(1).filter((l) => l.startsWith('delete'))).toHaveLength(4);
    expect(h.cluster.additional).toEqual([]);
    expect(h.cluster.experiments.size).toBe(0);
    expect(h.cluster.experimentServices.size).toBe(0);
  });

  it('a runner killed with experiment backends in place: the next run (another revision) takes them off the route, then deletes the objects', async () => {
    const h = await deployed(rollout());
    const first = await start(h, { image: NEW });
    await runFor(h, 10_000);
    first.stop.abort('crash');
    await runFor(h, 1_000);
    expect(h.cluster.additional).toHaveLength(2);
    h.cluster.log.length = 0;
    const second = await start(h, { image: 'example/myapp:3', owner: 'second-runner', lastAliveAt: h.clock.now() });
    await runFor(h, 3_000);
    const log = weightLines(h.cluster.log);
    const firstDelete = log.findIndex((l) => l.startsWith('delete'));
    expect(firstDelete).toBeGreaterThan(0);
    expect(log.slice(0, firstDelete).some((l) => l.startsWith('weight') && !l.includes('='))).toBe(true);
    expect(h.cluster.additional).toEqual([]);
    expect([...h.cluster.experimentServices.keys()].some((n) => n.startsWith(`myapp-${first.revision}-`))).toBe(false);
    second.stop.abort();
  });
});
