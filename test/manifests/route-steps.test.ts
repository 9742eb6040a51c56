/**
 * setHeaderRoute, setMirrorRoute and managedRoutes as read from a Rollout, with Argo's validation
 * (argoproj/argo-rollouts pkg/apis/rollouts/validation/validation.go; the constant each case ports
 * is named).
 */
import type { Step } from '../../src/manifests/types.js';
import { errors, seedWith, specFrom } from '../support/spec.js';

const SMI_ROUTING = '        smi:\n          rootService: myapp\n';

function withSteps(steps: string[], managed = '[{name: tagged}, {name: copy}]'): string {
  return seedWith([
    [SMI_ROUTING, `        managedRoutes: ${managed}\n${SMI_ROUTING}`],
    ['- setWeight: 10', steps.join('\n        ')],
  ]);
}

function stepsOf(yaml: string): Step[] {
  const { spec, issues } = specFrom(yaml);
  expect(errors(issues)).toEqual([]);
  const s = spec.rollouts[0]!.strategy;
  return s.kind === 'canary' ? s.steps : [];
}

describe('reading route steps', () => {
  it('a header route, its match, and one without match (which removes the route)', () => {
    const steps = stepsOf(withSteps(["- setHeaderRoute: {name: tagged, match: [{headerName: X-Canary, headerValue: {prefix: 'ye'}}, {headerName: X-Team, headerValue: {regex: 'a|b'}}]}", '- setHeaderRoute: {name: tagged}']));
    expect(steps.slice(0, 2)).toEqual([
      {
        kind: 'setHeaderRoute',
        loc: expect.objectContaining({ path: 'spec.strategy.canary.steps[0].setHeaderRoute' }),
        name: 'tagged',
        match: [
          { headerName: 'X-Canary', headerValue: { kind: 'prefix', value: 'ye' } },
          { headerName: 'X-Team', headerValue: { kind: 'regex', value: 'a|b' } },
        ],
      },
      { kind: 'setHeaderRoute', loc: expect.anything(), name: 'tagged', match: null },
    ]);
  });

  it('a mirror route: percentage defaults to 100; method, path and headers', () => {
    const [mirror] = stepsOf(withSteps(["- setMirrorRoute: {name: copy, match: [{method: {exact: GET}, path: {prefix: /api}, headers: {X-Debug: {exact: '1'}}}]}"]));
    expect(mirror).toEqual({
      kind: 'setMirrorRoute',
      loc: expect.anything(),
      name: 'copy',
      percentage: 100,
      match: [{ method: { kind: 'exact', value: 'GET' }, path: { kind: 'prefix', value: '/api' }, headers: [{ name: 'X-Debug', value: { kind: 'exact', value: '1' } }] }],
    });
  });

  it('setCanaryScale may share the step (Argo examples/apisix)', () => {
    const [step] = stepsOf(withSteps(["- {setCanaryScale: {replicas: 1}, setHeaderRoute: {name: tagged, match: [{headerName: trace, headerValue: {exact: debug}}]}}"]));
    expect(step).toMatchObject({ kind: 'setHeaderRoute', canaryScale: { kind: 'replicas', replicas: 1 } });
  });

  // validation.go's hasMultipleStepsType counts setWeight, pause, experiment and analysis only; the
  // reconciler (rollout/trafficrouting.go) writes a step's setHeaderRoute and setMirrorRoute whatever
  // else it holds, and completedCurrentCanaryStep decides completion by the other kind.
  it('a route may share the step with pause and setCanaryScale (Argo test/e2e/apisix/rollout-apisix-canary-set-header.yaml)', () => {
    const [step] = stepsOf(withSteps(['- {setCanaryScale: {replicas: 1}, setHeaderRoute: {match: [{headerName: trace, headerValue: {exact: debug}}], name: tagged}, pause: {duration: 15}}']));
    expect(step).toEqual({
      kind: 'pause',
      loc: expect.anything(),
      durationMs: 15_000,
      canaryScale: { kind: 'replicas', replicas: 1 },
      routes: [{ kind: 'setHeaderRoute', loc: expect.objectContaining({ path: 'spec.strategy.canary.steps[0].setHeaderRoute' }), name: 'tagged', match: [{ headerName: 'trace', headerValue: { kind: 'exact', value: 'debug' } }] }],
    });
  });

  it('routes beside setWeight, analysis and experiment; a header and a mirror route in one step, header first', () => {
    const header = "setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {exact: b}}]}";
    const steps = stepsOf(withSteps([`- {setWeight: 20, ${header}}`, '- {setMirrorRoute: {name: copy, percentage: 5, match: [{path: {prefix: /}}]}, ' + header + '}']));
    expect(steps[0]).toMatchObject({ kind: 'setWeight', weight: 20, routes: [{ kind: 'setHeaderRoute', name: 'tagged' }] });
    expect(steps[1]).toMatchObject({ kind: 'setHeaderRoute', name: 'tagged', routes: [{ kind: 'setMirrorRoute', name: 'copy', percentage: 5 }] });
  });
});

