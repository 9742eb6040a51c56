/** One valid and one invalid case per validation rule (Argo's and canary's). */
import { errors, seedWith, SEED, specFrom, warnings } from '../support/spec.js';

const SERVICES = ['myapp', 'myapp-canary', 'myapp-stable']
  .map(
    (name) => `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: apps}
spec:
  selector: {app: myapp}
  ports: [{port: 80, targetPort: 8080}]
`,
  )
  .join('');

describe('the seed-like spec', () => {
  it('is valid', () => {
    expect(errors(specFrom(SEED).issues)).toEqual([]);
    expect(errors(specFrom(SEED + SERVICES).issues)).toEqual([]);
  });
});

type Row = [rule: string, invalid: string, expected: RegExp];

const rows: Row[] = [
  ['one step type per step', seedWith([['- setWeight: 10', '- setWeight: 10\n          pause: {}']]), /a step has one of setWeight, pause, experiment or analysis, this one has setWeight and pause/],
  ['a step needs a type', seedWith([['- setWeight: 10', '- {}']]), /a step needs one of/],
  ['weights 0..100', seedWith([['- setWeight: 50', '- setWeight: 101']]), /setWeight: must be at most 100/],
  ['weights are whole numbers', seedWith([['- setWeight: 50', '- setWeight: 12.5']]), /expected a whole number/],
  ['pause duration parses', seedWith([['{duration: 30s}', '{duration: 30 seconds}']]), /expected a duration like "30s"/],
  ['pause duration > 0', seedWith([['{duration: 30s}', '{duration: 0s}']]), /must be greater than 0/],
  ['canary != stable service', seedWith([['canaryService: myapp-canary', 'canaryService: myapp-stable']]), /must be two different Services/],
  ['both services with traffic routing', seedWith([['      canaryService: myapp-canary\n', '']]), /needs both canaryService and stableService/],
  ['rootService is not canary/stable', seedWith([['rootService: myapp', 'rootService: myapp-stable']]), /rootService "myapp-stable" must be the Service clients call/],
  ['setCanaryScale needs traffic routing', seedWith([['      trafficRouting:\n        smi:\n          rootService: myapp\n', ''], ['      canaryService: myapp-canary\n      stableService: myapp-stable\n', ''], ['- setWeight: 10', '- setCanaryScale: {replicas: 1}']]), /setCanaryScale requires trafficRouting/],
  ['scaleDownDelaySeconds needs traffic routing', seedWith([['      trafficRouting:\n        smi:\n          rootService: myapp\n', '      scaleDownDelaySeconds: 10\n']]), /scaleDownDelaySeconds applies to traffic-routed canaries only/],
  ['dynamicStableScale excludes scaleDownDelaySeconds', seedWith([['      trafficRouting:', '      dynamicStableScale: true\n      scaleDownDelaySeconds: 5\n      trafficRouting:']]), /cannot be combined with dynamicStableScale/],
  ['maxSurge and maxUnavailable not both 0', seedWith([['      trafficRouting:', '      maxSurge: 0\n      maxUnavailable: 0\n      trafficRouting:']]), /cannot both be 0/],
  ['startingStep within the steps', seedWith([['        args:\n          - name: service-name', '        startingStep: 9\n        args:\n          - name: service-name']]), /startingStep 9 is past the end of the steps \(there are 4; 4 starts the analysis when they are done\)/],
  ['referenced templates exist', seedWith([['templateName: success-rate', 'templateName: success-rat']]), /AnalysisTemplate "success-rat" not found/],
  ['cluster templates are looked up by clusterScope', seedWith([['templateName: success-rate', 'templateName: success-rate\n            clusterScope: true']]), /ClusterAnalysisTemplate "success-rate" not found/],
  ['template args are supplied', seedWith([['        args:\n          - name: service-name\n            value: myapp-canary\n', '']]), /needs arg "service-name"/],
  ['placeholders refer to declared args', seedWith([['{{args.service-name}}', '{{args.service}}']]), /\{\{args.service\}\} refers to an arg that AnalysisTemplate "success-rate" does not declare/],
  ['placeholders are args', seedWith([['{{args.service-name}}', '{{service}}']]), /unknown placeholder \{\{service\}\}/],
  ['interval required when count > 1', seedWith([['      interval: 15s\n', '      count: 3\n']]), /interval must be specified when count > 1/],
  ['count >= failureLimit + consecutiveSuccessLimit', seedWith([['      interval: 15s\n', '      interval: 15s\n      count: 2\n      failureLimit: 2\n      consecutiveSuccessLimit: 1\n']]), /count \(2\) must be >= failureLimit \(2\) \+ consecutiveSuccessLimit \(1\)/],
  ['count >= inconclusiveLimit', seedWith([['      interval: 15s\n', '      interval: 15s\n      count: 2\n      inconclusiveLimit: 3\n']]), /count \(2\) must be >= inconclusiveLimit \(3\)/],
  ['failureLimit -1 only with consecutiveSuccessLimit', seedWith([['      interval: 15s\n', '      interval: 15s\n      failureLimit: -1\n']]), /cannot both be disabled/],
  ['failureLimit >= -1', seedWith([['      interval: 15s\n', '      interval: 15s\n      failureLimit: -2\n']]), /must be at least -1/],
  ['dryRun rule matches a metric', seedWith([['  metrics:\n', '  dryRun:\n    - metricName: latency\n  metrics:\n']]), /dryRun\[0\]: "latency" matches no metric/],
  ['dryRun rule is a regexp', seedWith([['  metrics:\n', '  dryRun:\n    - metricName: "err(ors"\n  metrics:\n']]), /not a valid regular expression/],
  ['measurementRetention matches a metric', seedWith([['  metrics:\n', '  measurementRetention:\n    - metricName: latency\n      limit: 5\n  metrics:\n']]), /measurementRetention\[0\]: "latency" matches no metric/],
  ['duplicate metric names', seedWith([['  metrics:\n', '  metrics:\n    - name: errors\n      provider: {prometheus: {address: "http://p:9090", query: "up"}}\n']]), /duplicate metric name "errors"/],
  ['a metric has one provider', seedWith([['        prometheus:\n', '        web: {url: "http://x/y"}\n        prometheus:\n']]), /multiple providers specified/],
  ['a metric has a provider', seedWith([['      provider:\n        prometheus:\n          address: http://prometheus.monitoring:9090\n          query: sum(rate(response_total{dst_service="{{args.service-name}}"}[30s]))\n', '      provider: {}\n']]), /no provider specified/],
  ['provider address is a URL', seedWith([['address: http://prometheus.monitoring:9090', 'address: prometheus:9090']]), /is not an http\(s\) URL/],
  ['unsupported providers are named', seedWith([['        prometheus:\n', '        wavefront: {query: x}\n        prometheus:\n']]), /the Wavefront provider is not supported/],
  ['unique Rollout names', `${SEED}---${SEED.split('---')[0]}`, /Rollout "myapp" is defined twice/],
  ['selector matches template labels', seedWith([['      app: myapp\n  template:', '      app: other\n  template:']]), /selector does not match template labels/],
  // Argo's validation: "template must be empty for workload reference rollout".
  ['workloadRef and template exclude each other', seedWith([['  replicas: 2\n', '  replicas: 2\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: x}\n']]), /spec\.template: template must be empty with workloadRef/],
  ['workloadRef names a Deployment', seedWith([['  replicas: 2\n', '  replicas: 2\n  workloadRef: {apiVersion: apps/v1, kind: StatefulSet, name: x}\n']]), /apps\/v1 StatefulSet: canary takes the pod template from an apps\/v1 Deployment only/],
  ['workloadRef scaleDown', seedWith([['  replicas: 2\n', '  replicas: 2\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: x, scaleDown: always}\n']]), /expected never, onsuccess or progressively, got "always"/],
  ['an experiment needs a template', seedWith([['- setWeight: 10', '- experiment: {templates: []}']]), /an experiment needs at least one template/],
  ['an experiment template names stable or canary', seedWith([['- setWeight: 10', '- experiment: {duration: 1m, templates: [{name: b, specRef: main}]}']]), /specRef: expected stable or canary, got "main"/],
  ['experiment template names are unique', seedWith([['- setWeight: 10', '- experiment: {duration: 1m, templates: [{name: b, specRef: stable}, {name: b, specRef: canary}]}']]), /duplicate template name "b"/],
  // Argo's validation: InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting (which routers carry it: test/routing/experiment-weights.test.ts).
  ['an experiment template weight needs trafficRouting', seedWith([['      trafficRouting:\n        smi:\n          rootService: myapp\n', ''], ['- setWeight: 10', '- experiment: {duration: 1m, templates: [{name: b, specRef: stable, weight: 5}]}']]), /templates\[0\]\.weight: an experiment template weight requires trafficRouting/],
  ['experiment analysis names are unique', seedWith([['- setWeight: 10', '- experiment: {templates: [{name: b, specRef: stable}], analyses: [{name: a, templateName: t}, {name: a, templateName: t}]}']]), /duplicate analysis name "a"/],
  ['setCanaryScale cannot share an experiment step', seedWith([['- setWeight: 10', '- experiment: {duration: 1m, templates: [{name: b, specRef: stable}]}\n          setCanaryScale: {replicas: 1}']]), /setCanaryScale in an experiment step is not supported/],
  // Argo's validation: managedRoutes required with route steps (MissingFieldMessage), and InvalideStepRouteNameNotFoundInManagedRoutes.
  ['setHeaderRoute needs managedRoutes', seedWith([['- setWeight: 10', '- setHeaderRoute: {name: x}']]), /setHeaderRoute needs spec\.strategy\.canary\.trafficRouting\.managedRoutes listing "x"/],
  ['a route step names a managed route', seedWith([['        smi:\n', '        managedRoutes: [{name: header}]\n        smi:\n'], ['- setWeight: 10', '- setHeaderRoute: {name: other}']]), /route "other" is not in spec\.strategy\.canary\.trafficRouting\.managedRoutes: add \{name: other\} there/],
  ['other routers are named', seedWith([['        smi:\n          rootService: myapp\n', '        apisix: {}\n']]), /APISIX traffic routing: canary writes SMI TrafficSplits/],
  // Argo's ValidateRolloutVirtualServicesConfig: one of virtualService and virtualServices.
  ['istio names its VirtualService', seedWith([['        smi:\n          rootService: myapp\n', '        istio: {}\n']]), /istio: name the VirtualService whose weights canary writes/],
  ['istio: virtualService or virtualServices', seedWith([['        smi:\n          rootService: myapp\n', '        istio: {virtualService: {name: a}, virtualServices: [{name: b}]}\n']]), /istio.virtualServices: set either virtualService or virtualServices, not both/],
  ['istio destinationRule needs its subsets', seedWith([['        smi:\n          rootService: myapp\n', '        istio: {virtualService: {name: a}, destinationRule: {name: d, canarySubsetName: c}}\n']]), /destinationRule.stableSubsetName: required field is missing/],
  // Argo's ValidateRolloutNginxIngressesConfig: one of stableIngress and stableIngresses.
  ['nginx: stableIngress or stableIngresses', seedWith([['        smi:\n          rootService: myapp\n', '        nginx: {stableIngress: a, stableIngresses: [b]}\n']]), /nginx.stableIngresses: set either stableIngress or stableIngresses, not both/],
  ['nginx names its stable Ingress', seedWith([['        smi:\n          rootService: myapp\n', '        nginx: {annotationPrefix: custom}\n']]), /nginx: name the Ingress canary copies for the canary/],
  ['traefik names its TraefikService', seedWith([['        smi:\n          rootService: myapp\n', '        traefik: {}\n']]), /traefik.weightedTraefikServiceName: required field is missing/],
  ['one router', seedWith([['        smi:\n          rootService: myapp\n', '        smi: {rootService: myapp}\n        istio: {virtualService: {name: a}}\n']]), /trafficRouting.istio: set one router: smi and istio are both set/],
  // Argo's ValidateRolloutStrategy: InvalidStrategyMessage.
  ['one strategy', seedWith([['    canary:\n      canaryService', '    blueGreen: {activeService: myapp}\n    canary:\n      canaryService']]), /set one strategy: canary or blueGreen, not both/],
  ['conditions compile', seedWith([['failureCondition: len(result) > 0 && result[0] > 0', 'failureCondition: len(result) > 0 && result[0] >> 0']]), /failureCondition: .*unexpected/],
  ['conditions return a bool', seedWith([['failureCondition: len(result) > 0 && result[0] > 0', 'failureCondition: len(result)']]), /expected bool, but got int/],
  ['misspelt fields get a suggestion', seedWith([['- setWeight: 50', '- setweight: 50']]), /unknown field "setweight", did you mean "setWeight"\?/],
  ['placeholders in numeric fields refer to declared args', seedWith([['      interval: 15s\n', '      interval: "{{args.every}}"\n']]), /interval: \{\{args.every\}\} refers to an arg that AnalysisTemplate "success-rate" does not declare/],
  ['placeholders are only for metric numbers, not step fields', seedWith([['- setWeight: 50', '- setWeight: "{{args.weight}}"']]), /setWeight: expected a whole number/],
  ['setCanaryScale in an analysis step', seedWith([['- setWeight: 10', '- {analysis: {templates: [{templateName: success-rate}]}, setCanaryScale: {replicas: 1}}']]), /setCanaryScale in an analysis step is not supported/],
  ['setWeight and pause exclude each other (Argo hasMultipleStepsType)', seedWith([['- setWeight: 10', '- {setWeight: 10, pause: {}}']]), /this one has setWeight and pause/],
  ['managed route names are DNS labels', seedWith([['        smi:\n', '        managedRoutes: [{name: Header_1}]\n        smi:\n']]), /managed route name "Header_1" must be a DNS label/],
  ['misspelt metric fields get a suggestion', seedWith([['      interval: 15s', '      intervall: 15s']]), /unknown field "intervall", did you mean "interval"\?/],
];

