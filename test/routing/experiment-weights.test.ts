/**
 * Lint of experiment template weights against the Rollout's router: Argo's validation
 * (pkg/apis/rollouts/validation/validation.go: "Experiment template weight is only available for
 * TrafficRouting with SMI, ALB, Istio and Plugins"; without trafficRouting, rules.test.ts) with what
 * canary's routers carry, reported at the weight; and canary's own check that the canary's weight at
 * the step and the templates' leave stable 0 or more.
 */
import { experimentWeightsRule } from '../../src/routing/experiment-weights.js';
import { CTX, errors, seedWith, specFrom } from '../support/spec.js';

const SMI_ROUTING = '        smi:\n          rootService: myapp\n';
const EXPERIMENT = (weights: [number, number]) =>
  `- setWeight: 10\n        - experiment: {duration: 1m, templates: [{name: baseline, specRef: stable, weight: ${weights[0]}}, {name: canary, specRef: canary, weight: ${weights[1]}}]}`;

function lint(routing: string, steps: string): string[] {
  const yaml = seedWith([
    [SMI_ROUTING, routing],
    ['- setWeight: 10', steps],
  ]);
  const { spec, issues } = specFrom(yaml);
  expect(errors(issues)).toEqual([]);
  return experimentWeightsRule.check(spec, CTX).map((i) => `${i.line}: ${i.path}: ${i.message}`);
}

describe('experiment template weights and the router', () => {
  it('SMI carries them (Argo smi.go: one backend per weighted template)', () => {
    expect(lint(SMI_ROUTING, EXPERIMENT([5, 5]))).toEqual([]);
  });

  it("the Gateway API plugin carries them too (Argo's plugin adds experiment backendRefs)", () => {
    expect(lint('        plugins:\n          argoproj-labs/gatewayAPI:\n            httpRoute: myapp\n', EXPERIMENT([5, 5]))).toEqual([]);
  });

  it("Istio carries them too (Argo's Istio router adds a destination per experiment Service), host- and subset-level", () => {
    expect(lint('        istio: {virtualService: {name: myapp-vsvc}}\n', EXPERIMENT([5, 5]))).toEqual([]);
    expect(lint('        istio: {virtualService: {name: myapp-vsvc}, destinationRule: {name: myapp, canarySubsetName: canary, stableSubsetName: stable}}\n', EXPERIMENT([5, 5]))).toEqual([]);
  });

  it('a router that cannot: one message per weight, at the weight, naming the router', () => {
    const out = lint('        nginx: {stableIngress: myapp}\n', EXPERIMENT([5, 5]));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^23: spec\.strategy\.canary\.steps\[1\]\.experiment\.templates\[0\]\.weight: experiment template baseline: weight needs a router that sends traffic to experiment Services, and trafficRouting\.nginx does not \(the NGINX canary Ingress carries one canary backend/);
    expect(out[1]).toMatch(/templates\[1\]\.weight: experiment template canary: .*remove weight, or route with trafficRouting\.smi, trafficRouting\.istio or the Gateway API plugin$/);
    expect(lint('        traefik: {weightedTraefikServiceName: myapp}\n', EXPERIMENT([5, 0]))[0]).toMatch(/and trafficRouting\.traefik does not/);
  });

  it('templates without weight are fine with any router', () => {
    expect(lint('        istio: {virtualService: {name: myapp-vsvc}}\n', '- setWeight: 10\n        - experiment: {duration: 1m, templates: [{name: baseline, specRef: stable}]}')).toEqual([]);
  });

  it('canary 10 + 45 + 46 leaves stable below 0: refused at the step; exactly 100 is fine', () => {
    expect(lint(SMI_ROUTING, EXPERIMENT([45, 46]))).toEqual([
      expect.stringMatching(/^24: spec\.strategy\.canary\.steps\[1\]\.experiment: canary 10% \(the setWeight before this step\) \+ baseline 45 \+ canary 46 = 101%, over 100%/),
    ]);
    expect(lint(SMI_ROUTING, EXPERIMENT([45, 45]))).toEqual([]);
  });
});
