/**
 * Lint of header and mirror route steps against the Rollout's router: what its definition declares
 * decides (Argo's validation: "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and
 * Apisix"; SMI's router ignores them, smi.go SetHeaderRoute is a no-op), reported at the step.
 */
import { routeStepsRule } from '../../src/routing/managed-routes.js';
import { CTX, errors, seedWith, specFrom } from '../support/spec.js';

const SMI_ROUTING = '        smi:\n          rootService: myapp\n';
const gateway = (plugin: string) => `        plugins:\n          argoproj-labs/gatewayAPI:\n${plugin}`;
const HEADER_STEP = "- setHeaderRoute: {name: tagged, match: [{headerName: X-Canary, headerValue: {exact: 'yes'}}]}";

function lint(routing: string, step: string): string[] {
  const yaml = seedWith([
    [SMI_ROUTING, `        managedRoutes: [{name: tagged}]\n${routing}`],
    ['- setWeight: 10', `- setCanaryScale: {replicas: 1}\n        ${step}\n        - setWeight: 10`],
  ]);
  const { spec, issues } = specFrom(yaml);
  expect(errors(issues)).toEqual([]);
  const stepLine = yaml.split('\n').findIndex((l) => /set(Header|Mirror)Route/.test(l)) + 1;
  return routeStepsRule.check(spec, CTX).map((i) => `${i.line === stepLine ? 'the step\'s line' : i.line}: ${i.path}: ${i.message}`);
}

describe('route steps and the router', () => {
  it('SMI has no header routes: refused at the step', () => {
    expect(lint(SMI_ROUTING, HEADER_STEP)).toEqual([
      "the step's line: spec.strategy.canary.steps[1].setHeaderRoute: setHeaderRoute needs a router that writes header routes, and TrafficSplit has none (a TrafficSplit splits by weight only; SMI has no header routes, and Argo's SMI router ignores setHeaderRoute and setMirrorRoute): use the Gateway API plugin (trafficRouting.plugins[\"argoproj-labs/gatewayAPI\"]) or remove the step",
    ]);
  });

  it('SMI has no mirror routes either', () => {
    expect(lint(SMI_ROUTING, "- setMirrorRoute: {name: tagged, match: [{path: {prefix: /api}}]}")).toEqual([
      expect.stringMatching(/^the step's line: spec\.strategy\.canary\.steps\[1\]\.setMirrorRoute: setMirrorRoute needs a router that writes mirror routes, and TrafficSplit has none/),
    ]);
  });

  it('a route beside a pause is checked as a route step is', () => {
    expect(lint(SMI_ROUTING, "- {pause: {duration: 15}, setHeaderRoute: {name: tagged, match: [{headerName: X-Canary, headerValue: {exact: 'yes'}}]}}")).toEqual([
      expect.stringMatching(/^the step's line: spec\.strategy\.canary\.steps\[1\]\.setHeaderRoute: setHeaderRoute needs a router that writes header routes, and TrafficSplit has none/),
    ]);
    expect(lint(gateway('            httpRoute: myapp\n'), "- {pause: {duration: 15}, setHeaderRoute: {name: tagged, match: [{headerName: X-Canary, headerValue: {exact: 'yes'}}]}}")).toEqual([]);
  });

  it('the Gateway API plugin writes both', () => {
    expect(lint(gateway('            httpRoute: myapp\n'), HEADER_STEP)).toEqual([]);
    expect(lint(gateway('            httpRoute: myapp\n'), '- setMirrorRoute: {name: tagged, percentage: 20, match: [{method: {exact: GET}}]}')).toEqual([]);
  });

  it('with httpRoutes, one of them must take header routes (the plugin\'s useHeaderRoutes)', () => {
    expect(lint(gateway('            httpRoutes: [{name: a}, {name: b}]\n'), HEADER_STEP)).toEqual([
      "the step's line: spec.strategy.canary.steps[1].setHeaderRoute: setHeaderRoute: none of the route objects takes header and mirror routes: set useHeaderRoutes: true on the httpRoutes entry they go to",
    ]);
    expect(lint(gateway('            httpRoutes: [{name: a}, {name: b, useHeaderRoutes: true}]\n'), HEADER_STEP)).toEqual([]);
  });

  it('HTTPRoute matches a method exactly', () => {
    expect(lint(gateway('            httpRoute: myapp\n'), '- setMirrorRoute: {name: tagged, match: [{method: {prefix: G}}]}')).toEqual([
      "the step's line: spec.strategy.canary.steps[1].setMirrorRoute: setMirrorRoute tagged: HTTPRoute matches a method exactly: write method: {exact: G}",
    ]);
  });
});