describe.each(rows)('rule: %s', (_rule, invalid, expected) => {
  it('passes the valid spec', () => {
    expect(errors(specFrom(SEED).issues)).toEqual([]);
  });
  it('reports the invalid one with its position', () => {
    const { issues } = specFrom(invalid);
    const errs = issues.filter((i) => i.severity === 'error');
    expect(errs.map((e) => `${e.path}: ${e.message}`).join('\n')).toMatch(expected);
    // Every message points at the line of its field, never at the start of its document.
    const documentStarts = invalid.split('\n').flatMap((l, i) => (l.startsWith('apiVersion:') ? [i + 1] : []));
    for (const e of errs) {
      expect(e.file).toBe('test.yaml');
      expect(e.line).toBeGreaterThan(0);
      expect(e.col).toBeGreaterThan(0);
      expect(documentStarts).not.toContain(e.line);
    }
  });
});

describe('{{args.x}} in a metric\'s numbers (Argo substitutes args into the whole metric)', () => {
  const templated = seedWith([
    ['  args:\n    - name: service-name\n', '  args:\n    - name: service-name\n    - name: every\n      value: 30s\n    - name: count\n      value: "4"\n    - name: limit\n      value: "1"\n'],
    ['      interval: 15s\n', '      interval: "{{args.every}}"\n      count: "{{ args.count }}"\n      failureLimit: "{{args.limit}}"\n      consecutiveErrorLimit: "{{args.limit}}"\n'],
  ]);
  it('is valid when the args are declared, and keeps the text for the run to resolve', () => {
    const { issues, spec } = specFrom(templated);
    expect(errors(issues)).toEqual([]);
    const m = spec.templates[0]!.metrics[0]!;
    expect(m.templated).toEqual([
      { field: 'interval', text: '{{args.every}}' },
      { field: 'count', text: '{{ args.count }}' },
      { field: 'failureLimit', text: '{{args.limit}}' },
      { field: 'consecutiveErrorLimit', text: '{{args.limit}}' },
    ]);
    // The fields hold their defaults until then.
    expect(m).toMatchObject({ intervalMs: null, count: null, failureLimit: 0, consecutiveErrorLimit: 4 });
  });
  it('leaves the limits that depend on them to the run (count 1 with interval from args is not "interval required")', () => {
    expect(errors(specFrom(templated.replace('      count: "{{ args.count }}"\n', '      count: 3\n')).issues)).toEqual([]);
  });
});

