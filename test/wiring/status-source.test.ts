/**
 * What `canary status` reads besides the cluster: which experiment Deployment a weighted template's
 * Service is for, from the run's stored manifests (a template's service.name is not its Deployment's).
 */
import { readFileSync } from 'node:fs';
import type { RunState } from '../../src/engine/types.js';
import type { RouteInfo } from '../../src/status/types.js';
import { withExperimentDeployments } from '../../src/wiring/status-source.js';
import { errors, specFrom } from '../support/spec.js';

/** examples/experiment/ with `weight: 5` on both templates (its Services are myapp-baseline and myapp-experiment). */
function weightedExample() {
  const rollout = readFileSync('examples/experiment/rollout.yaml', 'utf8').replace(/(service: \{name: myapp-(baseline|experiment)\})/g, '$1\n                weight: 5');
  const { spec, issues } = specFrom(`${rollout}\n---\n${readFileSync('examples/experiment/analysis-template.yaml', 'utf8')}`);
  expect(errors(issues)).toEqual([]);
  return spec.rollouts[0]!;
}

const running = { experiment: { stepIndex: 0, name: 'myapp-7f9c2d1e4a-0', startedAt: 0, availableAt: 1, hashes: {} } } as unknown as RunState;
const route: RouteInfo = {
  kind: 'TrafficSplit',
  name: 'myapp',
  weight: 0,
  additional: [
    { service: 'myapp-baseline', weight: 5 },
    { service: 'myapp-experiment', weight: 5 },
  ],
};

describe('withExperimentDeployments', () => {
  it("names the experiment Deployment of each template's Service on the route object", () => {
    expect(withExperimentDeployments(route, weightedExample(), running).additional).toEqual([
      { service: 'myapp-baseline', weight: 5, deployment: 'myapp-7f9c2d1e4a-0-baseline' },
      { service: 'myapp-experiment', weight: 5, deployment: 'myapp-7f9c2d1e4a-0-canary' },
    ]);
  });

  it('leaves the route as read without a running experiment step or a stored Rollout, and a Service no template names', () => {
    expect(withExperimentDeployments(route, weightedExample(), { experiment: null } as unknown as RunState)).toBe(route);
    expect(withExperimentDeployments(route, null, running)).toBe(route);
    const other: RouteInfo = { ...route, additional: [{ service: 'someone-else', weight: 5 }] };
    expect(withExperimentDeployments(other, weightedExample(), running).additional).toEqual([{ service: 'someone-else', weight: 5 }]);
  });
});
