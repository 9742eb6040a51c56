/** Builds a SpecSet from inline YAML, as `canary lint` would, for table-driven tests. */
import { readDocuments } from '../../src/manifests/documents.js';
import { sortIssues, type Issue } from '../../src/manifests/issues.js';
import { parseManifestText } from '../../src/manifests/load.js';
import { validate, type RuleContext } from '../../src/manifests/rules.js';
import type { SpecSet } from '../../src/manifests/types.js';

export const CTX: RuleContext = { namespace: null, prometheusAddress: null };

export function specFrom(yamlText: string, ctx: RuleContext = CTX): { spec: SpecSet; issues: Issue[] } {
  const { docs, issues } = parseManifestText(yamlText, 'test.yaml');
  const read = readDocuments(docs, ['test.yaml'], issues);
  issues.push(...validate(read.spec, ctx));
  return { spec: read.spec, issues: sortIssues(issues) };
}

export function errors(issues: Issue[]): string[] {
  return issues.filter((i) => i.severity === 'error').map((i) => `${i.path}: ${i.message}`);
}

export function warnings(issues: Issue[]): string[] {
  return issues.filter((i) => i.severity === 'warning').map((i) => `${i.path}: ${i.message}`);
}

/** A valid SMI rollout + template + services; `patch` rewrites parts of its text. */
export const SEED = `
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: myapp
  namespace: apps
spec:
  replicas: 2
  strategy:
    canary:
      canaryService: myapp-canary
      stableService: myapp-stable
      trafficRouting:
        smi:
          rootService: myapp
      analysis:
        templates:
          - templateName: success-rate
        args:
          - name: service-name
            value: myapp-canary
      steps:
        - setWeight: 10
        - pause: {duration: 30s}
        - setWeight: 50
        - pause: {}
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
        - name: myapp
          image: example/myapp:1
---
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
  namespace: apps
spec:
  args:
    - name: service-name
  metrics:
    - name: errors
      interval: 15s
      failureCondition: len(result) > 0 && result[0] > 0
      provider:
        prometheus:
          address: http://prometheus.monitoring:9090
          query: sum(rate(response_total{dst_service="{{args.service-name}}"}[30s]))
`;

export function seedWith(replacements: [string, string][]): string {
  let text = SEED;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`test setup: "${from}" not in the seed text`);
    text = text.replace(from, to);
  }
  return text;
}

export interface RolloutYamlOptions {
  replicas?: number;
  steps: string[];
  /** Extra lines under strategy.canary (indented 6 spaces), e.g. ['dynamicStableScale: true']. */
  canary?: string[];
  /** Lines under spec (indented 2 spaces), e.g. ['progressDeadlineSeconds: 60']. */
  spec?: string[];
  routing?: 'smi' | 'none';
  /** trafficRouting.managedRoutes names (with smi routing: the engine's fake router writes them). */
  managedRoutes?: string[];
  background?: { template: string; startingStep?: number } | null;
  /** Extra YAML documents (templates). */
  docs?: string[];
}

/** A Rollout (and the default `errors` template) assembled from parts, for engine scenarios. */
export function rolloutYaml(o: RolloutYamlOptions): string {
  const routing = o.routing ?? 'smi';
  const lines = [
    ...rolloutHead(o),
    '    canary:',
    ...(routing === 'smi' ? ['      canaryService: myapp-canary', '      stableService: myapp-stable', `      trafficRouting: {smi: {rootService: myapp}${o.managedRoutes ? `, managedRoutes: [${o.managedRoutes.map((n) => `{name: ${n}}`).join(', ')}]` : ''}}`] : []),
    ...(o.canary ?? []).map((l) => `      ${l}`),
    ...(o.background
      ? [
          '      analysis:',
          `        templates: [{templateName: ${o.background.template}}]`,
          ...(o.background.startingStep !== undefined ? [`        startingStep: ${o.background.startingStep}`] : []),
        ]
      : []),
    '      steps:',
    ...o.steps.map((s) => `        - ${s}`),
  ];
  return [lines.join('\n'), ...(o.docs ?? [])].join('\n---\n') + '\n';
}

/** An AnalysisTemplate with one Prometheus metric; `metric` lines go under the metric (indented 4). */
export function templateYaml(name: string, metric: string[], metricName = 'm'): string {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: AnalysisTemplate',
    `metadata: {name: ${name}, namespace: apps}`,
    'spec:',
    '  metrics:',
    `    - name: ${metricName}`,
    ...metric.map((l) => `      ${l}`),
    '      provider:',
    '        prometheus:',
    '          address: http://prometheus:9090',
    `          query: ${name}-query`,
  ].join('\n');
}

export interface BlueGreenYamlOptions {
  replicas?: number;
  /** Lines under strategy.blueGreen (indented 6 spaces); activeService and previewService are set. */
  blueGreen?: string[];
  /** Lines under spec (indented 2 spaces). */
  spec?: string[];
  /** Extra YAML documents (templates). */
  docs?: string[];
}

/** A blue-green Rollout (active myapp, preview myapp-preview) assembled from parts, for engine scenarios. */
export function blueGreenYaml(o: BlueGreenYamlOptions = {}): string {
  const lines = [
    ...rolloutHead(o),
    '    blueGreen:',
    '      activeService: myapp',
    '      previewService: myapp-preview',
    ...(o.blueGreen ?? []).map((l) => `      ${l}`),
  ];
  return [lines.join('\n'), ...(o.docs ?? [])].join('\n---\n') + '\n';
}

/** Rollout `myapp` up to its `strategy:` key. */
function rolloutHead(o: { replicas?: number; spec?: string[] }): string[] {
  return [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Rollout',
    'metadata: {name: myapp, namespace: apps}',
    'spec:',
    `  replicas: ${o.replicas ?? 2}`,
    ...(o.spec ?? []).map((l) => `  ${l}`),
    '  selector: {matchLabels: {app: myapp}}',
    '  template:',
    '    metadata: {labels: {app: myapp}}',
    '    spec: {containers: [{name: myapp, image: "example/myapp:1"}]}',
    '  strategy:',
  ];
}
