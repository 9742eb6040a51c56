/** How a step reads in every renderer: its main kind, then what shares the step with it. */
import { summarizeStep } from '../../src/engine/events.js';
import { describeStep } from '../../src/output/words.js';
import type { Step } from '../../src/manifests/types.js';
import { seedWith, specFrom } from '../support/spec.js';

function stepsOf(lines: string[]): Step[] {
  const yaml = seedWith([
    ['        smi:\n          rootService: myapp\n', '        managedRoutes: [{name: tagged}, {name: copy}]\n        smi:\n          rootService: myapp\n'],
    ['- setWeight: 10', lines.join('\n        ')],
  ]);
  const s = specFrom(yaml).spec.rollouts[0]!.strategy;
  return s.kind === 'canary' ? s.steps : [];
}

describe('describeStep', () => {
  it.each([
    ['- setWeight: 20', 'setWeight 20%'],
    ['- {setWeight: 20, setCanaryScale: {replicas: 2}}', 'setWeight 20%, setCanaryScale 2 replicas'],
    ["- setHeaderRoute: {name: tagged, match: [{headerName: X-Canary, headerValue: {exact: 'yes'}}]}", 'setHeaderRoute tagged: X-Canary exact "yes" -> canary'],
    // Argo test/e2e/apisix/rollout-apisix-canary-set-header.yaml: a pause, a scale and a header route in one step.
    [
      '- {setCanaryScale: {replicas: 1}, setHeaderRoute: {name: tagged, match: [{headerName: trace, headerValue: {exact: debug}}]}, pause: {duration: 15}}',
      'pause 15s, setCanaryScale 1 replica, setHeaderRoute tagged: trace exact "debug" -> canary',
    ],
    [
      '- {setHeaderRoute: {name: tagged}, setMirrorRoute: {name: copy, percentage: 5, match: [{path: {prefix: /api}}]}}',
      'setHeaderRoute tagged: removed, setMirrorRoute copy: 5% of path prefix "/api" mirrored to canary',
    ],
  ])('%s', (line, words) => {
    const [step] = stepsOf([line]);
    expect(describeStep(summarizeStep(step!))).toBe(words);
  });
});