const rows: [string, string, RegExp][] = [
  ['InvalidStringMatchMultipleValuePolicy', withSteps(["- setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {exact: x, prefix: y}}]}"]), /headerValue: set exactly one of exact, prefix or regex, not exact and prefix/],
  ['InvalidStringMatchMissedValuePolicy', withSteps(['- setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {}}]}']), /headerValue: set one of exact, prefix or regex/],
  ['InvalidStringMatchMissedValuePolicy (no headerValue)', withSteps(['- setHeaderRoute: {name: tagged, match: [{headerName: a}]}']), /headerValue: required field is missing: set one of exact, prefix or regex/],
  ['StringMatch values are not empty (Argo reads "" as unset)', withSteps(["- setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {exact: ''}}]}"]), /exact must not be empty/],
  ['a regex compiles', withSteps(["- setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {regex: '(a'}}]}"]), /regex: not a valid regular expression/],
  ['InvalidStringMatchMultipleValuePolicy (mirror path)', withSteps(['- setMirrorRoute: {name: copy, match: [{path: {exact: /a, regex: /b}}]}']), /path: set exactly one of exact, prefix or regex, not exact and regex/],
  ['a mirror match is not empty', withSteps(['- setMirrorRoute: {name: copy, match: [{}]}']), /a mirror match needs at least one of method, path or headers/],
  ['mirror percentage is 0-100', withSteps(['- setMirrorRoute: {name: copy, percentage: 101, match: [{path: {prefix: /}}]}']), /percentage: .*100/],
  ['InvalideStepRouteNameNotFoundInManagedRoutes', withSteps(['- setMirrorRoute: {name: other, match: [{path: {prefix: /}}]}']), /route "other" is not in spec\.strategy\.canary\.trafficRouting\.managedRoutes/],
  ['managed route names are listed once', withSteps(['- setWeight: 10'], '[{name: tagged}, {name: tagged}]'), /managed route "tagged" is listed twice/],
  ['InvalidStepRouteNameNotFoundInManagedRoutes (a route beside a pause)', withSteps(['- {pause: {}, setMirrorRoute: {name: other, match: [{path: {prefix: /}}]}}']), /route "other" is not in spec\.strategy\.canary\.trafficRouting\.managedRoutes/],
  ['hasMultipleStepsType: a route step does not lift the one-of rule', withSteps(["- {pause: {}, setWeight: 20, setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {exact: b}}]}}"]), /a step has one of setWeight, pause, experiment or analysis, this one has setWeight and pause/],
  [
    'InvalidSetHeaderRouteTrafficPolicy: requires trafficRouting',
    seedWith([
      ['      trafficRouting:\n' + SMI_ROUTING, ''],
      ['- setWeight: 10', "- setHeaderRoute: {name: tagged, match: [{headerName: a, headerValue: {exact: b}}]}"],
    ]),
    /setHeaderRoute requires trafficRouting with managedRoutes/,
  ],
];

describe.each(rows)('%s', (_name, yaml, expected) => {
  it('is reported', () => {
    const errs = errors(specFrom(yaml).issues);
    expect(errs.some((e) => expected.test(e))).toBe(true);
  });
});
