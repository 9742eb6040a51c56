/** The dry-run plan of the seed: 9 steps, 10/40/70/90/100, four 30 s pauses, background analysis every 15 s. */
import { planRun, type CanaryPlan, type Plan } from '../../src/engine/plan.js';
import { scaleRollout } from '../../src/engine/time-scale.js';
import { loadSpec } from '../../src/manifests/index.js';
import { renderPlan } from '../../src/output/plan.js';
import { plainPalette } from '../../src/util/palette.js';
import { blueGreenYaml, seedWith, specFrom, templateYaml } from '../support/spec.js';

async function seed() {
  const r = await loadSpec(['examples/seed/'], { namespace: null, prometheusAddress: null });
  return { rollout: r.spec.rollouts[0]!, templates: r.spec.templates };
}

function canaryPlan(plan: Plan): CanaryPlan {
  if (plan.kind !== 'canary') throw new Error(`expected a canary plan, got ${plan.kind}`);
  return plan;
}

describe('the plan of the seed', () => {
  it('lists the nine steps with weights, replica counts, pauses and the background analysis', async () => {
    const { rollout, templates } = await seed();
    const plan = canaryPlan(planRun(rollout, templates, 'canary'));
    expect(plan.steps.map((s) => [s.step.kind, s.weight, s.canaryReplicas, s.stableReplicas, s.durationMs])).toEqual([
      ['setWeight', 10, 1, 1, 0],
      ['pause', 10, 1, 1, 30_000],
      ['setWeight', 40, 1, 1, 0],
      ['pause', 40, 1, 1, 30_000],
      ['setWeight', 70, 1, 1, 0],
      ['pause', 70, 1, 1, 30_000],
      ['setWeight', 90, 1, 1, 0],
      ['pause', 90, 1, 1, 30_000],
      ['setWeight', 100, 1, 1, 0],
    ]);
    expect(plan.background).toEqual({ startingStep: 0, metrics: [{ name: 'success-rate', intervalMs: 15_000, count: null, fromArgs: [] }] });
    expect(plan.timedMs).toBe(4 * 30_000 + 30_000);
    expect(plan.waitsForPromote).toBe(false);
    const text = renderPlan(plan, { rollout: 'apps/myapp', revision: 'abc', stableRevision: 'def', images: ['x'], timeScale: 1, routing: 'SMI', why: 'new revision abc' }, plainPalette);
    expect(text).toContain('background analysis from step 1: success-rate every 15s');
    expect(text).toContain('expected time: 2m30s of pauses, analysis and delays, plus pod start-up');
    expect(text.split('\n').filter((l) => /^ {2}\d /.test(l))).toHaveLength(9);
  });

  it('scales with --time-scale', async () => {
    const { rollout, templates } = await seed();
    const plan = canaryPlan(planRun(scaleRollout(rollout, 0.1), templates, 'canary'));
    expect(plan.steps.filter((s) => s.step.kind === 'pause').map((s) => s.durationMs)).toEqual([3000, 3000, 3000, 3000]);
  });

  it('has no steps on a first deploy', async () => {
    const { rollout, templates } = await seed();
    expect(canaryPlan(planRun(rollout, templates, 'initial')).steps).toEqual([]);
  });
});

describe('a plan with {{args.x}} in a metric\'s numbers', () => {
  it('shows the placeholders and leaves the time of an analysis step that depends on them unknown', () => {
    const text = seedWith([
      ['  args:\n    - name: service-name\n', '  args:\n    - name: service-name\n    - name: every\n      value: 30s\n'],
      ['      interval: 15s\n', '      interval: "{{args.every}}"\n      count: 3\n'],
      ['- pause: {}', '- analysis: {templates: [{templateName: success-rate}], args: [{name: service-name, value: myapp-canary}]}'],
    ]);
    const { spec, issues } = specFrom(text);
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const plan = canaryPlan(planRun(spec.rollouts[0]!, spec.templates, 'canary'));
    const step = plan.steps[3]!;
    expect(step.analyses.find((a) => a.id === 'step-4')!.metrics).toEqual([{ name: 'errors', intervalMs: null, count: 3, fromArgs: ['interval: {{args.every}}'] }]);
    expect(step.durationMs).toBeNull();
    const out = renderPlan(plan, { rollout: 'apps/myapp', revision: 'abc', stableRevision: null, images: ['x'], timeScale: 1, routing: 'SMI', why: 'new revision abc' }, plainPalette);
    expect(out).toContain('background analysis from step 1: errors (interval: {{args.every}})');
    expect(out).toMatch(/step-4: errors x3 \(interval: \{\{args.every\}\}\)/);
  });
});

describe('the plan of a blue-green Rollout', () => {
  const PRE = templateYaml('pre', ['successCondition: result[0] < 1', 'interval: 10s', 'count: 4']);
  const plan = (lines: string[]) => {
    const { spec, issues } = specFrom(blueGreenYaml({ replicas: 3, blueGreen: lines, docs: [PRE] }));
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    const p = planRun(spec.rollouts[0]!, spec.templates, 'canary');
    if (p.kind !== 'blueGreen') throw new Error('expected a blue-green plan');
    return p;
  };
  const header = { rollout: 'apps/myapp', revision: 'abc', stableRevision: 'def', images: ['x'], timeScale: 1, routing: 'blue-green', why: 'new revision abc' };

  it('lists preview, prePromotionAnalysis, the pause, the switch, the previous revision and the preview going, with their times', () => {
    const p = plan(['previewReplicaCount: 1', 'autoPromotionSeconds: 20', 'scaleDownDelaySeconds: 5', 'prePromotionAnalysis: {templates: [{templateName: pre}]}']);
    expect(p).toMatchObject({ previewReplicas: 1, replicas: 3, pause: { kind: 'timed', ms: 20_000 }, prePromotion: { durationMs: 30_000 }, postPromotion: null, previousRevisionDelayMs: 5_000, waitsForPromote: false });
    expect(p.timedMs).toBe(30_000 + 20_000 + 5_000 + 5_000);
    const text = renderPlan(p, header, plainPalette);
    expect(text.split('\n').slice(4)).toEqual([
      '  1  preview: the new revision at 1 pod(s) beside the 3 active ones; myapp-preview selects it; myapp stays on the active pods',
      '  2  prePromotionAnalysis once every preview pod is available: m every 10s x4 (30s); a failure rolls back',
      '  3  pause 20s (autoPromotionSeconds), or until `canary promote`',
      '  4  preview scaled to 3, then myapp switched to the new revision',
      '  5  previous revision scaled down after 5s: stable rolled to the new revision, myapp moved back to it',
      '  6  preview scaled down after 5s',
      '',
      '  expected time: 1m of pauses, analysis and delays, plus pod start-up',
    ]);
  });

  it('waits for promote with autoPromotionEnabled: false; scaleDownDelayRevisionLimit 0 drops the previous revision at once', () => {
    const p = plan(['autoPromotionEnabled: false', 'scaleDownDelayRevisionLimit: 0']);
    expect(p).toMatchObject({ pause: { kind: 'promote' }, previousRevisionDelayMs: 0, waitsForPromote: true });
    expect(renderPlan(p, header, plainPalette)).toContain('pause until `canary promote` (autoPromotionEnabled: false)');
  });
});