describe('Services given alongside', () => {
  it('must contain the Services a Rollout names', () => {
    const withoutCanary = SERVICES.replace(/---\napiVersion: v1\nkind: Service\nmetadata: \{name: myapp-canary.*?\n(?:.*\n){3}/, '');
    expect(errors(specFrom(SEED + withoutCanary).issues).join('\n')).toMatch(/Service "myapp-canary" is not among the Service manifests given/);
  });
  it('must select the Rollout pods', () => {
    const wrongSelector = SERVICES.replace('metadata: {name: myapp-stable, namespace: apps}\nspec:\n  selector: {app: myapp}', 'metadata: {name: myapp-stable, namespace: apps}\nspec:\n  selector: {app: web}');
    expect(errors(specFrom(SEED + wrongSelector).issues).join('\n')).toMatch(/selects app=web, which the pods of Rollout "myapp" do not carry/);
  });
  it('are not required when none are given', () => {
    expect(errors(specFrom(SEED).issues)).toEqual([]);
  });
});

describe('warnings', () => {
  it('an arg no template declares has no effect', () => {
    const text = seedWith([['            value: myapp-canary\n', '            value: myapp-canary\n          - name: extra\n            value: x\n']]);
    expect(warnings(specFrom(text).issues).join('\n')).toMatch(/arg "extra" is not declared/);
  });
  it('a Prometheus metric without an address needs a fallback', () => {
    const text = seedWith([['          address: http://prometheus.monitoring:9090\n', '']]);
    expect(warnings(specFrom(text).issues).join('\n')).toMatch(/no address: canary will need --prometheus-address/);
    expect(warnings(specFrom(text, { namespace: null, prometheusAddress: 'http://p:9090' }).issues)).toEqual([]);
  });
  it('status of an exported Rollout is ignored, out loud', () => {
    expect(warnings(specFrom(`${SEED.split('---')[0]}status: {phase: Healthy}\n---${SEED.split('---')[1]}`).issues).join('\n')).toMatch(/status: ignored/);
  });
});

describe('setCanaryScale sharing a step (Argo: only setWeight, pause, experiment and analysis exclude each other)', () => {
  it('is read as the setWeight or pause step carrying the scale', () => {
    const { issues, spec } = specFrom(seedWith([['- setWeight: 10', '- {setWeight: 10, setCanaryScale: {replicas: 2}}'], ['- pause: {}', '- {pause: {}, setCanaryScale: {weight: 50}}']]));
    expect(errors(issues)).toEqual([]);
    const strategy = spec.rollouts[0]!.strategy;
    const steps = strategy.kind === 'canary' ? strategy.steps : [];
    expect(steps[0]).toMatchObject({ kind: 'setWeight', weight: 10, canaryScale: { kind: 'replicas', replicas: 2 } });
    expect(steps.at(-1)).toMatchObject({ kind: 'pause', durationMs: null, canaryScale: { kind: 'weight', weight: 50 } });
  });

  it('still needs trafficRouting, said once at setCanaryScale', () => {
    const noRouting = seedWith([
      ['      trafficRouting:\n        smi:\n          rootService: myapp\n', ''],
      ['      canaryService: myapp-canary\n      stableService: myapp-stable\n', ''],
      ['- setWeight: 10', '- {setWeight: 10, setCanaryScale: {replicas: 2}}'],
    ]);
    expect(errors(specFrom(noRouting).issues)).toEqual(['spec.strategy.canary.steps[0].setCanaryScale: setCanaryScale requires trafficRouting: without it the weight is carried by replica counts']);
  });
});
